// An automated-ML job's leaderboard: every learner tried, best first, with the settings that scored best;
// and the list of a table's earlier jobs (kept in the workspace, so they are there after a restart).
import { StatusBadge, relativeTime } from '../ui/StatusBadge.jsx';

function settingsText(parameters) {
  if (!parameters) return '';
  return Object.entries(parameters)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`).join(', ');
}

export function AutomlLeaderboard({ job }) {
  const winner = job.winner;
  return (
    <div data-testid="automl-leaderboard">
      <p className="muted small">
        {job.task} of <strong>{job.label}</strong>, ranked by {job.metric} · started {relativeTime(job.created_at)} ·{' '}
        <StatusBadge status={job.status} testId="automl-status" />
      </p>
      {job.error && job.status !== 'completed' && <div className="callout small" data-testid="automl-error">{job.error}</div>}
      <table className="data-table">
        <thead><tr><th>#</th><th>Learner</th><th>Status</th><th>{job.metric}</th><th>Best settings (or why not)</th></tr></thead>
        <tbody>
          {job.leaderboard.map((row, i) => (
            <tr key={row.learner} className={winner && winner.learner === row.learner ? 'row-best' : ''}>
              <td>{row.metric === null ? '' : i + 1}</td>
              <td className="nowrap">{row.learner}</td>
              <td title={row.error || ''}><StatusBadge status={row.status} /></td>
              <td className="num">{row.metric === null ? '—' : row.metric.toFixed(4)}</td>
              {row.metric === null && row.error
                ? <td className="small muted" title={row.error}><span className="automl-why" data-testid="automl-why">{row.error}</span></td>
                : <td className="mono small">{settingsText(row.parameters)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function EarlierJobs({ jobs, onShow }) {
  if (!jobs.length) return null;
  return (
    <div data-testid="automl-earlier">
      <h3 className="small">Earlier jobs on this table</h3>
      <table className="data-table">
        <thead><tr><th>Started</th><th>Predicting</th><th>Status</th><th>Best</th><th /></tr></thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.automl_id}>
              <td className="nowrap">{relativeTime(job.created_at)}</td>
              <td>{job.label} <span className="muted small">({job.task})</span></td>
              <td><StatusBadge status={job.status} /></td>
              <td className="small">{job.best ? `${job.best.learner} · ${job.best.metric.toFixed(4)}` : '—'}</td>
              <td><button type="button" className="btn btn-small" data-testid="btn-show-automl" onClick={() => onShow(job)}>Show</button></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
