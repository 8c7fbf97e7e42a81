// Schedules and endpoint monitoring over HTTP (contract 7), through the shared request helper.
import { request } from './client.js';

const enc = encodeURIComponent;

export const operations = {
  listSchedules: () => request('GET', '/api/schedules'),
  createSchedule: (body) => request('POST', '/api/schedules', body),
  changeSchedule: (id, body) => request('PATCH', `/api/schedules/${enc(id)}`, body),
  deleteSchedule: (id) => request('DELETE', `/api/schedules/${enc(id)}`),
  endpointMetrics: (name, minutes = 60) => request('GET', `/api/endpoints/${enc(name)}/metrics?minutes=${minutes}`),
  endpointRequests: (name) => request('GET', `/api/endpoints/${enc(name)}/requests?limit=50`),
  endpointDrift: (name) => request('GET', `/api/endpoints/${enc(name)}/drift`),
  endpointPromotions: (name) => request('GET', `/api/endpoints/${enc(name)}/promotions`),
  changeEndpointMonitoring: (name, body) => request('PATCH', `/api/endpoints/${enc(name)}`, body),
};
