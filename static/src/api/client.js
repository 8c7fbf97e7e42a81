// The HTTP client for docs/api.md: one function per endpoint, JSON in and out, errors as ApiError.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || `Request failed (${status})`);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

export async function request(method, path, body, { keepalive = false, headers = {} } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, keepalive };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    throw new ApiError(0, 'network', 'Cannot reach the designer server. Is `designer serve` running?');
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw new ApiError(response.status, error.code || `http-${response.status}`,
      error.message || `${method} ${path} failed with ${response.status}`, error.details);
  }
  return data;
}

const enc = encodeURIComponent;

export const api = {
  components: () => request('GET', '/api/components'),
  compute: () => request('GET', '/api/compute'),

  listGraphs: () => request('GET', '/api/graphs'),
  createGraph: (document) => request('POST', '/api/graphs', document),
  importGraph: (document) => request('POST', '/api/graphs/import', document),
  getGraph: (id) => request('GET', `/api/graphs/${enc(id)}`),
  saveGraph: (id, revision, document, options) =>
    request('PUT', `/api/graphs/${enc(id)}`, { revision, document }, options),
  deleteGraph: (id) => request('DELETE', `/api/graphs/${enc(id)}`),
  cloneGraph: (id) => request('POST', `/api/graphs/${enc(id)}/clone`),
  exportUrl: (id) => `/api/graphs/${enc(id)}/export`,
  validateDraft: (document) => request('POST', '/api/validate', document),
  columns: (id) => request('GET', `/api/graphs/${enc(id)}/columns`),
  graphRuns: (id) => request('GET', `/api/graphs/${enc(id)}/runs`),

  submitRun: (id, body) => request('POST', `/api/graphs/${enc(id)}/runs`, body),
  getRun: (runId) => request('GET', `/api/runs/${enc(runId)}`),
  cancelRun: (runId) => request('POST', `/api/runs/${enc(runId)}/cancel`, {}),
  nodeLog: (runId, nodeId) => request('GET', `/api/runs/${enc(runId)}/nodes/${enc(nodeId)}/log`),
  nodeMetrics: (runId, nodeId) => request('GET', `/api/runs/${enc(runId)}/nodes/${enc(nodeId)}/metrics`),
  output: (runId, nodeId, port, offset = 0, limit = 50) =>
    request('GET', `/api/runs/${enc(runId)}/nodes/${enc(nodeId)}/outputs/${enc(port)}?offset=${offset}&limit=${limit}`),
  outputDownloadUrl: (runId, nodeId, port) =>
    `/api/runs/${enc(runId)}/nodes/${enc(nodeId)}/outputs/${enc(port)}/download`,

  inferenceGraph: (id, kind, runId) =>
    request('POST', `/api/graphs/${enc(id)}/inference-graph`, { kind, run_id: runId }),
  /** body: {name?, pipeline_id? (publish as its next version), make_default?} */
  publish: (id, body = {}) => request('POST', `/api/graphs/${enc(id)}/publish`, body),
  deployEndpoint: (name, graphId) => request('POST', '/api/endpoints', { name, graph_id: graphId }),

  listEndpoints: () => request('GET', '/api/endpoints'),
  getEndpoint: (name) => request('GET', `/api/endpoints/${enc(name)}`),
  deleteEndpoint: (name) => request('DELETE', `/api/endpoints/${enc(name)}`),
  rotateEndpointKey: (name) => request('POST', `/api/endpoints/${enc(name)}/rotate-key`, {}),
  endpointSwagger: (name) => request('GET', `/endpoints/${enc(name)}/swagger.json`),
  score: (name, key, body) => request('POST', `/endpoints/${enc(name)}/score`, body,
    { headers: key ? { Authorization: `Bearer ${key}` } : {} }),

  listPipelines: () => request('GET', '/api/pipelines'),
  getPipeline: (id) => request('GET', `/api/pipelines/${enc(id)}`),
  setPipelineEnabled: (id, enabled) => request('POST', `/api/pipelines/${enc(id)}/${enabled ? 'enable' : 'disable'}`, {}),
  setDefaultVersion: (id, version) => request('POST', `/api/pipelines/${enc(id)}/default-version`, { version }),
  rotatePipelineKey: (id) => request('POST', `/api/pipelines/${enc(id)}/rotate-key`, {}),
  runPublished: (id, key, body) => request('POST', `/pipelines/${enc(id)}/runs`, body,
    { headers: key ? { Authorization: `Bearer ${key}` } : {} }),
  getGraphRevision: (id, revision) => request('GET', `/api/graphs/${enc(id)}?revision=${enc(revision)}`),
};

/** A short sentence for a toast: the server's message plus validation details when present. */
export function describeError(error) {
  if (!(error instanceof ApiError)) return String(error && error.message ? error.message : error);
  const errors = error.details && Array.isArray(error.details.errors) ? error.details.errors : [];
  if (errors.length && !errors.some((e) => e.message && error.message.includes(e.message))) {
    const first = errors.slice(0, 3).map((e) => (e.node ? `${e.node}${e.port ? `.${e.port}` : ''}: ${e.message}` : e.message));
    return `${error.message} — ${first.join('; ')}${errors.length > 3 ? ` (+${errors.length - 3} more)` : ''}`;
  }
  return error.message;
}
