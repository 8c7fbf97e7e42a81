// Schema before running: the columns every port of a draft graph will hold (POST /api/graphs/schema).
import { request } from './client.js';

export const schemaApi = {
  draftSchema: (document) => request('POST', '/api/graphs/schema', document),
};
