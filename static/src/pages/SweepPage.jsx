// One sweep, #/sweeps/<id>: its trials (parameters, status, metric, stopped early or not, time), the
// primary metric per trial over time, every trial's per-epoch curve, parameters against the metric in
// parallel coordinates, and what to do with the best trial.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, describeError } from '../api/client.js';
import { sweepsApi } from '../api/sweeps.js';
import { LineChart } from '../charts/LineChart.jsx';
import { ParallelCoordinates } from '../charts/ParallelCoordinates.jsx';
import { useCatalogue } from '../hooks/useCatalogue.js';
import { StatusBadge, formatDuration, relativeTime } from '../ui/StatusBadge.jsx';
import { useToast } from '../ui/toast.jsx';
import { graphHref, navigate, runHref, sweepHref } from '../ui/router.js';
import { AppHeader } from './AppHeader.jsx';

const POLL_MS = 1000;
const STATUS_WORDS = { early_terminated: 'stopped early', interrupted: 'interrupted' };

function TrialStatus({ status }) {
  return (
    <span className={`badge badge-${status}`} data-status={status} data-testid="trial-status">
      <span className="badge-dot" aria-hidden="true" />
      <span className="capitalize">{STATUS_WORDS[status] || status}</span>
    </span>
  );
}

function show(value) {
  if (typeof value === 'number') return String(Number(value.toPrecision(4)));
  return String(value);
}

function useSweep(sweepId) {
  const [sweep, setSweep] = useState(null);
  const [error, setError] = useState(null);
  const load = useCallback(() => sweepsApi.get(sweepId).then((s) => { setSweep(s); setError(null); return s; }, setError), [sweepId]);
  useEffect(() => {
    let timer = null;
    let live = true;
    const tick = () => load().then((s) => {
      if (live && s && s.status === 'running') timer = setTimeout(tick, POLL_MS);
    });
    tick();
    return () => { live = false; clearTimeout(timer); };
  }, [load]);
  return { sweep, error, reload: load };
}

/** Charts' data from the trials: metric over time, the per-epoch curves, parallel-coordinate rows. */
function chartData(sweep) {
  const names = Object.keys(sweep.config.search_space || {});
  const started = new Date(sweep.created_at).getTime();
  const finished = sweep.trials.filter((t) => t.metric !== null && t.finished_at)
    .map((t) => ({ t, x: (new Date(t.finished_at).getTime() - started) / 1000 }))
    .sort((a, b) => a.x - b.x);
  const better = sweep.config.goal === 'minimize' ? Math.min : Math.max;
  let best = null;
  const bestSoFar = finished.map(({ t, x }) => {
    best = best === null ? t.metric : better(best, t.metric);
    return { x, y: best };
  });
  const overTime = [
    { label: 'trial', points: finished.map(({ t, x }) => ({ x, y: t.metric })) },
    { label: 'best so far', points: bestSoFar, dashed: true },
  ];
  const curves = sweep.trials.filter((t) => t.intermediate.length).map((t) => ({
    label: `trial ${t.trial}`, dashed: t.status === 'early_terminated',
    points: t.intermediate.map((y, i) => ({ x: i + 1, y })),
  }));
  const axes = names.map((name) => {
    const values = sweep.trials.map((t) => t.parameters[name]);
    const categorical = values.some((v) => typeof v !== 'number');
    const natural = (a, b) => a.localeCompare(b, undefined, { numeric: true });
    return categorical ? { name, categories: [...new Set(values.map(String))].sort(natural) } : { name };
  });
  axes.push({ name: sweep.config.primary_metric });
  const rows = sweep.trials.filter((t) => t.metric !== null).map((t) => ({
    label: `trial ${t.trial}`, best: Boolean(sweep.best && sweep.best.trial === t.trial),
    values: [...names.map((n, i) => (axes[i].categories ? String(t.parameters[n]) : t.parameters[n])), t.metric],
  }));
  return { names, overTime, curves, axes, rows };
}

