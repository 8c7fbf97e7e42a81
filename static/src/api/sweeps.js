// HTTP calls for sweeps (DESIGN contract 6) and automated ML, through the shared request helper.
import { request } from './client.js';

const enc = encodeURIComponent;

export const sweepsApi = {
  start: (graphId, body) => request('POST', `/api/graphs/${enc(graphId)}/sweeps`, body),
  get: (sweepId) => request('GET', `/api/sweeps/${enc(sweepId)}`),
  list: () => request('GET', '/api/sweeps'),
  forGraph: (graphId) => request('GET', `/api/graphs/${enc(graphId)}/sweeps`),
  cancel: (sweepId) => request('POST', `/api/sweeps/${enc(sweepId)}/cancel`, {}),
  resume: (sweepId) => request('POST', `/api/sweeps/${enc(sweepId)}/resume`, {}),
  startAutoml: (body) => request('POST', '/api/automl', body),
  getAutoml: (jobId) => request('GET', `/api/automl/${enc(jobId)}`),
  listAutoml: () => request('GET', '/api/automl'),
  cancelAutoml: (jobId) => request('POST', `/api/automl/${enc(jobId)}/cancel`, {}),
  /** The model registry arrives with issue 12; callers hide "Register" when this 404s. */
  listModels: () => request('GET', '/api/models'),
  registerModel: (body) => request('POST', '/api/models', body),
};
