// One real-time endpoint, #/endpoints/<name>: its URL and key (shown once), rotate and delete,
// ready-to-copy client code, its input columns, and a Test tab that scores a request.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, describeError } from '../api/client.js';
import { CodeBlock, ShownOnceNote, UrlAndKey } from '../deploy/Copyable.jsx';
import { EndpointTest } from '../deploy/EndpointTest.jsx';
import { EndpointMonitor } from '../monitoring/EndpointMonitor.jsx';
import { forgetKey, peekKey } from '../deploy/keys.js';
import { endpointCurl, endpointPython, exampleRow, inputColumns, readableJson, scoringBody } from '../deploy/samples.js';
import { ConfirmDialog } from '../ui/Dialog.jsx';
import { StatusBadge, relativeTime } from '../ui/StatusBadge.jsx';
import { Icon } from '../ui/icons.jsx';
import { useToast } from '../ui/toast.jsx';
import { endpointHref, graphHref, modelHref, navigate, runHref } from '../ui/router.js';
import { TrafficCard, primaryDeployment } from '../workspace/TrafficCard.jsx';
import { AppHeader } from './AppHeader.jsx';
import { PageMessage } from './EditorPage.jsx';

/** The endpoint record, its typed input columns and the deployed graph document (for sample rows). */
function useEndpoint(name) {
  const [state, setState] = useState({ endpoint: null, swagger: null, document: null, error: null });
  useEffect(() => {
    let live = true;
    (async () => {
      let endpoint;
      try {
        endpoint = await api.getEndpoint(name);
      } catch (error) {
        if (live) setState((s) => ({ ...s, error }));
        return;
      }
      const [swagger, graph] = await Promise.allSettled([
        api.endpointSwagger(name),
        endpoint.graph_id ? api.getGraphRevision(endpoint.graph_id, endpoint.revision) : Promise.reject(new Error('no graph')),
      ]);
      if (!live) return;
      setState({
        endpoint,
        swagger: swagger.status === 'fulfilled' ? swagger.value : null,
        swaggerError: swagger.status === 'rejected' ? swagger.reason : null,
        document: graph.status === 'fulfilled' ? graph.value.document : null,
        error: null,
      });
    })();
    return () => { live = false; };
  }, [name]);
  return state;
}

function sampleRowsOf(document, input) {
  const node = ((document && document.nodes) || []).find((n) => n.id === input.node);
  try {
    const rows = JSON.parse((node && node.params && node.params.sample) || '[]');
    return Array.isArray(rows) ? rows : [];
  } catch {
    return [];
  }
}

