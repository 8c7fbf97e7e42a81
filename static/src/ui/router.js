// Hash routing: #/ (pipelines), #/graphs/<id> (canvas), #/runs/<run_id> (a past run, read-only),
// #/endpoints[/<name>] (real-time endpoints), #/published[/<pipeline_id>] (published pipelines),
// #/data[/<datastore>] (datastores and their files), #/datasets/<name>[/<version>] (a registered dataset),
// #/models[/<name>[/<version>]] (model registry), #/runs (all runs), #/compare/<id>,<id>... (run comparison),
// #/sweeps[/<sweep_id>] (hyperparameter sweeps), #/schedules, #/access (users and tokens, for admins).
import { useEffect, useState } from 'react';

export function parseRoute(hash) {
  const path = (hash || '').replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'graphs' && parts[1] && parts[2] === 'revisions' && parts[3]) {
    return { page: 'revision', graphId: parts[1], revision: Number(parts[3]) };
  }
  if (parts[0] === 'graphs' && parts[1]) return { page: 'graph', graphId: parts[1] };
  if (parts[0] === 'runs' && parts[1]) return { page: 'run', runId: parts[1] };
  if (parts[0] === 'runs') return { page: 'runs' };
  if (parts[0] === 'compare') return { page: 'compare', runIds: (parts[1] || '').split(',').filter(Boolean) };
  if (parts[0] === 'models') return parts[1] ? { page: 'model', name: parts[1], version: parts[2] } : { page: 'models' };
  if (parts[0] === 'endpoints') return parts[1] ? { page: 'endpoint', name: parts[1] } : { page: 'endpoints' };
  if (parts[0] === 'schedules') return { page: 'schedules' };
  if (parts[0] === 'data') return { page: 'data', datastore: parts[1] || 'workspace', prefix: parts.slice(2).join('/') };
  if (parts[0] === 'datasets' && parts[1]) return { page: 'dataset', name: parts[1], version: parts[2] ? Number(parts[2]) : null };
  if (parts[0] === 'sweeps') return parts[1] ? { page: 'sweep', sweepId: parts[1] } : { page: 'sweeps' };
  if (parts[0] === 'published') return parts[1] ? { page: 'published-pipeline', pipelineId: parts[1] } : { page: 'published' };
  if (parts[0] === 'access') return { page: 'access' };
  return { page: 'pipelines' };
}

export function useRoute() {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export const graphHref = (id) => `#/graphs/${encodeURIComponent(id)}`;
export const runHref = (id) => `#/runs/${encodeURIComponent(id)}`;
export const endpointHref = (name) => (name ? `#/endpoints/${encodeURIComponent(name)}` : '#/endpoints');
export const publishedHref = (id) => (id ? `#/published/${encodeURIComponent(id)}` : '#/published');
export const schedulesHref = () => '#/schedules';
export const dataHref = (datastore, prefix) => (datastore
  ? `#/data/${encodeURIComponent(datastore)}${prefix ? `/${prefix.split('/').map(encodeURIComponent).join('/')}` : ''}` : '#/data');
export const datasetHref = (name, version) => `#/datasets/${encodeURIComponent(name)}${version ? `/${version}` : ''}`;
export const modelHref = (name, version) => (name ? `#/models/${encodeURIComponent(name)}${version ? `/${version}` : ''}` : '#/models');
export const runsHref = () => '#/runs';
export const compareHref = (ids) => `#/compare/${ids.map(encodeURIComponent).join(',')}`;
export const sweepHref = (id) => (id ? `#/sweeps/${encodeURIComponent(id)}` : '#/sweeps');
export const navigate = (href) => { window.location.hash = href.replace(/^#/, ''); };