function BestActions({ sweep }) {
  const toast = useToast();
  const { catalogue } = useCatalogue();
  const [registry, setRegistry] = useState(false);
  const [name, setName] = useState('');
  const best = sweep.best;
  useEffect(() => {
    sweepsApi.listModels().then(() => setRegistry(true), () => setRegistry(false));
  }, []);
  useEffect(() => { setName((sweep.name || 'sweep').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') + '-best'); }, [sweep.name]);

  const modelNode = async () => {
    const run = await api.getRun(best.run_id);
    const node = (run.document.nodes || []).find((n) => {
      const spec = catalogue && catalogue.specOf(n.component);
      return spec && (spec.outputs || []).some((o) => o.type === 'TrainedModel');
    });
    if (!node) throw new Error('the best run has no trained model to register');
    return node.id;
  };
  const register = async () => {
    try {
      const made = await sweepsApi.registerModel({ name, run_id: best.run_id, node: await modelNode(),
        tags: { sweep: sweep.sweep_id, trial: String(best.trial) } });
      toast(`Registered ${made.name} version ${made.version}`, 'success');
    } catch (e) {
      toast(`Not registered: ${describeError(e)}`, 'error', 8000);
    }
  };
  const inference = async () => {
    try {
      const made = await api.inferenceGraph(sweep.graph_id, 'realtime', best.run_id);
      navigate(graphHref(made.graph_id || made.id));
    } catch (e) {
      toast(`No inference pipeline: ${describeError(e)}`, 'error', 8000);
    }
  };
  if (!best) return null;
  return (
    <div className="row gap-8 sweep-best-actions">
      {registry && (
        <>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} aria-label="Model name" data-testid="best-model-name" />
          <button type="button" className="btn" onClick={register} data-testid="btn-register-best">Register best model</button>
        </>
      )}
      {sweep.graph_id && (
        <button type="button" className="btn btn-primary" onClick={inference} data-testid="btn-inference-best">
          Create inference pipeline from best
        </button>
      )}
    </div>
  );
}

export function SweepPage({ sweepId }) {
  const toast = useToast();
  const { sweep, error, reload } = useSweep(sweepId);
  const data = useMemo(() => (sweep ? chartData(sweep) : null), [sweep]);
  const act = async (what) => {
    try {
      await (what === 'cancel' ? sweepsApi.cancel(sweepId) : sweepsApi.resume(sweepId));
      toast(what === 'cancel' ? 'Cancelling the sweep' : 'Resuming the sweep', 'info', 2000);
      if (what === 'resume') navigate(sweepHref(sweepId));
      setTimeout(reload, 300);
    } catch (e) {
      toast(describeError(e), 'error');
    }
  };
  if (error) return <div className="page"><AppHeader /><main className="page-body"><div className="callout callout-error">Could not load the sweep: {describeError(error)}</div></main></div>;
  if (!sweep) return <div className="page"><AppHeader /><main className="page-body muted">Loading the sweep…</main></div>;
  const config = sweep.config;
  const policy = config.early_termination;
  const done = sweep.trials.filter((t) => !['running', 'queued'].includes(t.status)).length;
  return (
    <div className="page">
      <AppHeader />
      <main className="page-body sweep-page" data-testid="sweep-page">
        <div className="page-title-row">
          <div>
            <h1>{sweep.name} <span className="muted small mono">sweep {sweep.sweep_id.slice(0, 8)}</span></h1>
            <p className="muted">
              <StatusBadge status={sweep.status} testId="sweep-status" /> {done} of {config.max_total_trials} trials ·{' '}
              {config.sampling} sampling · {config.goal} <span className="mono">{config.primary_metric}</span>
              {policy ? ` · ${policy.policy.replace('_', ' ')} on ${config.intermediate_metric}` : ' · no early termination'}
              {' · '}started {relativeTime(sweep.created_at)}
              {sweep.graph_id && <> · <a href={graphHref(sweep.graph_id)}>open the pipeline</a></>}
            </p>
            {sweep.error && <p className="callout callout-error small">{sweep.error}</p>}
          </div>
          <div className="row gap-8">
            {sweep.status === 'running' && <button type="button" className="btn btn-danger" onClick={() => act('cancel')} data-testid="btn-cancel-sweep">Cancel sweep</button>}
            {sweep.status === 'interrupted' && <button type="button" className="btn btn-primary" onClick={() => act('resume')} data-testid="btn-resume-sweep">Resume</button>}
          </div>
        </div>
        {sweep.best && (
          <div className="callout sweep-best" data-testid="sweep-best">
            <div>
              <strong>Best: trial {sweep.best.trial}</strong> · {config.primary_metric} = <strong>{show(sweep.best.metric)}</strong> with{' '}
              <span className="mono">{Object.entries(sweep.best.parameters).map(([k, v]) => `${k}=${show(v)}`).join(', ')}</span>{' '}
              · <a href={runHref(sweep.best.run_id)}>its run</a>
            </div>
            <BestActions sweep={sweep} />
          </div>
        )}
        <table className="data-table sweep-trials" data-testid="sweep-trials">
          <thead>
            <tr><th>Trial</th>{data.names.map((n) => <th key={n} className="mono">{n}</th>)}<th>Status</th><th>{config.primary_metric}</th><th>Epochs</th><th>Time</th><th>Run</th></tr>
          </thead>
          <tbody>
            {sweep.trials.map((t) => (
              <tr key={t.trial} data-testid={`trial-row-${t.trial}`} className={sweep.best && sweep.best.trial === t.trial ? 'row-best' : ''}
                title={t.error || undefined}>
                <td>{t.trial}{sweep.best && sweep.best.trial === t.trial && <span className="best-mark" title="best trial"> ★</span>}</td>
                {data.names.map((n) => <td key={n} className="num mono">{show(t.parameters[n])}</td>)}
                <td><TrialStatus status={t.status} /></td>
                <td className="num">{t.metric === null ? '—' : show(t.metric)}</td>
                <td className="num">{t.intermediate.length || '—'}</td>
                <td>{formatDuration(t.started_at, t.finished_at)}</td>
                <td>{t.run_id ? <a href={runHref(t.run_id)}>open</a> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="sweep-charts">
          <section className="sweep-chart">
            <h2>{config.primary_metric} per trial over time</h2>
            <LineChart series={data.overTime} scatter xLabel="seconds since the sweep started" yLabel={config.primary_metric} testId="chart-metric-over-time" />
          </section>
          <section className="sweep-chart">
            <h2>{config.intermediate_metric} per epoch</h2>
            {data.curves.length ? <LineChart series={data.curves} xLabel="interval (epoch)" yLabel={config.intermediate_metric} integerX testId="chart-intermediate" />
              : <p className="muted small">No per-epoch values reported yet.</p>}
          </section>
        </div>
        <section className="sweep-chart">
          <h2>Parameters against {config.primary_metric}</h2>
          {data.rows.length ? <ParallelCoordinates axes={data.axes} rows={data.rows} metricName={config.primary_metric} testId="chart-parallel" />
            : <p className="muted small">Appears once a trial has completed.</p>}
        </section>
      </main>
    </div>
  );
}