export function EndpointPage({ name }) {
  const toast = useToast();
  const { endpoint, swagger, swaggerError, document, error } = useEndpoint(name);
  const [secret, setSecret] = useState(() => peekKey('endpoint', name));
  const [tab, setTab] = useState('consume');
  const [confirm, setConfirm] = useState(null); // 'rotate' | 'delete'
  const [busy, setBusy] = useState(false);

  // The key was handed over by the deploy dialog: this page shows it, then nothing keeps it.
  useEffect(() => { forgetKey('endpoint', name); }, [name]);

  const inputs = useMemo(() => (endpoint ? (endpoint.inputs || []).map((input) => {
    const columns = inputColumns(input, swagger);
    return { ...input, columns, example: exampleRow(columns, sampleRowsOf(document, input)[0]) };
  }) : []), [endpoint, swagger, document]);
  const primary = endpoint ? primaryDeployment(endpoint.deployment) : null;
  const entryScript = Boolean(primary && primary.kind === 'entry-script');
  const body = useMemo(() => (entryScript ? { data: [] }
    : scoringBody(Object.fromEntries(inputs.map((i) => [i.name, [i.example]])))), [inputs, entryScript]);

  const rotate = useCallback(async () => {
    setBusy(true);
    try {
      const rotated = await api.rotateEndpointKey(name);
      setSecret(rotated.key);
      toast('New key made; the old one no longer works.', 'success');
    } catch (e) {
      toast(describeError(e), 'error', 8000);
    } finally {
      setBusy(false);
    }
  }, [name, toast]);

  const remove = useCallback(async () => {
    try {
      await api.deleteEndpoint(name);
      toast(`Deleted endpoint ${name}`, 'success');
      navigate(endpointHref());
    } catch (e) {
      toast(describeError(e), 'error', 8000);
    }
  }, [name, toast]);

  if (error) {
    return (
      <PageMessage title={error.status === 404 ? 'Endpoint not found' : 'Cannot open this endpoint'} backHref={endpointHref()} backLabel="All endpoints">
        <p>{error.status === 404 ? `There is no endpoint named “${name}”. It may have been deleted.` : describeError(error)}</p>
      </PageMessage>
    );
  }
  if (!endpoint) return <div className="loading-screen">Loading endpoint…</div>;

  const source = document && document.metadata && document.metadata.inference;
  const columns = inputs.length ? inputs[0].columns : [];
  return (
    <div className="page" data-testid="endpoint-page">
      <AppHeader />
      <main className="page-body">
        <a className="back-link" href={endpointHref()}><Icon name="chevronLeft" size={14} /> All endpoints</a>
        <div className="page-title-row">
          <div className="min-0">
            <div className="row gap-8">
              <h1 className="wrap">{name}</h1>
              <StatusBadge status={endpoint.status} testId="endpoint-status" />
            </div>
            {endpoint.deployment && endpoint.deployment.kind === 'split' ? (
              <p className="muted">Real-time endpoint · {endpoint.deployment.deployments.length} deployments share its requests · updated {relativeTime(endpoint.updated_at)}</p>
            ) : entryScript ? (
              <p className="muted" data-testid="endpoint-model">
                Real-time endpoint · serves model <a href={modelHref(...endpoint.deployment.model.split(':'))}>{endpoint.deployment.model}</a> with
                {' '}its entry script (score.py) · updated {relativeTime(endpoint.updated_at)}
              </p>
            ) : (
            <p className="muted">
              Real-time endpoint · deployed {relativeTime(endpoint.created_at)} from{' '}
              <a href={graphHref(endpoint.graph_id)}>{(document && document.name) || 'its graph'}</a>
              {' '}(revision {endpoint.revision})
              {source && source.source_run_id && <> · models from <a href={runHref(source.source_run_id)}>run {source.source_run_id.slice(0, 8)}</a></>}
            </p>
            )}
          </div>
          <div className="row gap-8">
            <button type="button" className="btn" disabled={busy} onClick={() => setConfirm('rotate')} data-testid="btn-rotate-key">
              <Icon name="key" /> Rotate key
            </button>
            <button type="button" className="btn btn-danger-outline" onClick={() => setConfirm('delete')} data-testid="btn-delete-endpoint">
              <Icon name="trash" /> Delete
            </button>
          </div>
        </div>

        <section className="card connection-card">
          <div className="kv-grid">
            <UrlAndKey url={endpoint.url} secret={secret} testId="endpoint" />
            <span className="muted">OpenAPI</span>
            <span><a href={endpoint.swagger_url} target="_blank" rel="noreferrer" className="mono small">swagger.json</a></span>
          </div>
          {secret && <ShownOnceNote />}
          {swaggerError && <div className="callout callout-error small">This endpoint does not load: {describeError(swaggerError)}</div>}
        </section>

        {endpoint.deployment && endpoint.deployment.kind === 'split' && (
          <TrafficCard key={endpoint.updated_at} name={name} deployment={endpoint.deployment} onChanged={() => window.location.reload()} />
        )}

        <div className="tabs page-tabs" role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'consume'} className={`tab${tab === 'consume' ? ' active' : ''}`}
            onClick={() => setTab('consume')} data-testid="tab-consume">Consume</button>
          <button type="button" role="tab" aria-selected={tab === 'test'} className={`tab${tab === 'test' ? ' active' : ''}`}
            onClick={() => setTab('test')} data-testid="tab-test">Test</button>
          <button type="button" role="tab" aria-selected={tab === 'monitor'} className={`tab${tab === 'monitor' ? ' active' : ''}`}
            onClick={() => setTab('monitor')} data-testid="tab-monitor">Monitor</button>
        </div>

        <div hidden={tab !== 'consume'} className="tab-panel consume-panel">
          <CodeBlock title="curl" testId="sample-curl" code={endpointCurl(endpoint.url, secret, body)} />
          <CodeBlock title="Python" note="requests" testId="sample-python" code={endpointPython(endpoint.url, secret, body)} />
          {inputs.map((input) => (
            <div key={input.name} className="card schema-card">
              <div className="section-title-row">
                <span className="section-title">Input columns · {input.name}</span>
                <span className="muted small">{input.columns.length} columns, every one required</span>
              </div>
              <table className="data-table compact" data-testid="endpoint-schema">
                <thead><tr><th>Column</th><th>Type</th><th>Example</th></tr></thead>
                <tbody>
                  {input.columns.map((c) => (
                    <tr key={c.name}>
                      <td className="mono">{c.name}</td>
                      <td><span className="type-pill">{c.dtype}</span> <span className="muted small">{c.kind}</span></td>
                      <td className="mono">{JSON.stringify(input.example[c.name])}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
          {entryScript ? (
            <p className="muted small">The request body is passed as text to the entry script's <span className="mono">run(raw_data)</span>;
              the answer is what it returns. Errors come back as {'{"error": {"code", "message"}}'} with a 4xx status.</p>
          ) : (
          <p className="muted small">
            Answers {'{"predictions": [...]}'}, one per row: for a classifier {'{"label", "probabilities"}'}, for a regression the number.
            Azure ML's {'{"Inputs": {...}}'} request shape is accepted too. Errors come back as {'{"error": {"code", "message"}}'} with a 4xx status.
          </p>
          )}
        </div>
        <div hidden={tab !== 'test'} className="tab-panel">
          <EndpointTest name={name} columns={columns} initialBody={readableJson(body)} maxRows={endpoint.max_rows} />
        </div>
        {tab === 'monitor' && <div className="tab-panel"><EndpointMonitor name={name} /></div>}
      </main>
      {confirm === 'rotate' && (
        <ConfirmDialog title="Rotate the key?" confirmLabel="Rotate key" danger={false} onClose={() => setConfirm(null)} onConfirm={rotate}
          message={`A new key is made and shown once; clients still using the current key of “${name}” get 401 from now on.`} />
      )}
      {confirm === 'delete' && (
        <ConfirmDialog title="Delete endpoint?" onClose={() => setConfirm(null)} onConfirm={remove}
          message={`“${name}” stops answering at once and its key is forgotten. The graph it was deployed from is kept.`} />
      )}
    </div>
  );
}
