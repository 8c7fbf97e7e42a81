// Metrics output: the numbers, ROC curve, confusion matrix, per-class table, residuals, clusters,
// and the comparison model side by side when evaluate-model had a second input.
import { LineChart } from '../charts/LineChart.jsx';
import { ConfusionMatrix } from '../charts/ConfusionMatrix.jsx';
import { formatNumber } from '../ui/StatusBadge.jsx';

function rocSeries(roc, prefix = '') {
  if (!roc) return [];
  if (Array.isArray(roc.fpr)) {
    return [{ label: `${prefix}ROC${roc.auc !== undefined ? ` (AUC ${formatNumber(roc.auc)})` : ''}`, points: roc.fpr.map((x, i) => ({ x, y: roc.tpr[i] })) }];
  }
  const perClass = roc.per_class || {};
  return Object.entries(perClass).map(([label, curve]) => ({
    label: `${prefix}${label}${curve.auc !== undefined ? ` (AUC ${formatNumber(curve.auc)})` : ''}`,
    points: curve.fpr.map((x, i) => ({ x, y: curve.tpr[i] })),
  }));
}

const CHANCE = { label: 'chance', points: [{ x: 0, y: 0 }, { x: 1, y: 1 }], color: '#cbd5e1', dashed: true };

function MetricTable({ results }) {
  const names = [];
  results.forEach((r) => Object.keys((r.value && r.value.metrics) || {}).forEach((n) => !names.includes(n) && names.push(n)));
  if (!names.length) return <div className="muted small">No metric values.</div>;
  return (
    <table className="data-table compact metrics-table">
      <thead>
        <tr><th>Metric</th>{results.map((r) => <th key={r.title} className="num">{r.title}</th>)}</tr>
      </thead>
      <tbody>
        {names.map((name) => (
          <tr key={name}>
            <td>{name}</td>
            {results.map((r, i) => {
              const value = r.value.metrics ? r.value.metrics[name] : undefined;
              return (
                <td key={r.title} className="num" data-testid={i === 0 ? `metric-${name}` : `metric-compare-${name}`}>
                  {typeof value === 'number' ? formatNumber(value) : value === undefined ? '—' : JSON.stringify(value)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PerClass({ rows }) {
  const keys = Object.keys(rows[0] || {});
  const columns = [...keys.filter((k) => k === 'label'), ...keys.filter((k) => k !== 'label')];
  return (
    <table className="data-table compact">
      <thead><tr>{columns.map((c) => <th key={c} className={c === 'label' ? '' : 'num'}>{c}</th>)}</tr></thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>{columns.map((c) => <td key={c} className={c === 'label' ? '' : 'num'}>{typeof row[c] === 'number' ? formatNumber(row[c]) : String(row[c])}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}

function Residuals({ residuals }) {
  const { actual = [], predicted = [] } = residuals;
  const points = predicted.map((p, i) => ({ x: p, y: actual[i] - p }));
  return (
    <LineChart scatter xLabel="predicted" yLabel="actual − predicted" height={240} testId="chart-residuals"
      series={[{ label: 'residual', points }, { label: 'zero', points: extent(predicted).map((x) => ({ x, y: 0 })), color: '#94a3b8', dashed: true, line: true }]} />
  );
}

function extent(values) {
  if (!values.length) return [0, 1];
  return [Math.min(...values), Math.max(...values)];
}

function ChartsOf({ value, title, children }) {
  const charts = value.charts || {};
  return (
    <div className="metrics-charts">
      {children}
      {charts.roc && (
        <figure className="chart-card">
          <figcaption>ROC curve{title ? ` — ${title}` : ''}</figcaption>
          <LineChart series={[...rocSeries(charts.roc), CHANCE]} xLabel="false positive rate" yLabel="true positive rate"
            xMin={0} xMax={1} yMin={0} yMax={1.02} height={260} testId="chart-roc" />
        </figure>
      )}
      {charts.confusion_matrix && (
        <figure className="chart-card">
          <figcaption>Confusion matrix{title ? ` — ${title}` : ''}</figcaption>
          <ConfusionMatrix labels={charts.confusion_matrix.labels} matrix={charts.confusion_matrix.matrix} />
        </figure>
      )}
      {charts.residuals && (
        <figure className="chart-card">
          <figcaption>Residuals{title ? ` — ${title}` : ''}</figcaption>
          <Residuals residuals={charts.residuals} />
        </figure>
      )}
      {charts.cluster_sizes && (
        <figure className="chart-card">
          <figcaption>Cluster sizes{title ? ` — ${title}` : ''}</figcaption>
          <ClusterBars sizes={charts.cluster_sizes} />
        </figure>
      )}
      {Array.isArray(charts.per_class) && charts.per_class.length > 0 && (
        <figure className="chart-card chart-card-wide">
          <figcaption>Per class{title ? ` — ${title}` : ''}</figcaption>
          <PerClass rows={charts.per_class} />
        </figure>
      )}
    </div>
  );
}

function ClusterBars({ sizes }) {
  const entries = Object.entries(sizes);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return (
    <div className="bar-list">
      {entries.map(([k, n]) => (
        <div key={k} className="bar-row">
          <span className="bar-label">cluster {k}</span>
          <span className="bar-track"><span className="bar-fill" style={{ width: `${(n / max) * 100}%` }} /></span>
          <span className="bar-value">{n}</span>
        </div>
      ))}
    </div>
  );
}

export function MetricsView({ metrics }) {
  if (!metrics) return <div className="muted">No metrics in this output.</div>;
  const results = [{ title: metrics.compare ? 'Model 1' : 'Value', value: metrics }];
  if (metrics.compare) results.push({ title: 'Model 2 (compare)', value: metrics.compare });
  const table = (
    <figure className="chart-card">
      <figcaption>Metrics <span className="muted">· {metrics.task || 'unknown task'}</span></figcaption>
      <MetricTable results={results} />
    </figure>
  );
  if (!metrics.compare) return <div className="metrics-view"><ChartsOf value={metrics}>{table}</ChartsOf></div>;
  return (
    <div className="metrics-view">
      <section className="metrics-charts">
        {table}
        {metrics.compare && metrics.charts && metrics.compare.charts && metrics.charts.roc && metrics.compare.charts.roc && (
          <figure className="chart-card">
            <figcaption>ROC — both models</figcaption>
            <LineChart series={[...rocSeries(metrics.charts.roc, 'Model 1 '), ...rocSeries(metrics.compare.charts.roc, 'Model 2 '), CHANCE]}
              xLabel="false positive rate" yLabel="true positive rate" xMin={0} xMax={1} yMin={0} yMax={1.02} height={240} />
          </figure>
        )}
      </section>
      <div className="compare-columns">
        <div><h3 className="compare-title">Model 1</h3><ChartsOf value={metrics} /></div>
        <div><h3 className="compare-title">Model 2 (compare)</h3><ChartsOf value={metrics.compare} /></div>
      </div>
    </div>
  );
}
