// A graph's past runs: status, duration, parameters and the key metrics, newest first.
import { useEffect, useState } from 'react';
import { api, describeError } from '../api/client.js';
import { StatusBadge, formatDuration, formatNumber, relativeTime } from '../ui/StatusBadge.jsx';
import { runHref } from '../ui/router.js';

const KEY_METRICS = ['accuracy', 'auc', 'f1', 'rmse', 'mae', 'r2'];

function keyMetrics(metrics) {
  const found = {};
  Object.values(metrics || {}).forEach((values) => {
    Object.entries(values || {}).forEach(([name, value]) => {
      if (KEY_METRICS.includes(name) && typeof value === 'number' && found[name] === undefined) found[name] = value;
    });
  });
  return KEY_METRICS.filter((n) => found[n] !== undefined).map((n) => [n, found[n]]);
}

export function RunHistory({ graphId, refreshKey, activeRunId, onShowRun }) {
  const [runs, setRuns] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    api.graphRuns(graphId).then((d) => live && setRuns(d.runs || []), (e) => live && setError(e));
    return () => { live = false; };
  }, [graphId, refreshKey]);

  if (error) return <div className="callout callout-error small">Could not load runs: {describeError(error)}</div>;
  if (!runs) return <div className="muted small pad-12">Loading runs…</div>;
  if (!runs.length) return <div className="empty-panel">No runs yet. Press Submit to run this pipeline.</div>;
  return (
    <table className="data-table compact history-table" data-testid="run-history">
      <thead>
        <tr><th>Status</th><th>Started · duration</th><th>Compute</th><th>Parameters</th><th>Key metrics</th><th aria-label="Open" /></tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const params = Object.entries(run.parameters || {});
          return (
            <tr key={run.run_id} data-testid={`run-row-${run.run_id}`} title={onShowRun ? 'Show this run on the canvas' : undefined}
              className={`${onShowRun ? 'clickable' : ''}${run.run_id === activeRunId ? ' row-active' : ''}`}
              onClick={onShowRun ? () => onShowRun(run.run_id) : undefined}>
              <td><StatusBadge status={run.status} /></td>
              <td title={run.created_at}>
                {relativeTime(run.started_at || run.created_at)}
                <span className="muted"> · {formatDuration(run.started_at, run.finished_at)}</span>
              </td>
              <td>{run.compute || '—'}</td>
              <td className="mono small ellipsis-cell" title={params.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}>
                {params.length ? params.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ') : <span className="muted">defaults</span>}
              </td>
              <td className="small">
                {keyMetrics(run.metrics).map(([n, v]) => <span key={n} className="metric-chip">{n} <strong>{formatNumber(v)}</strong></span>)}
              </td>
              <td className="actions-cell">
                <a className="btn btn-small" href={runHref(run.run_id)} onClick={(e) => e.stopPropagation()} data-testid="btn-open-run">Open</a>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
