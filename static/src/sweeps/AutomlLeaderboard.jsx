// An automated-ML job's leaderboard: every learner tried, best first, with the settings that scored best;
// following a running job (and cancelling it); and lists of earlier jobs (kept in the workspace, so they are
// there after a restart).
import { useEffect, useState } from 'react';
import { describeError } from '../api/client.js';
import { sweepsApi } from '../api/sweeps.js';
import { StatusBadge, relativeTime } from '../ui/StatusBadge.jsx';
import { graphHref, navigate } from '../ui/router.js';

/** The job shown (null: none), refreshed every second while it runs; `cancel` stops it. */
export function useAutomlJob(initial = null) {
  const [job, setJob] = useState(initial);
  const [problem, setProblem] = useState(null);
  useEffect(() => {
    if (!job || job.status !== 'running') return undefined;
    const timer = setTimeout(() => sweepsApi.getAutoml(job.automl_id).then(setJob, (e) => setProblem(describeError(e))), 1000);
    return () => clearTimeout(timer);
  }, [job]);
  const cancel = async () => {
    setProblem(null);
    try {
      await sweepsApi.cancelAutoml(job.automl_id);
      setJob(await sweepsApi.getAutoml(job.automl_id));
    } catch (e) {
      setProblem(describeError(e));
    }
  };
  return { job, setJob, cancel, problem, setProblem };
}

/** The footer buttons of a job: cancel it while it runs, open its winner once there is one. */
export function JobActions({ job, onCancel }) {
  return (
    <>
      {job.status === 'running' && <button type="button" className="btn" data-testid="btn-cancel-automl" onClick={onCancel}>Cancel job</button>}
      {job.winner && job.winner.graph_id && (
        <button type="button" className="btn btn-primary" data-testid="btn-open-winner"
          onClick={() => navigate(graphHref(job.winner.graph_id))}>Open the winner</button>
      )}
    </>
  );
}

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

function dataText(job) {
  if (job.source && job.source.node) return `node ${job.source.node}`;
  return job.dataset_version ? `${job.data.split(':')[0]} version ${job.dataset_version}` : job.data;
}

export function EarlierJobs({ jobs, onShow, title = 'Earlier jobs on this table', showData = false, testId = 'automl-earlier', page = false }) {
  if (!jobs.length) return null;
  return (
    <div data-testid={testId}>
      {page ? <h2 className="section-heading">{title}</h2> : <h3 className="small">{title}</h3>}
      <table className={page ? 'data-table graph-table' : 'data-table'}>
        <thead><tr><th>Started</th>{showData && <th>Data</th>}<th>Predicting</th><th>Status</th><th>Best</th><th /></tr></thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.automl_id}>
              <td className="nowrap">{relativeTime(job.created_at)}</td>
              {showData && <td>{dataText(job)}</td>}
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
