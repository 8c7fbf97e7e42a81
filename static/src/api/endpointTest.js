// The endpoint page's Test tab scores as the signed-in user through /api (no endpoint key needed).
import { request } from './client.js';

const enc = encodeURIComponent;

export const endpointTestApi = {
  testScore: (name, body) => request('POST', `/api/endpoints/${enc(name)}/test`, body),
};
