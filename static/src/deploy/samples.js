// Ready-to-copy client code for real-time endpoints and published pipelines (curl and Python
// `requests`), and example rows from an endpoint's input schema. Pure functions over plain data.

export const KEY_PLACEHOLDER = '<KEY>';

const EXAMPLE_BY_KIND = { integer: 0, number: 0.0, boolean: false, datetime: '2024-01-01T00:00:00', text: '' };

/** The value kind of a pandas dtype, as the server's swagger.json names it. */
export function kindOfDtype(dtype) {
  const d = String(dtype || '').toLowerCase();
  if (d.startsWith('int') || d.startsWith('uint')) return 'integer';
  if (d.startsWith('float')) return 'number';
  if (d.startsWith('bool')) return 'boolean';
  if (d.startsWith('datetime')) return 'datetime';
  return 'text';
}

/** [{name, dtype, kind}] for one input, from swagger.json's x-inputs or the endpoint's own `inputs`. */
export function inputColumns(input, swagger) {
  const typed = swagger && swagger['x-inputs'] && swagger['x-inputs'][input.name];
  const columns = Array.isArray(typed) ? typed : (input.columns || []);
  return columns.map((c) => ({ name: c.name, dtype: c.dtype, kind: c.kind || kindOfDtype(c.dtype) }));
}

/** One row for these columns: the sample row's values where it has them, else a neutral value per kind. */
export function exampleRow(columns, sample) {
  const row = {};
  columns.forEach((c) => {
    row[c.name] = sample && Object.prototype.hasOwnProperty.call(sample, c.name)
      ? sample[c.name]
      : EXAMPLE_BY_KIND[c.kind] ?? '';
  });
  return row;
}

/** The request body for rows per input: {"data": rows} for one input, Azure ML's {"Inputs"} for several. */
export function scoringBody(rowsByInput) {
  const names = Object.keys(rowsByInput);
  if (names.length === 1) return { data: rowsByInput[names[0]] };
  return { Inputs: rowsByInput };
}

/** A POSIX shell single-quoted word. */
export function shellQuote(text) {
  return `'${String(text).replace(/'/g, `'\\''`)}'`;
}

const scalar = (value, python) => {
  if (value === null || value === undefined) return python ? 'None' : 'null';
  if (typeof value === 'boolean') return python ? (value ? 'True' : 'False') : String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : (python ? 'None' : 'null');
  return JSON.stringify(String(value));
};

function inline(value, python) {
  if (value === null || typeof value !== 'object') return scalar(value, python);
  if (Array.isArray(value)) return `[${value.map((v) => inline(v, python)).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inline(v, python)}`).join(', ')}}`;
}

/**
 * Code for a JSON value, laid out for reading: anything that fits on a line stays on one line (a
 * row, a parameter set), the rest goes one item per line. `python` writes Python literals instead
 * (JSON strings are valid Python string literals), indented by 4 and with trailing commas.
 */
function literal(value, indent, python) {
  if (value === null || typeof value !== 'object') return scalar(value, python);
  const one = inline(value, python);
  if (one.length + indent <= 110) return one;
  const step = python ? 4 : 2;
  const pad = ' '.repeat(indent);
  const inner = ' '.repeat(indent + step);
  const items = Array.isArray(value)
    ? value.map((v) => literal(v, indent + step, python))
    : Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${literal(v, indent + step, python)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const lines = items.map((item, i) => `${inner}${item}${i < items.length - 1 || python ? ',' : ''}`);
  return `${open}\n${lines.join('\n')}\n${pad}${close}`;
}

export const pythonLiteral = (value, indent = 0) => literal(value, indent, true);
export const readableJson = (value, indent = 0) => literal(value, indent, false);

function curl(url, key, body) {
  return [
    `curl -X POST ${shellQuote(url)} \\`,
    `  -H ${shellQuote(`Authorization: Bearer ${key || KEY_PLACEHOLDER}`)} \\`,
    "  -H 'Content-Type: application/json' \\",
    `  -d ${shellQuote(readableJson(body))}`,
  ].join('\n');
}

function pythonKeyLine(key) {
  return key ? `key = ${JSON.stringify(key)}` : `key = ${JSON.stringify(KEY_PLACEHOLDER)}  # the key you were shown when it was made`;
}

export function endpointCurl(url, key, body) {
  return curl(url, key, body);
}

export function endpointPython(url, key, body) {
  const single = Object.keys(body).length === 1 && Array.isArray(body.data);
  return [
    'import requests',
    '',
    `url = ${JSON.stringify(url)}`,
    pythonKeyLine(key),
    single ? `rows = ${pythonLiteral(body.data)}` : `body = ${pythonLiteral(body)}`,
    '',
    `response = requests.post(url, json=${single ? '{"data": rows}' : 'body'},`,
    '                         headers={"Authorization": f"Bearer {key}"}, timeout=30)',
    'response.raise_for_status()',
    single ? 'print(response.json()["predictions"])' : 'print(response.json()["Results"])',
  ].join('\n');
}

export function pipelineCurl(url, key, parameters) {
  return curl(url, key, { parameters });
}

export function pipelinePython(url, key, parameters) {
  return [
    'import time',
    'import requests',
    '',
    `url = ${JSON.stringify(url)}`,
    pythonKeyLine(key),
    'headers = {"Authorization": f"Bearer {key}"}',
    '',
    `run = requests.post(url, json={"parameters": ${pythonLiteral(parameters)}},`,
    '                    headers=headers, timeout=30)',
    'run.raise_for_status()',
    'status_url = run.json()["status_url"]',
    'while True:',
    '    status = requests.get(status_url, headers=headers, timeout=30).json()',
    '    if status["status"] not in ("queued", "running"):',
    '        break',
    '    time.sleep(2)',
    'print(status["status"], status["nodes"])',
  ].join('\n');
}

/** {name: default} for a graph document's pipeline parameters. */
export function defaultParameters(document) {
  const out = {};
  ((document && document.parameters) || []).forEach((p) => {
    if (p && p.name) out[p.name] = p.default === undefined ? null : p.default;
  });
  return out;
}
