// What the pipelines list shows: search, kind and last-run filters, sort order, and names that can be
// told apart. Pure functions over the rows of GET /api/graphs.

export const KINDS = [
  { id: 'training', label: 'Training' },
  { id: 'realtime', label: 'Real-time' },
  { id: 'batch', label: 'Batch' },
];

export const SORTS = [
  { id: 'edited', label: 'Last edited' },
  { id: 'name', label: 'Name' },
  { id: 'created', label: 'Created' },
  { id: 'run', label: 'Last run' },
];

export const RUN_FILTERS = [
  { id: 'any', label: 'Any last run' },
  { id: 'completed', label: 'Last run completed' },
  { id: 'failed', label: 'Last run failed' },
  { id: 'never', label: 'Never run' },
];

export const kindLabel = (kind) => (KINDS.find((k) => k.id === kind) || KINDS[0]).label;

function matchesRun(graph, run) {
  if (run === 'any') return true;
  if (run === 'never') return !graph.last_run;
  return Boolean(graph.last_run && graph.last_run.status === run);
}

const time = (text) => (text ? Date.parse(text) || 0 : 0);

/** The rows to show for a search text, a set of kinds (empty: all), a last-run filter and a sort. */
export function visibleGraphs(graphs, { search = '', kinds = [], run = 'any', sort = 'edited' } = {}) {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const rows = (graphs || []).filter((g) => {
    const text = `${g.name || ''} ${g.description || ''}`.toLowerCase();
    return words.every((w) => text.includes(w))
      && (!kinds.length || kinds.includes(g.kind || 'training'))
      && matchesRun(g, run);
  });
  const by = {
    name: (a, b) => (a.name || '').localeCompare(b.name || '', undefined, { sensitivity: 'base', numeric: true }),
    created: (a, b) => time(b.created_at) - time(a.created_at),
    run: (a, b) => time(b.last_run && (b.last_run.finished_at || b.updated_at)) * Boolean(b.last_run)
      - time(a.last_run && (a.last_run.finished_at || a.updated_at)) * Boolean(a.last_run),
    edited: (a, b) => time(b.updated_at) - time(a.updated_at),
  }[sort] || (() => 0);
  return [...rows].sort(by);
}

/** `wanted`, or `wanted (N)` with the smallest N from 2 that no name in `taken` has (as the server does). */
export function distinctName(wanted, taken) {
  const names = new Set([...taken].map((n) => String(n || '').toLowerCase()));
  if (!names.has(wanted.toLowerCase())) return wanted;
  for (let n = 2; ; n += 1) {
    const candidate = `${wanted} (${n})`;
    if (!names.has(candidate.toLowerCase())) return candidate;
  }
}
