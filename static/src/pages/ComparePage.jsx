// Runs side by side, #/compare/<id>,<id>...: parameters (differing ones highlighted), every final metric with the
// best per row marked, per-epoch curves overlaid (one chart per metric) and ROC curves overlaid.
import { useEffect, useMemo, useState } from 'react';
import { describeError } from '../api/client.js';
import { formatMetric, workspaceApi } from '../api/workspace.js';
import { LineChart, SERIES_COLOURS } from '../charts/LineChart.jsx';
import { runHref } from '../ui/router.js';
import { AppHeader } from './AppHeader.jsx';
import { PageMessage } from './EditorPage.jsx';

const label = (run) => run.display_name || `${run.name || 'Run'} · ${run.run_id.slice(0, 6)}`;
const show = (value) => (value === undefined || value === null ? '—' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** The curve to overlay: a binary ROC, or for several classes the first class's one-vs-rest curve. */
function rocSeries(roc) {
  if (!roc) return null;
  if (roc.fpr) return roc;
  const first = roc.per_class && Object.entries(roc.per_class)[0];
  return first ? { ...first[1], className: first[0] } : null;
}

export function ComparePage({ runIds }) {
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [onlyDiffering, setOnlyDiffering] = useState(true);
  useEffect(() => { workspaceApi.compareRuns(runIds).then(setResult, setError); }, [runIds]);
  const colours = useMemo(() => Object.fromEntries(runIds.map((id, i) => [id, SERIES_COLOURS[i % SERIES_COLOURS.length]])), [runIds]);

  if (error) return <PageMessage title="Cannot compare these runs"><p>{describeError(error)}</p></PageMessage>;
  if (!result) return <div className="loading-screen">Loading runs…</div>;
  const { runs } = result;
  const names = onlyDiffering ? result.differing : Object.keys(result.parameters);
  const differing = new Set(result.differing);

  return (
    <div className="page">
      <AppHeader>
        <span className="crumb-sep" aria-hidden="true">/</span>
        <a className="crumb" href="#/runs">Runs</a>
        <span className="crumb-sep" aria-hidden="true">/</span>
        <span className="crumb">Compare {runs.length} runs</span>
      </AppHeader>
      <main className="page-body compare-page" data-testid="compare-view">
        <section className="card">
          <div className="row gap-8 card-title-row">
            <h2>Parameters</h2>
            <span className="muted small">{result.differing.length} of {Object.keys(result.parameters).length} differ</span>
            <span className="header-spacer" />
            <label className="row gap-4 small"><input type="checkbox" checked={onlyDiffering} onChange={(e) => setOnlyDiffering(e.target.checked)}
              data-testid="only-differing" /> Only those that differ</label>
          </div>
          <div className="table-scroll">
            <table className="data-table compare-table" data-testid="compare-parameters">
              <thead><tr><th>Parameter</th>{runs.map((r) => <th key={r.run_id}><RunHeading run={r} colour={colours[r.run_id]} /></th>)}</tr></thead>
              <tbody>
                {names.length === 0 && <tr><td colSpan={runs.length + 1} className="muted">Every parameter is the same in these runs.</td></tr>}
                {names.map((name) => (
                  <tr key={name} className={differing.has(name) ? 'differs' : ''} data-testid={differing.has(name) ? 'param-differs' : 'param-same'}>
                    <td className="mono">{name}</td>
                    {runs.map((r) => <td key={r.run_id} className="mono ellipsis-cell" title={show(result.parameters[name][r.run_id])}>{show(result.parameters[name][r.run_id])}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section className="card">
          <h2>Metrics</h2>
          <div className="table-scroll">
            <table className="data-table compare-table" data-testid="compare-metrics">
              <thead><tr><th>Metric</th>{runs.map((r) => <th key={r.run_id}><RunHeading run={r} colour={colours[r.run_id]} /></th>)}</tr></thead>
              <tbody>
                {Object.keys(result.metrics).length === 0 && <tr><td colSpan={runs.length + 1} className="muted">These runs recorded no metrics.</td></tr>}
                {Object.entries(result.metrics).map(([key, values]) => (
                  <tr key={key}>
                    <td className="mono">{key}</td>
                    {runs.map((r) => {
                      const best = result.best[key] === r.run_id;
                      return <td key={r.run_id} className={`num mono${best ? ' best' : ''}`} data-testid={best ? 'metric-best' : undefined}
                        title={best ? 'Best of these runs' : undefined}>{formatMetric(values[r.run_id])}{best ? ' ★' : ''}</td>;
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <Curves result={result} colours={colours} />
        <span data-testid="compare-ready" className="sr-only">ready</span>
      </main>
    </div>
  );
}

function rocClass(perRun) {
  const first = Object.values(perRun).map(rocSeries).find((r) => r && r.className);
  return first ? ` · ${first.className} vs rest` : '';
}

function RunHeading({ run, colour }) {
  return (
    <a href={runHref(run.run_id)} className="run-heading">
      <span className="swatch" style={{ background: colour }} aria-hidden="true" />{label(run)}
    </a>
  );
}

function Curves({ result, colours }) {
  const byId = Object.fromEntries(result.runs.map((r) => [r.run_id, r]));
  const curves = Object.entries(result.curves);
  const rocs = Object.entries(result.roc || {});
  if (!curves.length && !rocs.length) return null;
  return (
    <section className="card">
      <h2>Curves</h2>
      <div className="chart-grid">
        {curves.map(([key, perRun]) => (
          <div key={key} className="chart-cell" data-testid="compare-curve">
            <h3 className="mono small">{key}</h3>
            <LineChart integerX xLabel="epoch" yLabel={key.split('.').pop()} height={200}
              series={Object.entries(perRun).map(([runId, values]) => ({
                label: label(byId[runId]), color: colours[runId],
                points: values.map((y, i) => ({ x: i + 1, y })).filter((p) => p.y !== null),
              }))} />
          </div>
        ))}
        {rocs.map(([node, perRun]) => (
          <div key={`roc-${node}`} className="chart-cell" data-testid="compare-roc">
            <h3 className="mono small">{node} ROC{rocClass(perRun)}</h3>
            <LineChart square xLabel="false positive rate" yLabel="true positive rate" height={200} xMin={0} xMax={1} yMin={0} yMax={1}
              series={Object.entries(perRun).map(([runId, roc]) => rocSeries(roc)).map((roc, i) => {
                const runId = Object.keys(perRun)[i];
                return { label: `${label(byId[runId])}${roc && roc.auc !== undefined ? ` (AUC ${roc.auc.toFixed(3)})` : ''}`, color: colours[runId],
                  points: roc ? roc.fpr.map((x, j) => ({ x, y: roc.tpr[j] })) : [] };
              })} />
          </div>
        ))}
      </div>
    </section>
  );
}
