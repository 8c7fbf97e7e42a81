// Hash routing: #/ (pipelines), #/graphs/<id> (canvas), #/runs/<run_id> (a past run, read-only).
import { useEffect, useState } from 'react';

export function parseRoute(hash) {
  const path = (hash || '').replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'graphs' && parts[1]) return { page: 'graph', graphId: parts[1] };
  if (parts[0] === 'runs' && parts[1]) return { page: 'run', runId: parts[1] };
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
export const navigate = (href) => { window.location.hash = href.replace(/^#/, ''); };
