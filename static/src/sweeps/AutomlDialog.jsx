// "Try learners": automated ML on the selected node's table. Every catalogue learner for the task is
// swept on the same split; the leaderboard fills in as they finish, and the winner opens as a new graph.
// Jobs are kept in the workspace: the table's earlier jobs are listed, a running one can be cancelled.
import { useEffect, useState } from 'react';
import { api, describeError } from '../api/client.js';
import { sweepsApi } from '../api/sweeps.js';
import { Dialog } from '../ui/Dialog.jsx';
import { AutomlLeaderboard, EarlierJobs, JobActions, useAutomlJob } from './AutomlLeaderboard.jsx';

function onThisTable(job, graphId, nodeId) {
  return job.source && job.source.graph_id === graphId && job.source.node === nodeId;
}

export function AutomlDialog({ graphId, nodeId, flush, onClose }) {
  const [columns, setColumns] = useState([]);
  const [label, setLabel] = useState('');
  const [task, setTask] = useState('');
  const [trials, setTrials] = useState(3);
  const { job, setJob, cancel, problem, setProblem } = useAutomlJob();
  const [busy, setBusy] = useState(false);
  const [earlier, setEarlier] = useState([]);

  useEffect(() => {
    if (job) return;
    sweepsApi.listAutoml().then((d) => setEarlier((d.jobs || []).filter((j) => onThisTable(j, graphId, nodeId))),
      () => setEarlier([]));
  }, [graphId, nodeId, job]);

  useEffect(() => {
    api.columns(graphId).then((d) => {
      const byPort = (d.columns || {})[nodeId] || {};
      setColumns(Object.values(byPort)[0] || []);
    }, () => setColumns([]));
  }, [graphId, nodeId]);

  const start = async (event) => {
    event.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      if (!(await flush())) throw new Error('The pipeline could not be saved.');
      const body = { graph_id: graphId, node: nodeId, label, trials: Number(trials) };
      if (task) body.task = task;
      const made = await sweepsApi.startAutoml(body);
      setJob(await sweepsApi.getAutoml(made.automl_id));
    } catch (e) {
      setProblem(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Try learners on ${nodeId}`} onClose={onClose} wide testId="automl-dialog"
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>Close</button>
          {job && job.status !== 'running' && <button type="button" className="btn" data-testid="btn-automl-new" onClick={() => { setJob(null); setProblem(null); }}>New job</button>}
          {!job && <button type="submit" form="automl-form" className="btn btn-primary" disabled={busy || !label} data-testid="btn-start-automl">Try learners</button>}
          {job && <JobActions job={job} onCancel={cancel} />}
        </>
      )}>
      {!job && (
        <form id="automl-form" className="form-stack" onSubmit={start}>
          <p className="muted">Every learner in the catalogue that fits the task is trained with a few settings on the same
            split of this table; the best becomes a new training pipeline you can open, edit and deploy.</p>
          <div className="sweep-grid">
            <label className="field">
              <span className="field-label">Column to predict</span>
              {columns.length ? (
                <select className="input" value={label} onChange={(e) => setLabel(e.target.value)} data-testid="automl-label">
                  <option value="">Choose…</option>
                  {columns.map((c) => <option key={c} value={c}>{c}</option>)}
                </select>
              ) : (
                <input className="input" value={label} placeholder="label column" onChange={(e) => setLabel(e.target.value)} data-testid="automl-label" />
              )}
            </label>
            <label className="field">
              <span className="field-label">Task</span>
              <select className="input" value={task} onChange={(e) => setTask(e.target.value)} data-testid="automl-task">
                <option value="">Guess from the column</option>
                <option value="classification">Classification</option>
                <option value="regression">Regression</option>
              </select>
            </label>
            <label className="field">
              <span className="field-label">Trials per learner</span>
              <input className="input" type="number" min="1" max="100" value={trials} onChange={(e) => setTrials(e.target.value)} />
            </label>
          </div>
        </form>
      )}
      {!job && <EarlierJobs jobs={earlier} onShow={(j) => { setProblem(null); setJob(j); }} />}
      {job && <AutomlLeaderboard job={job} />}
      {problem && <div className="callout callout-error small" role="alert">{problem}</div>}
    </Dialog>
  );
}
