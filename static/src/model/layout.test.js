import test from 'node:test';
import assert from 'node:assert/strict';
import { applyLayout, layoutGraph, placeUnpositioned } from './layout.js';

const specs = {
  data: { name: 'Sample Dataset', inputs: [], outputs: [{ name: 'dataset', type: 'DataFrame' }] },
  split: { name: 'Split Data', inputs: [{ name: 'dataset' }], outputs: [{ name: 'train' }, { name: 'test' }] },
  algo: { name: 'Logistic Regression', inputs: [], outputs: [{ name: 'model' }] },
  train: { name: 'Train Model', inputs: [{ name: 'dataset' }, { name: 'untrained_model' }], outputs: [{ name: 'trained_model' }] },
  score: { name: 'Score Model', inputs: [{ name: 'dataset' }, { name: 'trained_model' }], outputs: [{ name: 'scored_dataset' }] },
};
const specOf = (id) => specs[id];
const iris = {
  nodes: ['data', 'split', 'algo', 'train', 'score'].map((c) => ({ id: c, component: c, params: {} })),
  edges: [
    ['data', 'dataset', 'split', 'dataset'], ['split', 'train', 'train', 'dataset'], ['algo', 'model', 'train', 'untrained_model'],
    ['split', 'test', 'score', 'dataset'], ['train', 'trained_model', 'score', 'trained_model'],
  ].map(([source, sp, target, tp]) => ({ source, source_port: sp, target, target_port: tp })),
};

test('every edge points left to right and every edge gets a route', async () => {
  const { positions, routes } = await layoutGraph(iris, specOf);
  iris.edges.forEach((e) => assert.ok(positions[e.source].x < positions[e.target].x));
  iris.edges.forEach((e) => assert.ok(Array.isArray(routes[`${e.source}:${e.source_port}->${e.target}:${e.target_port}`])));
});

test('unconnected nodes are placed in rows, not one column', async () => {
  const loose = { nodes: Array.from({ length: 9 }, (_, i) => ({ id: `n${i}`, component: 'data', params: {} })), edges: [] };
  const { positions } = await layoutGraph(loose, specOf);
  assert.ok(new Set(Object.values(positions).map((p) => p.x)).size >= 2);
});

test('a graph with positions is left alone; one without is laid out', async () => {
  const placed = applyLayout(iris, await layoutGraph(iris, specOf));
  assert.equal(await placeUnpositioned(placed, specOf), placed);
  assert.ok((await placeUnpositioned(iris, specOf)).nodes.every((n) => Number.isFinite(n.position.x)));
});
