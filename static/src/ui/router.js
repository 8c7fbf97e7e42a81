// Hash routing: #/ (pipelines), #/graphs/<id> (canvas), #/runs/<run_id> (a past run, read-only),
// #/endpoints[/<name>] (real-time endpoints), #/published[/<pipeline_id>] (published pipelines),
// #/sweeps[/<sweep_id>] (hyperparameter sweeps).
import { useEffect, useState } from 'react';

export function parseRoute(hash) {
  const path = (hash || '').replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'graphs' && parts[1]) return { page: 'graph', graphId: parts[1] };
  if (parts[0] === 'runs' && parts[1]) return { page: 'run', runId: parts[1] };
  if (parts[0] === 'endpoints') return parts[1] ? { page: 'endpoint', name: parts[1] } : { page: 'endpoints' };
  if (parts[0] === 'sweeps') return parts[1] ? { page: 'sweep', sweepId: parts[1] } : { page: 'sweeps' };
  if (parts[0] === 'published') return parts[1] ? { page: 'published-pipeline', pipelineId: parts[1] } : { page: 'published' };
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
export const sweepHref = (id) => (id ? `#/sweeps/${encodeURIComponent(id)}` : '#/sweeps');
export const navigate = (href) => { window.location.hash = href.replace(/^#/, ''); };
