// The workspace's memory over HTTP: registered models, runs across experiments, comparison, revisions.
import { request } from './client.js';

const enc = encodeURIComponent;
const query = (params) => {
  const parts = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${enc(k)}=${enc(v)}`);
  return parts.length ? `?${parts.join('&')}` : '';
};

export const workspaceApi = {
  listModels: (params = {}) => request('GET', `/api/models${query(params)}`),
  getModel: (name) => request('GET', `/api/models/${enc(name)}`),
  getModelVersion: (name, version) => request('GET', `/api/models/${enc(name)}/versions/${enc(version)}`),
  updateModelVersion: (name, version, body) => request('PATCH', `/api/models/${enc(name)}/versions/${enc(version)}`, body),
  modelDownloadUrl: (name, version) => `/api/models/${enc(name)}/versions/${enc(version)}/download`,
  /** body: {name, run_id, node, port?, tags?, description?} */
  registerModel: (body) => request('POST', '/api/models', body),
  /** form: FormData with name, flavor, file, architecture?, tags?, description? */
  uploadModel: (form) => request('POST', '/api/models', form),
  deployModel: (name, model, entryScript) => request('POST', '/api/endpoints', { name, model, entry_script: entryScript }),
  swapEndpoint: (name, body) => request('PUT', `/api/endpoints/${enc(name)}`, body),
  setTraffic: (name, traffic) => request('PUT', `/api/endpoints/${enc(name)}/traffic`, traffic),

  listRuns: (params = {}) => request('GET', `/api/runs${query(params)}`),
  updateRun: (runId, body) => request('PATCH', `/api/runs/${enc(runId)}`, body),
  experiments: () => request('GET', '/api/experiments'),
  metricKeys: (experiment) => request('GET', `/api/runs/metric-keys${query({ experiment })}`),
  compareRuns: (runIds) => request('POST', '/api/runs/compare', { run_ids: runIds }),
  cloneRun: (runId) => request('POST', `/api/runs/${enc(runId)}/clone`, {}),

  revisions: (graphId) => request('GET', `/api/graphs/${enc(graphId)}/revisions`),
  revision: (graphId, revision) => request('GET', `/api/graphs/${enc(graphId)}/revisions/${enc(revision)}`),
  revisionDiff: (graphId, revision, against) =>
    request('GET', `/api/graphs/${enc(graphId)}/revisions/${enc(revision)}/diff${query({ against })}`),
  restoreRevision: (graphId, revision) => request('POST', `/api/graphs/${enc(graphId)}/revisions/${enc(revision)}/restore`, {}),
};

/** "k=v, k2=v2" → {k: "v", k2: "v2"} (tags typed by a person). */
export function parseTags(text) {
  const tags = {};
  for (const pair of (text || '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at < 0) tags[pair] = '';
    else tags[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return tags;
}

export const formatTags = (tags) => Object.entries(tags || {}).map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join(', ');

export function formatMetric(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'number') return String(value);
  return Math.abs(value) >= 1000 || (Number.isInteger(value) && Math.abs(value) > 1) ? String(value) : value.toFixed(4);
}
