import test from 'node:test';
import assert from 'node:assert/strict';
import { distinctName, visibleGraphs } from './pipelineList.js';

const graphs = [
  { id: 'a', name: 'Iris classification', kind: 'training', updated_at: '2026-01-02T00:00:00Z', created_at: '2026-01-01T00:00:00Z', last_run: { status: 'completed' } },
  { id: 'b', name: 'Iris classification (real-time inference)', kind: 'realtime', updated_at: '2026-01-03T00:00:00Z', created_at: '2026-01-03T00:00:00Z', last_run: null },
  { id: 'c', name: 'Wine batch', description: 'scores the cellar', kind: 'batch', updated_at: '2026-01-01T00:00:00Z', created_at: '2026-01-04T00:00:00Z', last_run: { status: 'failed' } },
];
const ids = (rows) => rows.map((g) => g.id);

test('search matches every word in the name or description', () => {
  assert.deepEqual(ids(visibleGraphs(graphs, { search: 'iris real' })), ['b']);
  assert.deepEqual(ids(visibleGraphs(graphs, { search: 'CELLAR' })), ['c']);
});

test('kind and last-run filters combine', () => {
  assert.deepEqual(ids(visibleGraphs(graphs, { kinds: ['realtime', 'batch'] })), ['b', 'c']);
  assert.deepEqual(ids(visibleGraphs(graphs, { run: 'never' })), ['b']);
  assert.deepEqual(ids(visibleGraphs(graphs, { run: 'failed', kinds: ['training'] })), []);
});

test('sorts by last edit, name or creation', () => {
  assert.deepEqual(ids(visibleGraphs(graphs)), ['b', 'a', 'c']);
  assert.deepEqual(ids(visibleGraphs(graphs, { sort: 'name' })), ['a', 'b', 'c']);
  assert.deepEqual(ids(visibleGraphs(graphs, { sort: 'created' })), ['c', 'b', 'a']);
});

test('a taken name gets the next free number', () => {
  assert.equal(distinctName('New pipeline', []), 'New pipeline');
  assert.equal(distinctName('New pipeline', ['New pipeline', 'new pipeline (2)']), 'New pipeline (3)');
});
