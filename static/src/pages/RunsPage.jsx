// Every run of the workspace, #/runs: filter by experiment, pipeline, status, tag and trigger, search by name,
// sort by a metric; tick two or more runs to compare them.
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client.js';
import { formatMetric, workspaceApi } from '../api/workspace.js';
import { ListState } from '../ui/ListState.jsx';
import { StatusBadge, relativeTime } from '../ui/StatusBadge.jsx';
import { Icon } from '../ui/icons.jsx';
import { compareHref, navigate, runHref } from '../ui/router.js';
import { AppHeader } from './AppHeader.jsx';
import { TagList } from './ModelsPage.jsx';
import { PageTitle } from '../ui/ListTable.jsx';

const PAGE = 50;
const STATUSES = ['completed', 'failed', 'running', 'queued', 'cancelled'];

function orderLabel(sort, order) {
  if (sort === 'created_at') return order === 'desc' ? '↓ newest first' : '↑ oldest first';
  if (sort.startsWith('metric:')) return order === 'desc' ? '↓ highest first' : '↑ lowest first';
  return order === 'desc' ? '↓ Z to A' : '↑ A to Z';
}

export function RunsPage() {
  const [filters, setFilters] = useState({ experiment: '', graph_id: '', status: '', tag: '', trigger: '', search: '' });
  const [sort, setSort] = useState('created_at');
  const [order, setOrder] = useState('desc');
  const [offset, setOffset] = useState(0);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [experiments, setExperiments] = useState([]);
  const [graphs, setGraphs] = useState([]);
  const [metricKeys, setMetricKeys] = useState([]);
  const [ticked, setTicked] = useState([]);

  useEffect(() => {
    workspaceApi.experiments().then((d) => setExperiments(d.experiments), () => {});
    api.listGraphs().then((d) => setGraphs(d.graphs || []), () => {});
  }, []);
  useEffect(() => { workspaceApi.metricKeys(filters.experiment).then((d) => setMetricKeys(d.keys), () => {}); }, [filters.experiment]);
  useEffect(() => {
    const timer = setTimeout(() => {
      workspaceApi.listRuns({ ...filters, sort, order, limit: PAGE, offset })
        .then((d) => { setResult(d); setError(null); }, setError);
    }, 120);
    return () => clearTimeout(timer);
  }, [filters, sort, order, offset]);

  const set = (key) => (e) => { setFilters((f) => ({ ...f, [key]: e.target.value })); setOffset(0); };
  const runs = result ? result.runs : null;
  const metricColumn = sort.startsWith('metric:') ? sort.slice(7) : null;
  const shownMetrics = useMemo(() => {
    if (!runs) return [];
    const keys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics || {})))].sort();
    const first = keys.filter((k) => k !== metricColumn).slice(0, metricColumn ? 1 : 2);
    return metricColumn ? [metricColumn, ...first] : first;
  }, [runs, metricColumn]);
  const toggle = (id) => setTicked((t) => (t.includes(id) ? t.filter((x) => x !== id) : [...t, id]));
  const filtered = Object.values(filters).some(Boolean);

  return (
    <div className="page">
      <AppHeader />
      <main className="page-body">
        <PageTitle title="Runs" subtitle="Every run of every pipeline, grouped into experiments. Tick two or more to compare them.">
          <button type="button" className="btn btn-primary" disabled={ticked.length < 2} data-testid="btn-compare"
            onClick={() => navigate(compareHref(ticked))}><Icon name="chart" /> Compare{ticked.length ? ` (${ticked.length})` : ''}</button>
        </PageTitle>
        <div className="filter-bar row gap-8 wrap" data-testid="runs-filters">
          <input className="input" type="search" placeholder="Search names" value={filters.search} onChange={set('search')} aria-label="Search runs" data-testid="runs-search" />
          <select className="input" value={filters.experiment} onChange={set('experiment')} aria-label="Experiment" data-testid="filter-experiment">
            <option value="">All experiments</option>
            {experiments.map((e) => <option key={e.name} value={e.name}>{e.name} ({e.runs})</option>)}
          </select>
          <select className="input" value={filters.graph_id} onChange={set('graph_id')} aria-label="Pipeline" data-testid="filter-graph">
            <option value="">All pipelines</option>
            {graphs.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
          </select>
          <select className="input" value={filters.status} onChange={set('status')} aria-label="Status" data-testid="filter-status">
            <option value="">Any status</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
          <select className="input" value={filters.trigger} onChange={set('trigger')} aria-label="Trigger" data-testid="filter-trigger">
            <option value="">Any trigger</option>
            <option value="manual">manual</option>
            <option value="published">published</option>
          </select>
          <input className="input" type="search" placeholder="Tag, e.g. team:vision" value={filters.tag} onChange={set('tag')} aria-label="Tag" data-testid="filter-tag" />
          <span className="header-spacer" />
          <label className="row gap-4 small muted">Sort
            <select className="input" value={sort} onChange={(e) => { setSort(e.target.value); setOffset(0); }} data-testid="runs-sort">
              <option value="created_at">newest</option>
              <option value="display_name">name</option>
              {metricKeys.map((k) => <option key={k} value={`metric:${k}`}>{k}</option>)}
            </select>
          </label>
          <button type="button" className="btn btn-small" data-testid="runs-order" title="Reverse the order"
            onClick={() => setOrder((o) => (o === 'desc' ? 'asc' : 'desc'))}>{orderLabel(sort, order)}</button>
        </div>
        <ListState items={runs} error={error} what="runs" icon="history" title={filtered ? 'No run matches' : 'No runs yet'} testId="runs-empty">
          {filtered ? <p>Loosen the filters to see more runs.</p> : <p>Open a pipeline and press <strong>Submit</strong>.</p>}
        </ListState>
        {runs && runs.length > 0 && (
          <>
            <table className="data-table graph-table" data-testid="runs-table">
              <thead>
                <tr>
                  <th aria-label="Compare" />
                  <th>Run</th><th>Experiment</th><th>Status</th><th>Trigger</th><th>Tags</th>
                  {shownMetrics.map((k) => <th key={k} className={`num${k === metricColumn ? ' sorted' : ''}`}>{k}</th>)}
                  <th>Started</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.run_id} className="clickable" data-testid={`run-row-${r.run_id}`} onClick={() => navigate(runHref(r.run_id))}>
                    <td onClick={(e) => e.stopPropagation()}>
                      <input type="checkbox" checked={ticked.includes(r.run_id)} onChange={() => toggle(r.run_id)}
                        aria-label={`Compare run ${r.display_name || r.name}`} data-testid="run-tick" />
                    </td>
                    <td>
                      <a className="graph-name" href={runHref(r.run_id)} onClick={(e) => e.stopPropagation()}>{r.display_name || r.name || 'Run'}</a>
                      <div className="muted small mono">{r.run_id.slice(0, 8)}</div>
                    </td>
                    <td>{r.experiment}</td>
                    <td><StatusBadge status={r.status} /></td>
                    <td className="muted">{r.trigger}</td>
                    <td><TagList tags={r.tags} /></td>
                    {shownMetrics.map((k) => <td key={k} className="num mono">{formatMetric(r.metrics[k])}</td>)}
                    <td className="muted" title={r.created_at}>{relativeTime(r.started_at || r.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="row gap-8 pager">
              <span className="muted small">{offset + 1}–{offset + runs.length} of {result.total}</span>
              <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous</button>
              <button type="button" className="btn btn-small" disabled={offset + runs.length >= result.total} onClick={() => setOffset(offset + PAGE)}>Next</button>
            </div>
          </>
        )}
      </main>
    </div>
  );
}
