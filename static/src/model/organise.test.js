import test from 'node:test';
import assert from 'node:assert/strict';
import { collapsedView, componentPorts, groupNodes, insertComponent, makeComponent, moveGroup, pruneOrganisation } from './organise.js';

const specs = {
  data: { inputs: [], outputs: [{ name: 'dataset', type: 'DataFrame' }] },
  split: { inputs: [{ name: 'dataset', type: 'DataFrame' }], outputs: [{ name: 'train', type: 'DataFrame' }, { name: 'test', type: 'DataFrame' }] },
  train: { inputs: [{ name: 'dataset', type: 'DataFrame' }], outputs: [{ name: 'model', type: 'TrainedModel' }] },
};
const specOf = (id) => specs[id];
const doc = {
  nodes: [
    { id: 'd', component: 'data', params: {}, position: { x: 0, y: 0 } },
    { id: 's', component: 'split', params: {}, position: { x: 300, y: 0 } },
    { id: 't', component: 'train', params: {}, position: { x: 600, y: 0 } },
  ],
  edges: [
    { source: 'd', source_port: 'dataset', target: 's', target_port: 'dataset' },
    { source: 's', source_port: 'train', target: 't', target_port: 'dataset' },
  ],
};

test('a group moves its nodes and no other', () => {
  const [grouped, id] = groupNodes(doc, ['s', 't'], 'Model');
  const moved = moveGroup(grouped, id, 10, 20);
  assert.deepEqual(moved.nodes.map((n) => n.position), [{ x: 0, y: 0 }, { x: 310, y: 20 }, { x: 610, y: 20 }]);
});

test('a component has the inputs fed from outside and the outputs read outside or by nothing', () => {
  const ports = componentPorts(doc, ['s', 't'], specOf);
  assert.deepEqual(ports.inputs.map((p) => `${p.node}.${p.port}`), ['s.dataset']);
  assert.deepEqual(ports.outputs.map((p) => `${p.node}.${p.port}`), ['s.test', 't.model']);
});

test('make component keeps the nodes, collapses them and reroutes border edges to the group', () => {
  const [made, groupId] = makeComponent(doc, ['s', 't'], 'Split and train', specOf);
  assert.equal(made.nodes.length, 3);
  assert.equal(made.subgraphs[0].id, 'split-and-train');
  const view = collapsedView(made);
  assert.deepEqual([...view.hiddenNodes].sort(), ['s', 't']);
  assert.equal(view.hiddenEdges.size, 1);
  assert.deepEqual(view.rerouted.get('d:dataset->s:dataset'), {
    source: 'd', sourceHandle: 'dataset', target: `group:${groupId}`, targetHandle: 's::dataset' });
  const [copied] = insertComponent(made, 'split-and-train', { x: 0, y: 400 });
  assert.equal(copied.nodes.length, 5);
  assert.equal(copied.groups.length, 2);
  assert.equal(copied.edges.length, 3);
});

test('deleting nodes drops them from their groups', () => {
  const [grouped] = groupNodes(doc, ['s', 't']);
  const pruned = pruneOrganisation({ ...grouped, nodes: grouped.nodes.filter((n) => n.id !== 't') });
  assert.deepEqual(pruned.groups[0].nodes, ['s']);
});
