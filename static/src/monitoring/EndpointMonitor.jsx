// An endpoint's Monitor tab: requests, errors and latency percentiles per minute, drift of what it scores
// against its training data, the opt-in request log, and the promotions of retrained models.
import { Fragment, useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/client.js';
import { operations } from '../api/operations.js';
import { LineChart } from '../charts/LineChart.jsx';
import { relativeTime } from '../ui/StatusBadge.jsx';
import { useToast } from '../ui/toast.jsx';
import { runHref } from '../ui/router.js';

const WINDOWS = [[60, 'Last hour'], [360, 'Last 6 hours'], [1440, 'Last day']];

function usePolled(load, every = 5000) {
  const [state, setState] = useState({ data: null, error: null });
  const refresh = useCallback(() => load().then((data) => setState({ data, error: null }), (error) => setState((s) => ({ ...s, error }))), [load]);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, every);
    return () => clearInterval(timer);
  }, [refresh, every]);
  return { ...state, refresh };
}

function minutesAgo(rows) {
  const last = rows.length ? new Date(rows[rows.length - 1].minute).getTime() : 0;
  return rows.map((r) => ({ row: r, x: Math.round((new Date(r.minute).getTime() - last) / 60000) }));
}

function TrafficCharts({ name }) {
  const [minutes, setMinutes] = useState(60);
  const load = useCallback(() => operations.endpointMetrics(name, minutes), [name, minutes]);
  const { data, error } = usePolled(load);
  if (error) return <div className="callout callout-error">Could not load metrics: {describeError(error)}</div>;
  if (!data) return <div className="muted">Loading metrics…</div>;
  const points = minutesAgo(data.minutes);
  const series = (key, label, color) => ({ label, color, points: points.map((p) => ({ x: p.x, y: p.row[key] })) });
  const latency = (key, label, color, dashed) => ({
    label, color, dashed, points: points.filter((p) => p.row.latency_ms[key] !== null).map((p) => ({ x: p.x, y: p.row.latency_ms[key] })),
  });
  const t = data.totals;
  return (
    <div data-testid="endpoint-traffic">
      <div className="section-title-row">
        <div className="metric-tiles">
          <div className="metric-tile"><span className="muted small">Requests</span><strong data-testid="total-requests">{t.requests}</strong></div>
          <div className="metric-tile"><span className="muted small">4xx</span><strong data-testid="total-4xx">{t.errors_4xx}</strong></div>
          <div className="metric-tile"><span className="muted small">5xx</span><strong data-testid="total-5xx">{t.errors_5xx}</strong></div>
          <div className="metric-tile"><span className="muted small">p50 / p95 / p99</span>
            <strong data-testid="total-latency">{['p50', 'p95', 'p99'].map((k) => (t.latency_ms[k] === null ? '—' : `${t.latency_ms[k].toFixed(1)}`)).join(' / ')} ms</strong></div>
        </div>
        <select className="input input-narrow" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} aria-label="Window" data-testid="metrics-window">
          {WINDOWS.map(([m, label]) => <option key={m} value={m}>{label}</option>)}
        </select>
      </div>
      <div className="monitor-charts">
        <div className="card chart-card" data-testid="chart-requests">
          <div className="section-title">Requests and errors per minute</div>
          <LineChart integerX xLabel="minutes ago" yLabel="requests" yMin={0} xMin={1 - minutes} xMax={0} series={[
            series('requests', 'requests', '#4f46e5'), series('errors_4xx', '4xx', '#f59e0b'), series('errors_5xx', '5xx', '#dc2626')]} />
        </div>
        <div className="card chart-card" data-testid="chart-latency">
          <div className="section-title">Latency (ms)</div>
          <LineChart integerX xLabel="minutes ago" yLabel="ms" yMin={0} xMin={1 - minutes} xMax={0} scatter series={[
            latency('p50', 'p50', '#16a34a'), latency('p95', 'p95', '#0891b2', true), latency('p99', 'p99', '#9333ea', true)]} />
        </div>
      </div>
    </div>
  );
}

