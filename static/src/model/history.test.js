// Tests of undo/redo over documents (run with `npm test`).
import test from 'node:test';
import assert from 'node:assert/strict';
import { historyReducer, initialHistory } from './history.js';

const setName = (name) => ({ type: 'edit', change: (d) => ({ ...d, name }), key: 'name', value: name });

test('undo and redo step through whole-document edits', () => {
  let h = initialHistory({ name: 'a' });
  h = historyReducer(h, { type: 'edit', change: (d) => ({ ...d, name: 'b' }) });
  h = historyReducer(h, { type: 'edit', change: (d) => ({ ...d, name: 'c' }) });
  h = historyReducer(h, { type: 'undo' });
  assert.equal(h.present.name, 'b');
  h = historyReducer(h, { type: 'redo' });
  assert.equal(h.present.name, 'c');
});

test('keystrokes into one field merge into one undo step', () => {
  let h = initialHistory({ name: '' });
  for (const text of ['h', 'he', 'hel', 'hell', 'hello']) h = historyReducer(h, setName(text));
  assert.equal(h.past.length, 1);
  h = historyReducer(h, { type: 'undo' });
  assert.equal(h.present.name, '');
});

test('replacing a whole value is its own undo step', () => {
  let h = initialHistory({ name: '0.3' });
  h = historyReducer(h, setName('0.2'));
  h = historyReducer(h, setName('0.4'));
  h = historyReducer(h, { type: 'undo' });
  assert.equal(h.present.name, '0.2');
});

test('a new edit after undo drops the redo branch', () => {
  let h = initialHistory({ name: 'a' });
  h = historyReducer(h, { type: 'edit', change: (d) => ({ ...d, name: 'b' }) });
  h = historyReducer(h, { type: 'undo' });
  h = historyReducer(h, { type: 'edit', change: (d) => ({ ...d, name: 'c' }) });
  assert.equal(h.future.length, 0);
});
