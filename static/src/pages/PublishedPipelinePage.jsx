// One published pipeline, #/published/<pipeline_id>: its URL and key (shown once), enable/disable,
// key rotation, versions (which one is the default), client code, a trial run, and its runs.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, describeError } from '../api/client.js';
import { CodeBlock, ShownOnceNote, UrlAndKey } from '../deploy/Copyable.jsx';
import { forgetKey, peekKey } from '../deploy/keys.js';
import { defaultParameters, pipelineCurl, pipelinePython } from '../deploy/samples.js';
import { ConfirmDialog } from '../ui/Dialog.jsx';
import { StatusBadge, formatDuration, relativeTime } from '../ui/StatusBadge.jsx';
import { Icon } from '../ui/icons.jsx';
import { useToast } from '../ui/toast.jsx';
import { publishedHref, runHref } from '../ui/router.js';
import { AppHeader } from './AppHeader.jsx';
import { PageMessage } from './EditorPage.jsx';
import { GraphLink, useGraphNames } from './EndpointsPage.jsx';
import { EnabledBadge } from './PublishedPage.jsx';
import { PipelineSchedules } from '../schedules/SchedulesTable.jsx';

const ACTIVE = ['queued', 'running'];

function TrialRun({ pipeline, parameters, sessionKey, onStarted }) {
  const [text, setText] = useState(() => JSON.stringify(parameters, null, 2));
  const [version, setVersion] = useState('');
  const [typedKey, setTypedKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(null);
  const key = sessionKey || typedKey.trim();

  const start = async () => {
    let values;
    try {
      values = JSON.parse(text);
      if (!values || typeof values !== 'object' || Array.isArray(values)) throw new Error('the parameters must be a JSON object');
    } catch (e) {
      setResult({ error: `The parameters are not valid: ${e.message}` });
      return;
    }
    if (!key) {
      setResult({ error: 'Enter the pipeline key first: it was shown once when the pipeline was published or its key last rotated.' });
      return;
    }
    setBusy(true);
    try {
      const body = { parameters: values, ...(version ? { version: Number(version) } : {}) };
      const started = await api.runPublished(pipeline.pipeline_id, key, body);
      setResult({ run: started });
      onStarted();
    } catch (e) {
      setResult({ error: e.message, status: e.status, code: e.code });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="trial-run">
      <div className="trial-run-grid">
        <div>
          <label className="field-label" htmlFor="trial-parameters">Parameters</label>
          <textarea id="trial-parameters" className="input textarea mono" rows={Math.min(10, 3 + Object.keys(parameters).length)} spellCheck={false}
            value={text} onChange={(e) => setText(e.target.value)} data-testid="trial-parameters" />
        </div>
        <div>
          <label className="field-label" htmlFor="trial-version">Version</label>
          <select id="trial-version" className="input" value={version} onChange={(e) => setVersion(e.target.value)} data-testid="trial-version">
            <option value="">Default (v{pipeline.default_version})</option>
            {pipeline.versions.map((v) => <option key={v.version} value={v.version}>v{v.version}</option>)}
          </select>
          {!sessionKey && (
            <>
              <label className="field-label trial-key-label" htmlFor="trial-key">Key</label>
              <input id="trial-key" className="input mono" type="password" autoComplete="off" placeholder="Pipeline key"
                value={typedKey} onChange={(e) => setTypedKey(e.target.value)} data-testid="trial-key-input" />
            </>
          )}
          <button type="button" className="btn btn-primary trial-run-btn" onClick={start} disabled={busy || !pipeline.enabled}
            data-testid="btn-trial-run" title={pipeline.enabled ? undefined : 'Enable the pipeline to run it'}>
            <Icon name="play" size={13} /> {busy ? 'Starting…' : 'Run'}
          </button>
        </div>
      </div>
      {result && result.error && (
        <div className="callout callout-error" role="alert" data-testid="trial-result">
          {result.status ? <strong>{result.status} · {result.code} </strong> : null}{result.error}
        </div>
      )}
      {result && result.run && (
        <div className="trial-started" data-testid="trial-result">
          <Icon name="check" size={14} /> Run <a className="mono" href={runHref(result.run.run_id)}>{result.run.run_id}</a> started on version {result.run.version}.
        </div>
      )}
    </div>
  );
}

export function PublishedPipelinePage({ pipelineId }) {
  const toast = useToast();
  const graphNames = useGraphNames();
  const [pipeline, setPipeline] = useState(null);
  const [error, setError] = useState(null);
  const [document, setDocument] = useState(undefined); // the default version's graph document; null when gone
  const [secret, setSecret] = useState(() => peekKey('pipeline', pipelineId));
  const [confirmRotate, setConfirmRotate] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => { forgetKey('pipeline', pipelineId); }, [pipelineId]);

  const refresh = useCallback(() => api.getPipeline(pipelineId).then((p) => { setPipeline(p); setError(null); }, setError), [pipelineId]);
  useEffect(() => { refresh(); }, [refresh]);

  // Runs started from outside show up here: poll while any is still going.
  const active = pipeline && pipeline.runs.some((r) => ACTIVE.includes(r.status));
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(refresh, 2000);
    return () => clearInterval(timer);
  }, [active, refresh]);

  const defaultVersion = pipeline && pipeline.versions.find((v) => v.version === pipeline.default_version);
  useEffect(() => {
    if (!defaultVersion || !defaultVersion.graph_id) return;
    api.getGraphRevision(defaultVersion.graph_id, defaultVersion.revision)
      .then((g) => setDocument(g.document), () => setDocument(null));
  }, [defaultVersion && defaultVersion.graph_id, defaultVersion && defaultVersion.revision]); // eslint-disable-line react-hooks/exhaustive-deps
  const parameters = useMemo(() => defaultParameters(document), [document]);

  const act = async (call, success) => {
    setBusy(true);
    try {
      const answer = await call();
      if (success) toast(success, 'success');
      await refresh();
      return answer;
    } catch (e) {
      toast(describeError(e), 'error', 8000);
      return null;
    } finally {
      setBusy(false);
    }
  };
  const toggle = () => act(() => api.setPipelineEnabled(pipelineId, !pipeline.enabled),
    pipeline.enabled ? 'Disabled: calls to its URL are refused until you enable it again.' : 'Enabled: its URL runs again.');
  const makeDefault = (version) => act(() => api.setDefaultVersion(pipelineId, version), `Version ${version} is now the default.`);
  const rotate = async () => {
    const answer = await act(() => api.rotatePipelineKey(pipelineId), 'New key made; the old one no longer works.');
    if (answer) setSecret(answer.key);
  };

  if (error && !pipeline) {
    return (
      <PageMessage title={error.status === 404 ? 'Published pipeline not found' : 'Cannot open this published pipeline'}
        backHref={publishedHref()} backLabel="All published pipelines">
        <p>{error.status === 404 ? `There is no published pipeline with id “${pipelineId}”.` : describeError(error)}</p>
      </PageMessage>
    );
  }
  if (!pipeline) return <div className="loading-screen">Loading published pipeline…</div>;

  return (
    <div className="page" data-testid="published-pipeline-page">
      <AppHeader />
      <main className="page-body">
        <a className="back-link" href={publishedHref()}><Icon name="chevronLeft" size={14} /> All published pipelines</a>
        <div className="page-title-row">
          <div className="min-0">
            <div className="row gap-8">
              <h1 className="wrap">{pipeline.name}</h1>
              <EnabledBadge enabled={pipeline.enabled} testId="pipeline-enabled" />
            </div>
            <p className="muted">
              Published pipeline · {pipeline.versions.length} version{pipeline.versions.length === 1 ? '' : 's'} · first published {relativeTime(pipeline.created_at)} · id <span className="mono">{pipeline.pipeline_id}</span>
            </p>
          </div>
          <div className="row gap-8">
            <button type="button" role="switch" aria-checked={pipeline.enabled} className={`switch-btn${pipeline.enabled ? ' on' : ''}`}
              disabled={busy} onClick={toggle} data-testid="btn-toggle-enabled" title={pipeline.enabled ? 'Disable: refuse calls to its URL' : 'Enable: accept calls to its URL'}>
              <span className="switch-track" aria-hidden="true"><span className="switch-thumb" /></span>
              {pipeline.enabled ? 'Enabled' : 'Disabled'}
            </button>
            <button type="button" className="btn" disabled={busy} onClick={() => setConfirmRotate(true)} data-testid="btn-rotate-key">
              <Icon name="key" /> Rotate key
            </button>
          </div>
        </div>

        {!pipeline.enabled && (
          <div className="callout callout-warning">This pipeline is disabled: <span className="mono">POST {pipeline.url}</span> answers 409 until you enable it.</div>
        )}
        <section className="card connection-card">
          <div className="kv-grid">
            <UrlAndKey url={pipeline.url} secret={secret} testId="pipeline" />
            <span className="muted">Default version</span>
            <span>v{pipeline.default_version}</span>
          </div>
          {secret && <ShownOnceNote />}
        </section>

        <h2 className="section-heading">Call it</h2>
        <p className="muted small">
          POST {'{"parameters": {...}}'} (add {'"version": N'} to run another version than the default) → 202 {'{"run_id", "status_url"}'}; GET the status URL with the same key.
          {document === null && ' The graph of the default version was deleted, so its parameters are not listed here.'}
        </p>
        <CodeBlock title="curl" testId="sample-curl" code={pipelineCurl(pipeline.url, secret, parameters)} />
        <CodeBlock title="Python" note="requests" testId="sample-python" code={pipelinePython(pipeline.url, secret, parameters)} />

        <h2 className="section-heading">Try it</h2>
        <div className="card">
          {document !== undefined || !defaultVersion
            ? <TrialRun pipeline={pipeline} parameters={parameters} sessionKey={secret} onStarted={refresh} />
            : <div className="muted">Loading parameters…</div>}
        </div>

        <h2 className="section-heading">Versions</h2>
        <table className="data-table graph-table" data-testid="pipeline-versions">
          <thead><tr><th>Version</th><th>Published from</th><th>Published</th><th className="actions-col" aria-label="Default" /></tr></thead>
          <tbody>
            {[...pipeline.versions].reverse().map((v) => (
              <tr key={v.version} data-testid={`version-row-${v.version}`}>
                <td className="strong">v{v.version}</td>
                <td>{v.graph_id ? <GraphLink graphId={v.graph_id} names={graphNames} revision={v.revision} /> : <span className="muted">—</span>}</td>
                <td className="muted" title={v.created_at || ''}>{relativeTime(v.created_at)}</td>
                <td className="actions-col">
                  {v.version === pipeline.default_version
                    ? <span className="default-pill" data-testid="default-version"><Icon name="check" size={12} /> Default</span>
                    : <button type="button" className="btn btn-small" disabled={busy} onClick={() => makeDefault(v.version)}
                      data-testid={`btn-set-default-${v.version}`}>Set as default</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>

        <PipelineSchedules pipelineId={pipelineId} defaults={parameters} />

        <h2 className="section-heading">Runs</h2>
        {pipeline.runs.length === 0 ? (
          <div className="card muted" data-testid="pipeline-runs-empty">No runs yet. Call the URL above (or use Try it) to start one.</div>
        ) : (
          <table className="data-table graph-table" data-testid="pipeline-runs">
            <thead><tr><th>Status</th><th>Run</th><th>Version</th><th>Parameters</th><th>Started · duration</th></tr></thead>
            <tbody>
              {pipeline.runs.map((r) => {
                const params = Object.entries(r.parameters || {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
                return (
                  <tr key={r.run_id} data-testid={`published-run-${r.run_id}`}>
                    <td><StatusBadge status={r.status} /></td>
                    <td><a className="mono" href={runHref(r.run_id)}>{r.run_id.slice(0, 12)}</a></td>
                    <td>v{r.pipeline_version}</td>
                    <td className="mono small ellipsis-cell" title={params}>{params || <span className="muted">defaults</span>}</td>
                    <td title={r.created_at}>{relativeTime(r.started_at || r.created_at)}<span className="muted"> · {formatDuration(r.started_at, r.finished_at)}</span></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </main>
      {confirmRotate && (
        <ConfirmDialog title="Rotate the key?" confirmLabel="Rotate key" danger={false} onClose={() => setConfirmRotate(false)} onConfirm={rotate}
          message={`A new key is made and shown once; callers still using the current key of “${pipeline.name}” get 401 from now on.`} />
      )}
    </div>
  );
}
