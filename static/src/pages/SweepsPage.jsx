// Every sweep, #/sweeps: what it tunes, where it stands, its best metric so far; and the automated-ML jobs
// (each a sweep per learner).
import { useEffect, useState } from 'react';
import { sweepsApi } from '../api/sweeps.js';
import { AutomlJobs } from '../sweeps/AutomlJobs.jsx';
import { ListState } from '../ui/ListState.jsx';
import { StatusBadge, relativeTime } from '../ui/StatusBadge.jsx';
import { navigate, sweepHref } from '../ui/router.js';
import { AppHeader } from './AppHeader.jsx';
import { GraphLink, useGraphNames } from './EndpointsPage.jsx';
import { PageTitle } from '../ui/ListTable.jsx';

function trialSummary(counts, total) {
  const done = Object.entries(counts || {}).filter(([s]) => s !== 'running' && s !== 'queued').reduce((n, [, c]) => n + c, 0);
  const stopped = (counts || {}).early_terminated || 0;
  return `${done} of ${total ?? '?'}${stopped ? ` · ${stopped} stopped early` : ''}`;
}

export function SweepsPage() {
  const [sweeps, setSweeps] = useState(null);
  const [error, setError] = useState(null);
  const [jobs, setJobs] = useState([]);
  const [shownJob, setShownJob] = useState(null);
  const names = useGraphNames();
  useEffect(() => {
    sweepsApi.list().then((d) => setSweeps(d.sweeps || []), setError);
    sweepsApi.listAutoml().then((d) => setJobs(d.jobs || []), () => setJobs([]));
  }, []);
  // Which automated-ML job a sweep belongs to (its learner's trials), for the Pipeline column.
  const jobOfSweep = {};
  jobs.forEach((job) => job.leaderboard.forEach((row) => { if (row.sweep_id) jobOfSweep[row.sweep_id] = job; }));
  return (
    <div className="page">
      <AppHeader />
      <main className="page-body">
        <PageTitle title="Sweeps" subtitle="Hyperparameter sweeps: many runs of one pipeline with different settings, the best kept." />
        <ListState items={sweeps} error={error} what="sweeps" icon="chart" title="No sweeps yet" testId="sweeps-empty">
          <p>Open a pipeline with an evaluation node and press <strong>Sweep</strong> in its toolbar.</p>
          <a className="btn" href="#/">Go to pipelines</a>
        </ListState>
        {sweeps && sweeps.length > 0 && (
          <table className="data-table graph-table" data-testid="sweeps-table">
            <thead><tr><th>Sweep</th><th>Pipeline</th><th>Status</th><th>Trials</th><th>Primary metric</th><th>Started</th></tr></thead>
            <tbody>
              {sweeps.map((s) => (
                <tr key={s.sweep_id} className="clickable" data-testid={`sweep-row-${s.sweep_id}`} onClick={() => navigate(sweepHref(s.sweep_id))}>
                  <td><a href={sweepHref(s.sweep_id)}>{s.name}</a> <span className="muted small mono">{s.sweep_id.slice(0, 8)}</span></td>
                  <td>{s.graph_id ? <GraphLink graphId={s.graph_id} names={names} />
                    : jobOfSweep[s.sweep_id] ? <span className="muted">automated ML ({jobOfSweep[s.sweep_id].label})</span>
                      : <span className="muted">from the CLI</span>}</td>
                  <td><StatusBadge status={s.status} /></td>
                  <td>{trialSummary(s.trial_counts, s.max_total_trials)}</td>
                  <td className="mono small">{s.primary_metric} ({s.goal})</td>
                  <td>{relativeTime(s.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="automl-jobs-section">
          <AutomlJobs jobs={jobs} shown={shownJob} onShow={setShownJob} onClose={() => setShownJob(null)} />
        </div>
      </main>
    </div>
  );
}
