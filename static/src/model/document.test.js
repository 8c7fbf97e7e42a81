// Tests of the graph-document edits (run with `npm test`, Node's built-in runner).
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  addNode, connect, connectionProblem, emptyDocument, fragmentOf, freshNodeId, pasteFragment,
  promoteParam, removeElements, removeParameter, renameParameter, edgeKey,
} from './document.js';

const specs = {
  'sample-dataset': { id: 'sample-dataset', inputs: [], outputs: [{ name: 'dataset', type: 'DataFrame' }], params: [{ name: 'name', type: 'str', default: 'iris' }] },
  'split-data': { id: 'split-data', inputs: [{ name: 'dataset', type: 'DataFrame' }], outputs: [{ name: 'train', type: 'DataFrame' }, { name: 'test', type: 'DataFrame' }], params: [{ name: 'seed', type: 'int', default: 0 }] },
  'logistic-regression': { id: 'logistic-regression', inputs: [], outputs: [{ name: 'model', type: 'UntrainedModel' }], params: [] },
  'export-any': { id: 'export-any', inputs: [{ name: 'value', type: 'Any' }], outputs: [], params: [] },
};
const specOf = (id) => specs[id];

function pipeline() {
  let doc = emptyDocument('t');
  doc = addNode(doc, specs['sample-dataset'], { x: 0, y: 0 });
  doc = addNode(doc, specs['split-data'], { x: 300, y: 0 });
  doc = addNode(doc, specs['logistic-regression'], { x: 0, y: 200 });
  return doc;
}

test('fresh node ids count up per component and skip ids in use', () => {
  const doc = pipeline();
  assert.deepEqual(doc.nodes.map((n) => n.id), ['sample-dataset-1', 'split-data-1', 'logistic-regression-1']);
  assert.equal(freshNodeId(doc, 'split-data'), 'split-data-2');
});

test('new nodes get the component defaults as params', () => {
  assert.deepEqual(pipeline().nodes[1].params, { seed: 0 });
});

test('an edge between different port types is refused with the reason', () => {
  const problem = connectionProblem(pipeline(), specOf, { source: 'logistic-regression-1', sourcePort: 'model', target: 'split-data-1', targetPort: 'dataset' });
  assert.match(problem, /UntrainedModel.*DataFrame/);
});

test('an input takes one edge, an Any input takes every type', () => {
  let doc = pipeline();
  const edge = { source: 'sample-dataset-1', sourcePort: 'dataset', target: 'split-data-1', targetPort: 'dataset' };
  assert.equal(connectionProblem(doc, specOf, edge), null);
  doc = connect(doc, { source: 'sample-dataset-1', source_port: 'dataset', target: 'split-data-1', target_port: 'dataset' });
  assert.match(connectionProblem(doc, specOf, edge), /already connected/);
  doc = addNode(doc, specs['export-any'], { x: 0, y: 0 });
  assert.equal(connectionProblem(doc, specOf, { source: 'logistic-regression-1', sourcePort: 'model', target: 'export-any-1', targetPort: 'value' }), null);
});

test('removing a node removes its edges', () => {
  let doc = connect(pipeline(), { source: 'sample-dataset-1', source_port: 'dataset', target: 'split-data-1', target_port: 'dataset' });
  doc = removeElements(doc, ['split-data-1']);
  assert.equal(doc.edges.length, 0);
  assert.equal(doc.nodes.length, 2);
});

test('removing an edge by key keeps the nodes', () => {
  const edge = { source: 'sample-dataset-1', source_port: 'dataset', target: 'split-data-1', target_port: 'dataset' };
  const doc = removeElements(connect(pipeline(), edge), [], [edgeKey(edge)]);
  assert.equal(doc.edges.length, 0);
  assert.equal(doc.nodes.length, 3);
});

test('pasting copies nodes and their inner edges under fresh ids', () => {
  const doc = connect(pipeline(), { source: 'sample-dataset-1', source_port: 'dataset', target: 'split-data-1', target_port: 'dataset' });
  const [pasted, ids] = pasteFragment(doc, fragmentOf(doc, ['sample-dataset-1', 'split-data-1']), { x: 40, y: 40 });
  assert.deepEqual(ids, ['sample-dataset-2', 'split-data-2']);
  assert.deepEqual(pasted.edges[1], { source: 'sample-dataset-2', source_port: 'dataset', target: 'split-data-2', target_port: 'dataset' });
  assert.deepEqual(pasted.nodes[3].position, { x: 40, y: 40 });
});

test('promoting a parameter links the node to a new pipeline parameter', () => {
  const [doc, name] = promoteParam(pipeline(), 'split-data-1', { name: 'seed', type: 'int', default: 0 }, 7);
  assert.equal(name, 'seed');
  assert.deepEqual(doc.parameters, [{ name: 'seed', type: 'int', default: 7 }]);
  assert.deepEqual(doc.nodes[1].params.seed, { $param: 'seed' });
});

test('renaming and removing a pipeline parameter keep the nodes consistent', () => {
  let [doc] = promoteParam(pipeline(), 'split-data-1', { name: 'seed', type: 'int', default: 0 }, 7);
  doc = renameParameter(doc, 0, 'random_seed');
  assert.deepEqual(doc.nodes[1].params.seed, { $param: 'random_seed' });
  doc = removeParameter(doc, 0);
  assert.equal(doc.nodes[1].params.seed, 7);
  assert.equal(doc.parameters.length, 0);
});
