// The toolbar slot for the training → production lifecycle: create an inference pipeline
// (real-time or batch) from a run, publish the pipeline, deploy a real-time endpoint.
// An action the server does not offer (404/405) is disabled instead of failing again.
import { Fragment, useEffect, useRef, useState } from 'react';
import { api, describeError } from '../api/client.js';
import { Dialog } from '../ui/Dialog.jsx';
import { Icon } from '../ui/icons.jsx';
import { useToast } from '../ui/toast.jsx';
import { graphHref, navigate } from '../ui/router.js';

function SecretResult({ title, rows, secret, onClose }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Dialog title={title} onClose={onClose} testId="deploy-result"
      footer={<button type="button" className="btn btn-primary" onClick={onClose}>Done</button>}>
      <div className="kv-grid">
        {rows.map(([k, v]) => (<Fragment key={k}><span className="muted">{k}</span><span className="mono wrap">{String(v)}</span></Fragment>))}
      </div>
      {secret && (
        <div className="secret-box">
          <div className="field-label"><Icon name="key" size={14} /> Key — shown this once</div>
          <div className="row gap-8">
            <input className="input mono" readOnly value={secret} data-testid="secret-key" onFocus={(e) => e.target.select()} />
            <button type="button" className="btn" onClick={copy} data-testid="btn-copy-key">{copied ? 'Copied' : 'Copy'}</button>
          </div>
          <div className="field-hint">Store it now: only its hash is kept, so it cannot be shown again.</div>
        </div>
      )}
    </Dialog>
  );
}

export function DeployActions({ graphId, doc, latestRunId, flush }) {
  const toast = useToast();
  const [menu, setMenu] = useState(false);
  const [unavailable, setUnavailable] = useState({});
  const [result, setResult] = useState(null);
  const [deployName, setDeployName] = useState(null);
  const [busy, setBusy] = useState(false);
  const menuRef = useRef(null);

  useEffect(() => {
    if (!menu) return undefined;
    const close = (e) => { if (menuRef.current && !menuRef.current.contains(e.target)) setMenu(false); };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [menu]);

  const attempt = async (key, call) => {
    setBusy(true);
    try {
      if (!(await flush())) throw new Error('Save the pipeline first (it has unsaved or conflicting changes).');
      return await call();
    } catch (e) {
      if (e.status === 404 || e.status === 405) {
        setUnavailable((u) => ({ ...u, [key]: true }));
        toast('This server does not offer that action yet.', 'warning');
      } else toast(describeError(e), 'error', 8000);
      return null;
    } finally {
      setBusy(false);
    }
  };

  const createInference = async (kind) => {
    setMenu(false);
    if (!latestRunId) {
      toast('Run the training pipeline successfully first; the inference pipeline is built from that run.', 'warning', 7000);
      return;
    }
    const created = await attempt('inference', () => api.inferenceGraph(graphId, kind, latestRunId));
    if (created && created.graph_id) {
      toast(`Created the ${kind === 'realtime' ? 'real-time' : 'batch'} inference pipeline.`, 'success');
      navigate(graphHref(created.graph_id));
    }
  };

  const publish = async () => {
    const published = await attempt('publish', () => api.publish(graphId));
    if (published) {
      setResult({ title: 'Pipeline published', rows: [['Pipeline', published.pipeline_id], ['Version', published.version], ['Run URL', published.url]], secret: published.key });
    }
  };

  const deploy = async () => {
    const name = deployName.trim();
    setDeployName(null);
    const deployed = await attempt('deploy', () => api.deployEndpoint(name, graphId));
    if (deployed) setResult({ title: 'Endpoint deployed', rows: [['Endpoint', deployed.name], ['Scoring URL', deployed.url]], secret: deployed.key });
  };

  const slug = (doc.name || 'pipeline').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'endpoint';
  return (
    <div className="toolbar-group" data-testid="deploy-actions">
      <div className="menu-anchor" ref={menuRef}>
        <button type="button" className="btn btn-toolbar" disabled={busy || unavailable.inference} data-testid="btn-inference"
          aria-haspopup="menu" aria-expanded={menu} onClick={() => setMenu(!menu)} title="Create an inference pipeline from the latest run">
          <Icon name="bolt" /> Create inference pipeline <Icon name="chevronDown" size={13} />
        </button>
        {menu && (
          <div className="dropdown-menu" role="menu">
            <button type="button" role="menuitem" className="menu-item" data-testid="btn-inference-realtime" onClick={() => createInference('realtime')}>
              <span>Real-time inference pipeline</span>
            </button>
            <button type="button" role="menuitem" className="menu-item" data-testid="btn-inference-batch" onClick={() => createInference('batch')}>
              <span>Batch inference pipeline</span>
            </button>
          </div>
        )}
      </div>
      <button type="button" className="btn btn-toolbar" disabled={busy || unavailable.publish} onClick={publish} data-testid="btn-publish"
        title="Publish as a versioned pipeline URL">
        <Icon name="share" /> Publish
      </button>
      <button type="button" className="btn btn-toolbar" disabled={busy || unavailable.deploy} onClick={() => setDeployName(slug)} data-testid="btn-deploy"
        title="Deploy this real-time inference pipeline as a scoring endpoint">
        <Icon name="rocket" /> Deploy
      </button>
      {deployName !== null && (
        <Dialog title="Deploy real-time endpoint" onClose={() => setDeployName(null)}
          footer={(
            <>
              <button type="button" className="btn" onClick={() => setDeployName(null)}>Cancel</button>
              <button type="submit" form="deploy-form" className="btn btn-primary" data-testid="btn-deploy-confirm" disabled={!deployName.trim()}>Deploy</button>
            </>
          )}>
          <form id="deploy-form" onSubmit={(e) => { e.preventDefault(); deploy(); }}>
            <label className="field-label" htmlFor="endpoint-name">Endpoint name</label>
            <input id="endpoint-name" className="input" value={deployName} data-testid="endpoint-name" onChange={(e) => setDeployName(e.target.value)} />
            <div className="field-hint">Clients call POST /endpoints/&lt;name&gt;/score with the key you get next.</div>
          </form>
        </Dialog>
      )}
      {result && <SecretResult {...result} onClose={() => setResult(null)} />}
    </div>
  );
}
