import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTags, suggestedName } from './tags.js';

test('tags are key=value pairs separated by commas or lines', () => {
  assert.deepEqual(parseTags('team=botany, source = field survey\nyear=2026'), { team: 'botany', source: 'field survey', year: '2026' });
  assert.deepEqual(parseTags('  '), {});
  assert.equal(parseTags('novalue'), null);
  assert.equal(parseTags('=x'), null);
});

test('a suggested name is the last path part without its suffix', () => {
  assert.equal(suggestedName('raw/iris flowers.csv'), 'iris-flowers');
  assert.equal(suggestedName('images/pets/'), 'pets');
  assert.equal(suggestedName(''), '');
});
