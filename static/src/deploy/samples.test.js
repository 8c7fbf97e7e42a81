// Client code samples: valid JSON and shell quoting, Python literals, example rows from a schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KEY_PLACEHOLDER, defaultParameters, endpointCurl, endpointPython, exampleRow, inputColumns, kindOfDtype,
  pipelineCurl, pythonLiteral, readableJson, scoringBody, shellQuote,
} from './samples.js';

const IRIS_ROW = { 'sepal length (cm)': 5.1, 'sepal width (cm)': 3.5, 'petal length (cm)': 1.4, 'petal width (cm)': 0.2 };

test('readable JSON parses back to the same value, short rows on one line', () => {
  const body = { data: [IRIS_ROW] };
  const text = readableJson(body);
  assert.deepEqual(JSON.parse(text), body);
  assert.ok(text.split('\n').some((line) => line.includes('"sepal length (cm)": 5.1, "sepal width (cm)": 3.5')));
  const wide = { data: [Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`feature ${i}`, i]))] };
  assert.deepEqual(JSON.parse(readableJson(wide)), wide);
});

test('python literals spell null and booleans the Python way', () => {
  assert.equal(pythonLiteral({ a: null, b: true, c: false, d: 'x"y' }), '{"a": None, "b": True, "c": False, "d": "x\\"y"}');
  assert.equal(pythonLiteral([]), '[]');
});

test('shell quoting survives single quotes in column names and keys', () => {
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  const curl = endpointCurl('http://h/endpoints/e/score', null, { data: [{ "o'clock": 1 }] });
  assert.ok(curl.includes(`Bearer ${KEY_PLACEHOLDER}`));
  assert.ok(curl.includes("o'\\''clock"));
});

test('samples carry the real key while it is shown, the placeholder otherwise', () => {
  const body = scoringBody({ WebServiceInput0: [IRIS_ROW] });
  assert.ok(endpointPython('http://h/s', 'sekret', body).includes('key = "sekret"'));
  assert.ok(endpointPython('http://h/s', null, body).includes(`key = "${KEY_PLACEHOLDER}"`));
  assert.ok(pipelineCurl('http://h/pipelines/p/runs', 'k', { test_fraction: 0.3 }).includes('{"parameters": {"test_fraction": 0.3}}'));
});

test('one input is sent as {"data"}, several as Azure ML {"Inputs"}', () => {
  assert.deepEqual(scoringBody({ a: [1] }), { data: [1] });
  assert.deepEqual(scoringBody({ a: [1], b: [2] }), { Inputs: { a: [1], b: [2] } });
});

test('example rows take the sample values and fall back to one per column kind', () => {
  const columns = inputColumns({ name: 'in', columns: [{ name: 'x', dtype: 'float64' }, { name: 'n', dtype: 'int64' }, { name: 's', dtype: 'object' }] }, null);
  assert.deepEqual(columns.map((c) => c.kind), ['number', 'integer', 'text']);
  assert.deepEqual(exampleRow(columns, { x: 2.5 }), { x: 2.5, n: 0, s: '' });
  assert.equal(kindOfDtype('bool'), 'boolean');
  assert.equal(kindOfDtype('datetime64[ns]'), 'datetime');
});

test('default parameters come from the graph document', () => {
  assert.deepEqual(defaultParameters({ parameters: [{ name: 'f', default: 0.3 }, { name: 'g' }] }), { f: 0.3, g: null });
  assert.deepEqual(defaultParameters(null), {});
});
