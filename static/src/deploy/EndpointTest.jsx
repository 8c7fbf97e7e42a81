// An endpoint's Test tab: edit a request (a form for the first row, or the raw JSON), send it to the
// scoring URL with the key, and see the predictions as a table or the server's error message.
import { useMemo, useState } from 'react';
import { endpointTestApi } from '../api/endpointTest.js';
import { readableJson } from './samples.js';
import { formatNumber } from '../ui/StatusBadge.jsx';
import { Icon } from '../ui/icons.jsx';

const cell = (value) => (value !== null && typeof value === 'object' ? JSON.stringify(value) : formatNumber(value));

function RowsTable({ rows }) {
  const columns = [];
  rows.forEach((row) => Object.keys(row || {}).forEach((k) => { if (!columns.includes(k)) columns.push(k); }));
  return (
    <table className="data-table compact prediction-table">
      <thead><tr><th className="num">#</th>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}><td className="num muted">{i + 1}</td>{columns.map((c) => <td key={c} className="mono">{cell(row ? row[c] : '')}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}

/** Predictions as the designer shape gives them: {label, probabilities} per row, a number, or a row object. */
export function PredictionsTable({ predictions }) {
  if (!predictions.length) return <div className="muted">The endpoint answered with no predictions.</div>;
  const classified = predictions.every((p) => p && typeof p === 'object' && 'label' in p && p.probabilities && typeof p.probabilities === 'object');
  if (classified) {
    const classes = [];
    predictions.forEach((p) => Object.keys(p.probabilities).forEach((c) => { if (!classes.includes(c)) classes.push(c); }));
    return (
      <table className="data-table compact prediction-table">
        <thead>
          <tr><th className="num">#</th><th>Scored label</th>{classes.map((c) => <th key={c} className="num">P({c})</th>)}</tr>
        </thead>
        <tbody>
          {predictions.map((p, i) => (
            <tr key={i} data-testid={`prediction-${i}`}>
              <td className="num muted">{i + 1}</td>
              <td><span className="prediction-label">{cell(p.label)}</span></td>
              {classes.map((c) => (
                <td key={c} className={`num${String(c) === String(p.label) ? ' strong' : ''}`}>{cell(p.probabilities[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  if (predictions.every((p) => p === null || typeof p !== 'object')) {
    return (
      <table className="data-table compact prediction-table">
        <thead><tr><th className="num">#</th><th>Prediction</th></tr></thead>
        <tbody>
          {predictions.map((p, i) => (
            <tr key={i} data-testid={`prediction-${i}`}><td className="num muted">{i + 1}</td><td className="mono strong">{cell(p)}</td></tr>
          ))}
        </tbody>
      </table>
    );
  }
  return <RowsTable rows={predictions} />;
}

function ResponseView({ result }) {
  if (result.error) {
    return (
      <div className="callout callout-error test-error" role="alert">
        <div className="strong">{result.status ? `${result.status} · ${result.code}` : 'Not sent'}</div>
        <div>{result.error}</div>
        {result.details && Object.keys(result.details).length > 0 && (
          <div className="error-details small">
            {Object.entries(result.details).map(([k, v]) => (
              <span key={k}><span className="muted">{k}</span> <span className="mono">{typeof v === 'object' ? JSON.stringify(v) : String(v)}</span></span>
            ))}
          </div>
        )}
      </div>
    );
  }
  const { data } = result;
  return (
    <>
      {Array.isArray(data.predictions) && <PredictionsTable predictions={data.predictions} />}
      {data.Results && typeof data.Results === 'object' && Object.entries(data.Results).map(([output, rows]) => (
        <div key={output} className="result-output">
          <div className="section-title">{output}</div>
          {Array.isArray(rows) ? <RowsTable rows={rows} /> : <pre className="code-sample-body">{JSON.stringify(rows, null, 2)}</pre>}
        </div>
      ))}
      <details className="raw-response">
        <summary>Raw response</summary>
        <pre className="code-sample-body">{JSON.stringify(data, null, 2)}</pre>
      </details>
    </>
  );
}

/** The first row of the body's first input, and a setter that writes it back; null when the body is not that shape. */
function firstRowOf(bodyText) {
  let body;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return null;
  }
  if (body && Array.isArray(body.data) && body.data[0] && typeof body.data[0] === 'object') {
    return { row: body.data[0], write: (row) => ({ ...body, data: [row, ...body.data.slice(1)] }) };
  }
  return null;
}

function RowForm({ columns, bodyText, onBody }) {
  // What the user typed per field, so "5." stays "5." while the JSON already holds 5.
  const [drafts, setDrafts] = useState({});
  const first = firstRowOf(bodyText);
  if (!first) return <div className="callout callout-warning">The JSON is not a {'{"data": [row, ...]}'} request, so it cannot be shown as a form. Edit it as JSON.</div>;
  const numeric = (c) => c.kind === 'number' || c.kind === 'integer';
  const set = (column, raw) => {
    let value = raw;
    if (typeof raw === 'string') {
      setDrafts((d) => ({ ...d, [column.name]: raw }));
      if (numeric(column)) value = raw.trim() === '' ? null : (Number.isFinite(Number(raw)) ? Number(raw) : raw);
    }
    onBody(JSON.stringify(first.write({ ...first.row, [column.name]: value }), null, 2));
  };
  return (
    <div className="row-form" data-testid="test-form">
      {columns.map((c) => {
        const value = first.row[c.name];
        const shown = drafts[c.name] !== undefined ? drafts[c.name] : (value === null || value === undefined ? '' : String(value));
        const id = `test-field-${c.name}`;
        return (
          <div key={c.name} className="row-form-field">
            <label htmlFor={id} className="field-label" title={c.name}>{c.name} <span className="type-pill">{c.dtype || c.kind}</span></label>
            {c.kind === 'boolean'
              ? <input id={id} type="checkbox" checked={value === true} onChange={(e) => set(c, e.target.checked)} />
              : <input id={id} className="input mono" inputMode={numeric(c) ? 'decimal' : 'text'} value={shown}
                onChange={(e) => set(c, e.target.value)} />}
          </div>
        );
      })}
    </div>
  );
}

export function EndpointTest({ name, columns, initialBody, maxRows }) {
  const [bodyText, setBodyText] = useState(initialBody);
  const [mode, setMode] = useState('json');
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState(null);
  const [resets, setResets] = useState(0);
  const jsonProblem = useMemo(() => {
    try {
      JSON.parse(bodyText);
      return null;
    } catch (e) {
      return e.message;
    }
  }, [bodyText]);

  const send = async () => {
    if (jsonProblem) {
      setResult({ error: `The request is not valid JSON: ${jsonProblem}` });
      return;
    }
    setSending(true);
    const started = performance.now();
    try {
      const data = await endpointTestApi.testScore(name, JSON.parse(bodyText));
      setResult({ data, ms: performance.now() - started });
    } catch (e) {
      setResult({ error: e.message, status: e.status, code: e.code, details: e.details });
    } finally {
      setSending(false);
    }
  };

  return (
    <div className="endpoint-test">
      <div className="test-request">
        <div className="section-title-row">
          <span className="section-title">Request</span>
          <div className="segmented" role="tablist" aria-label="Request editor">
            <button type="button" className={mode === 'form' ? 'active' : ''} onClick={() => setMode('form')} data-testid="test-mode-form">Form</button>
            <button type="button" className={mode === 'json' ? 'active' : ''} onClick={() => setMode('json')} data-testid="test-mode-json">JSON</button>
          </div>
        </div>
        {mode === 'json' ? (
          <>
            <textarea className={`input textarea mono test-input${jsonProblem ? ' input-invalid' : ''}`} rows={12} spellCheck={false}
              value={bodyText} onChange={(e) => setBodyText(e.target.value)} data-testid="test-input" aria-label="Request JSON" />
            {jsonProblem
              ? <div className="field-hint problem">Not valid JSON: {jsonProblem}</div>
              : (
                <div className="field-hint row gap-8">
                  <span>{'{"data": [row, ...]}'}: one object per row, a key per input column.{maxRows ? ` Up to ${maxRows.toLocaleString('en')} rows.` : ''}</span>
                  <span className="header-spacer" />
                  <button type="button" className="link-btn" onClick={() => setBodyText(readableJson(JSON.parse(bodyText)))} data-testid="btn-test-format">Format</button>
                </div>
              )}
          </>
        ) : <RowForm key={resets} columns={columns} bodyText={bodyText} onBody={setBodyText} />}
        <div className="test-send-row">
          <span className="muted small" data-testid="test-as-user">Sent as you, without the endpoint key (scripts send the key to the scoring URL).</span>
          <button type="button" className="btn" onClick={() => { setBodyText(initialBody); setResult(null); setResets((n) => n + 1); }} data-testid="btn-test-reset">Reset</button>
          <button type="button" className="btn btn-primary" onClick={send} disabled={sending} data-testid="btn-test-send">
            <Icon name="play" size={13} /> {sending ? 'Sending…' : 'Send'}
          </button>
        </div>
      </div>
      <div className="test-response">
        <div className="section-title-row">
          <span className="section-title">Response</span>
          {result && result.data && <span className="muted small">200 OK · {Math.round(result.ms)} ms</span>}
        </div>
        <div className="test-result" data-testid="test-result" data-state={result ? (result.error ? 'error' : 'ok') : 'empty'} aria-live="polite">
          {result ? <ResponseView result={result} /> : <div className="empty-panel muted">Press Send to score the request with this endpoint.</div>}
        </div>
      </div>
    </div>
  );
}