function DriftPanel({ name }) {
  const toast = useToast();
  const load = useCallback(() => operations.endpointDrift(name), [name]);
  const { data, error, refresh } = usePolled(load, 15000);
  const [open, setOpen] = useState(null);
  if (error) return <div className="callout callout-error">Could not load drift: {describeError(error)}</div>;
  if (!data) return <div className="muted">Loading drift…</div>;
  if (!data.available) return <div className="card muted">{data.reason}</div>;
  const setThreshold = async () => {
    const text = window.prompt('Drift threshold (PSI above it marks a feature as drifting):', String(data.threshold));
    if (text === null) return;
    try {
      await operations.changeEndpointMonitoring(name, { drift_threshold: Number(text) });
      refresh();
    } catch (e) {
      toast(describeError(e), 'error', 8000);
    }
  };
  return (
    <div data-testid="endpoint-drift">
      <p className="small">
        {data.drifting
          ? <span className="drift-flag" data-testid="drift-flag">Drifting: some features moved past the threshold.</span>
          : <span className="muted" data-testid="drift-flag">No drift past the threshold.</span>}
        {' '}<span className="muted">Population stability index of {data.scored_rows} scored rows (last {data.window_hours / 24} days) against the training data; threshold {data.threshold}.</span>
        {' '}<button type="button" className="btn btn-small" onClick={setThreshold}>Change threshold</button>
      </p>
      <table className="data-table compact" data-testid="drift-table">
        <thead><tr><th>Feature</th><th>PSI</th><th>Scored rows</th><th /></tr></thead>
        <tbody>
          {data.features.map((f) => (
            <Fragment key={f.feature}>
              <tr className={f.drifting ? 'drift-row' : ''}>
                <td className="mono">{f.feature}</td>
                <td>{f.psi === null ? <span className="muted">no rows yet</span> : f.psi.toFixed(3)}{f.drifting && <span className="drift-pill">drift</span>}</td>
                <td>{f.scored_rows}</td>
                <td><button type="button" className="btn btn-small" onClick={() => setOpen(open === f.feature ? null : f.feature)}>{open === f.feature ? 'Hide' : 'Histogram'}</button></td>
              </tr>
              {open === f.feature && (
                <tr><td colSpan={4}><Histogram feature={f} /></td></tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Histogram({ feature }) {
  const total = (values) => values.reduce((a, b) => a + b, 0) || 1;
  const te = total(feature.expected);
  const ta = total(feature.actual);
  return (
    <div className="drift-histogram">
      {feature.bins.map((bin, i) => (
        <div key={bin} className="drift-bin" title={`${bin}: training ${(100 * feature.expected[i] / te).toFixed(1)}%, scored ${(100 * feature.actual[i] / ta).toFixed(1)}%`}>
          <div className="drift-bars">
            <span className="bar bar-expected" style={{ height: `${(100 * feature.expected[i]) / te}%` }} />
            <span className="bar bar-actual" style={{ height: `${(100 * feature.actual[i]) / ta}%` }} />
          </div>
          <span className="drift-bin-label">{bin}</span>
        </div>
      ))}
      <div className="muted small drift-legend"><span className="swatch bar-expected" /> training <span className="swatch bar-actual" /> scored</div>
    </div>
  );
}

function RequestLog({ name }) {
  const toast = useToast();
  const load = useCallback(() => operations.endpointRequests(name), [name]);
  const { data, error, refresh } = usePolled(load, 5000);
  if (error) return <div className="callout callout-error">Could not load the request log: {describeError(error)}</div>;
  if (!data) return null;
  const toggle = async () => {
    try {
      await operations.changeEndpointMonitoring(name, { logging: { ...data.logging, enabled: !data.logging.enabled } });
      refresh();
    } catch (e) {
      toast(describeError(e), 'error', 8000);
    }
  };
  return (
    <div data-testid="endpoint-request-log">
      <p className="small">
        <button type="button" className="btn btn-small" onClick={toggle} data-testid="btn-toggle-logging">
          {data.logging.enabled ? 'Turn request logging off' : 'Turn request logging on'}
        </button>{' '}
        <span className="muted">
          {data.logging.enabled
            ? `Logging ${Math.round(data.logging.sample_rate * 100)}% of requests, keeping the newest ${data.logging.max_entries}.`
            : 'Off: requests can hold personal data, so payloads are kept only when you turn this on.'}
        </span>
      </p>
      {data.requests.length > 0 && (
        <table className="data-table compact" data-testid="request-log-table">
          <thead><tr><th>When</th><th>Status</th><th>ms</th><th>Request</th><th>Answer</th></tr></thead>
          <tbody>
            {data.requests.map((r) => (
              <tr key={r.id}>
                <td title={r.at}>{relativeTime(r.at)}</td>
                <td>{r.status}</td>
                <td>{r.latency_ms.toFixed(1)}</td>
                <td className="mono small ellipsis-cell" title={r.request}>{r.request}</td>
                <td className="mono small ellipsis-cell" title={r.response}>{r.response}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Promotions({ name }) {
  const load = useCallback(() => operations.endpointPromotions(name), [name]);
  const { data } = usePolled(load, 10000);
  if (!data) return null;
  if (!data.promotions.length) {
    return <div className="card muted small">No promotions yet. A run or schedule with a promotion rule naming this endpoint swaps in its model when its metric is better.</div>;
  }
  const num = (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(4));
  return (
    <table className="data-table compact" data-testid="promotions-table">
      <thead><tr><th>When</th><th>Run</th><th>Metric</th><th>New</th><th>Served</th><th>Outcome</th><th>Model</th></tr></thead>
      <tbody>
        {data.promotions.map((p) => (
          <tr key={p.id}>
            <td title={p.created_at}>{relativeTime(p.decided_at || p.created_at)}</td>
            <td><a className="mono" href={runHref(p.run_id)}>{p.run_id.slice(0, 8)}</a></td>
            <td className="mono">{p.metric}</td>
            <td>{num(p.new_value)}</td>
            <td>{num(p.old_value)}</td>
            <td title={p.reason}><span className={`promotion-${p.status}`}>{p.status}</span></td>
            <td className="mono small">{p.model_name ? `${p.model_name}:${p.model_version}` : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EndpointMonitor({ name }) {
  return (
    <div className="endpoint-monitor">
      <TrafficCharts name={name} />
      <h2 className="section-heading">Data drift</h2>
      <DriftPanel name={name} />
      <h2 className="section-heading">Request log</h2>
      <RequestLog name={name} />
      <h2 className="section-heading">Promotions</h2>
      <Promotions name={name} />
    </div>
  );
}
