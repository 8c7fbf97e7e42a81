// "Sweep": tune the pipeline's parameters. An expression per parameter (Azure ML's vocabulary), the
// sampling, the primary metric of an evaluation node and its goal, trials, compute and an early
// termination policy; starting it opens the sweep's page.
import { useMemo, useState } from 'react';
import { describeError } from '../api/client.js';
import { sweepsApi } from '../api/sweeps.js';
import { Dialog } from '../ui/Dialog.jsx';
import { EPOCH_METRICS, EVALUATION_METRICS, goalFor, suggestExpression, sweepBody } from './searchSpace.js';

function nodesWithRole(doc, catalogue, test) {
  return (doc.nodes || []).filter((n) => {
    const spec = catalogue && catalogue.specOf(n.component);
    return spec && test(spec);
  });
}

export function SweepDialog({ doc, catalogue, computeTargets, flush, graphId, onStarted, onClose }) {
  const evaluators = nodesWithRole(doc, catalogue, (s) => (s.roles || []).includes('evaluates'));
  const trainers = nodesWithRole(doc, catalogue, (s) => (s.outputs || []).some((o) => o.type === 'TrainedModel'));
  const metricOptions = useMemo(() => evaluators.flatMap((n) => EVALUATION_METRICS.map((m) => `${n.id}.${m}`)), [evaluators]);
  const [form, setForm] = useState(() => ({
    rows: (doc.parameters || []).map((p) => ({ name: p.name, enabled: ['int', 'float'].includes(p.type),
      expression: suggestExpression(p.type, p.default), fixed: true })),
    sampling: 'random', metric: metricOptions[0] || '', goal: goalFor(metricOptions[0]), trials: 8, concurrent: 2,
    compute: doc.default_compute || '', policy: 'none', slackKind: 'factor', slack: 0.15, interval: 1, delay: 0,
    truncation: 20, excludeFinished: false, intermediate: '', seed: '',
  }));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState(null);
  const set = (changes) => setForm((f) => ({ ...f, ...changes }));
  const setRow = (index, changes) => set({ rows: form.rows.map((r, i) => (i === index ? { ...r, ...changes } : r)) });

  const start = async (event) => {
    event.preventDefault();
    setProblem(null);
    const body = sweepBody(form);
    if (!Object.keys(body.search_space).length) {
      setProblem({ message: 'Choose at least one parameter to sweep.' });
      return;
    }
    setBusy(true);
    try {
      if (!(await flush())) throw new Error('The pipeline could not be saved.');
      const made = await sweepsApi.start(graphId, body);
      onStarted(made.sweep_id);
    } catch (e) {
      setProblem({ message: describeError(e), field: e.details && e.details.field });
      setBusy(false);
    }
  };

  const targets = computeTargets.length ? computeTargets : [{ name: 'local', kind: 'local' }];
  return (
    <Dialog title="Sweep pipeline parameters" onClose={onClose} wide testId="sweep-dialog"
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" form="sweep-form" className="btn btn-primary" disabled={busy} data-testid="btn-start-sweep">
            {busy ? 'Starting…' : 'Start sweep'}
          </button>
        </>
      )}>
      <form id="sweep-form" className="form-stack sweep-form" onSubmit={start}>
        <fieldset className="sweep-section">
          <legend>Search space</legend>
          <p className="field-hint">Azure ML expressions: <code>choice(a, b)</code>, <code>uniform(lo, hi)</code>,{' '}
            <code>loguniform(lo, hi)</code>, <code>quniform(lo, hi, q)</code>, <code>randint(lo, hi)</code>,{' '}
            <code>normal(mu, sigma)</code>. A node's own setting can be swept as <code>NODE.PARAM</code>.</p>
          {form.rows.length === 0 && <p className="muted small">This pipeline has no parameters yet: add a node setting below.</p>}
          <table className="data-table sweep-space">
            <tbody>
              {form.rows.map((row, index) => (
                <tr key={index} className={problem && problem.field === row.name ? 'row-error' : ''}>
                  <td className="check-col">
                    <input type="checkbox" checked={row.enabled} aria-label={`Sweep ${row.name || 'parameter'}`}
                      onChange={(e) => setRow(index, { enabled: e.target.checked })} data-testid={`sweep-use-${row.name}`} />
                  </td>
                  <td>
                    {row.fixed ? <span className="mono">{row.name}</span> : (
                      <input className="input mono" value={row.name} placeholder="node.param" aria-label="Parameter name"
                        onChange={(e) => setRow(index, { name: e.target.value })} data-testid={`sweep-name-${index}`} />
                    )}
                  </td>
                  <td>
                    <input className="input mono" value={row.expression} aria-label={`Expression for ${row.name}`}
                      onChange={(e) => setRow(index, { expression: e.target.value })} data-testid={`sweep-expr-${row.name || index}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" className="btn btn-small" data-testid="btn-add-sweep-param"
            onClick={() => set({ rows: [...form.rows, { name: '', expression: 'choice(1, 2)', enabled: true, fixed: false }] })}>
            + Node setting
          </button>
        </fieldset>
        <div className="sweep-grid">
          <label className="field">
            <span className="field-label">Sampling</span>
            <select className="input" value={form.sampling} onChange={(e) => set({ sampling: e.target.value })} data-testid="sweep-sampling">
              <option value="random">Random</option>
              <option value="grid">Grid (choice and quniform only)</option>
              <option value="bayesian">Bayesian (TPE)</option>
            </select>
          </label>
          <label className="field">
            <span className="field-label">Primary metric</span>
            <select className="input" value={form.metric} data-testid="sweep-metric"
              onChange={(e) => set({ metric: e.target.value, goal: goalFor(e.target.value) })}>
              {metricOptions.length === 0 && <option value="">Add an evaluation node first</option>}
              {metricOptions.map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Goal</span>
            <select className="input" value={form.goal} onChange={(e) => set({ goal: e.target.value })} data-testid="sweep-goal">
              <option value="maximize">Maximize</option>
              <option value="minimize">Minimize</option>
            </select>
          </label>
          <label className="field">
            <span className="field-label">Total trials</span>
            <input className="input" type="number" min="1" max="1000" value={form.trials} onChange={(e) => set({ trials: e.target.value })} data-testid="sweep-trials" />
          </label>
          <label className="field">
            <span className="field-label">Concurrent trials</span>
            <input className="input" type="number" min="1" max="100" value={form.concurrent} onChange={(e) => set({ concurrent: e.target.value })} data-testid="sweep-concurrent" />
          </label>
          <label className="field">
            <span className="field-label">Compute target</span>
            <select className="input" value={form.compute} onChange={(e) => set({ compute: e.target.value })} data-testid="sweep-compute">
              <option value="">Pipeline default</option>
              {targets.map((t) => <option key={t.name} value={t.name}>{t.name}{t.kind ? ` (${t.kind})` : ''}</option>)}
            </select>
          </label>
        </div>
        <fieldset className="sweep-section">
          <legend>Early termination</legend>
          <div className="sweep-grid">
            <label className="field">
              <span className="field-label">Policy</span>
              <select className="input" value={form.policy} onChange={(e) => set({ policy: e.target.value })} data-testid="sweep-policy">
                <option value="none">None</option>
                <option value="bandit">Bandit</option>
                <option value="median_stopping">Median stopping</option>
                <option value="truncation_selection">Truncation selection</option>
              </select>
            </label>
            <label className="field">
              <span className="field-label">Watch (per epoch)</span>
              <select className="input" value={form.intermediate} onChange={(e) => set({ intermediate: e.target.value })} data-testid="sweep-intermediate">
                <option value="">The primary metric</option>
                {trainers.flatMap((n) => EPOCH_METRICS.map((m) => `${n.id}.${m}`)).map((m) => <option key={m} value={m}>{m}</option>)}
              </select>
            </label>
            {form.policy === 'bandit' && (
              <label className="field">
                <span className="field-label">Slack</span>
                <span className="row gap-8">
                  <select className="input" value={form.slackKind} onChange={(e) => set({ slackKind: e.target.value })} aria-label="Slack kind">
                    <option value="factor">factor</option>
                    <option value="amount">amount</option>
                  </select>
                  <input className="input" type="number" step="any" min="0" value={form.slack} onChange={(e) => set({ slack: e.target.value })} data-testid="sweep-slack" aria-label="Slack" />
                </span>
              </label>
            )}
            {form.policy === 'truncation_selection' && (
              <>
                <label className="field">
                  <span className="field-label">Truncation %</span>
                  <input className="input" type="number" min="1" max="99" value={form.truncation} onChange={(e) => set({ truncation: e.target.value })} />
                </label>
                <label className="field checkbox-field">
                  <input type="checkbox" checked={form.excludeFinished} onChange={(e) => set({ excludeFinished: e.target.checked })} />
                  <span>Leave finished trials out</span>
                </label>
              </>
            )}
            {form.policy !== 'none' && (
              <>
                <label className="field">
                  <span className="field-label">Evaluation interval</span>
                  <input className="input" type="number" min="1" value={form.interval} onChange={(e) => set({ interval: e.target.value })} data-testid="sweep-interval" />
                </label>
                <label className="field">
                  <span className="field-label">Delay (intervals)</span>
                  <input className="input" type="number" min="0" value={form.delay} onChange={(e) => set({ delay: e.target.value })} data-testid="sweep-delay" />
                </label>
              </>
            )}
          </div>
          <p className="field-hint">Every value a node reports for the watched metric is one interval (one epoch). Bandit stops a trial
            whose best so far is not within the slack of the best trial; median stopping, one worse than the median of running
            averages; truncation selection, the lowest percentage.</p>
        </fieldset>
        {problem && <div className="callout callout-error small" role="alert" data-testid="sweep-problem">{problem.message}</div>}
      </form>
    </Dialog>
  );
}
