// The editor's slot for the training → production lifecycle. What it offers depends on the graph:
// a training pipeline can be turned into an inference pipeline (real-time or batch) from its latest
// completed run, or published; a real-time inference pipeline can be deployed as an endpoint; a batch
// one can be published. Deploying and publishing open the new endpoint's or pipeline's page with
// its key shown once.
import { useState } from 'react';
import { api, describeError } from '../api/client.js';
import { Icon } from '../ui/icons.jsx';
import { useToast } from '../ui/toast.jsx';
import { endpointHref, graphHref, navigate, publishedHref, runHref } from '../ui/router.js';
import { DeployDialog } from './DeployDialog.jsx';
import { PublishDialog } from './PublishDialog.jsx';
import { rememberKey } from './keys.js';
import { useDropdown } from '../ui/useDropdown.js';

/** True when the node's component declares `role` in /api/components (e.g. 'web-service-input'). */
function playsRole(catalogue, node, role) {
  const spec = catalogue && catalogue.specOf(node.component);
  return Boolean(spec && (spec.roles || []).includes(role));
}

/** 'realtime' (it has a web-service input, so it can serve), 'batch' (made for batch scoring) or 'training'. */
export function pipelineKind(doc, catalogue) {
  if ((doc.nodes || []).some((n) => playsRole(catalogue, n, 'web-service-input'))) return 'realtime';
  const made = doc.metadata && doc.metadata.inference;
  return made && made.kind === 'batch' ? 'batch' : 'training';
}

function InferenceMenu({ busy, onCreate }) {
  const [open, setOpen, box] = useDropdown();
  const pick = (kind) => { setOpen(false); onCreate(kind); };
  return (
    <div className="menu-anchor" ref={box}>
      <button type="button" className="btn btn-toolbar" disabled={busy} data-testid="btn-inference"
        aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} title="Create an inference pipeline from the latest completed run">
        <Icon name="bolt" /> Create inference pipeline <Icon name="chevronDown" size={13} />
      </button>
      {open && (
        <div className="dropdown-menu dropdown-right inference-menu" role="menu">
          <button type="button" role="menuitem" className="menu-item menu-item-described" data-testid="btn-inference-realtime" onClick={() => pick('realtime')}>
            <span className="strong">Real-time</span>
            <span className="muted small">Scores rows sent over HTTP; deploy it as an endpoint</span>
          </button>
          <button type="button" role="menuitem" className="menu-item menu-item-described" data-testid="btn-inference-batch" onClick={() => pick('batch')}>
            <span className="strong">Batch</span>
            <span className="muted small">Scores a whole dataset; publish it and run it with parameters</span>
          </button>
        </div>
      )}
    </div>
  );
}

export function DeployActions({ graphId, doc, catalogue, latestRunId, flush }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState(null); // 'deploy' | 'publish'
  const kind = pipelineKind(doc, catalogue);
  const made = doc.metadata && doc.metadata.inference;

  const saved = async () => {
    if (!(await flush())) throw new Error('Save the pipeline first (it has unsaved or conflicting changes).');
  };

  const createInference = async (which) => {
    if (!latestRunId) {
      toast('Run this pipeline to completion first: the inference pipeline is built from that run’s trained models.', 'warning', 7000);
      return;
    }
    setBusy(true);
    try {
      await saved();
      const created = await api.inferenceGraph(graphId, which, latestRunId);
      toast(which === 'realtime'
        ? 'Created the real-time inference pipeline. Press Deploy to serve it.'
        : 'Created the batch inference pipeline. Publish it to run it with parameters.', 'success', 6000);
      navigate(graphHref(created.graph_id));
    } catch (e) {
      toast(describeError(e), 'error', 8000);
    } finally {
      setBusy(false);
    }
  };

  // Errors propagate to the dialog, which shows them and stays open.
  const deploy = async (name) => {
    await saved();
    const deployed = await api.deployEndpoint(name, graphId);
    rememberKey('endpoint', deployed.name, deployed.key);
    toast(`Deployed endpoint ${deployed.name}`, 'success');
    navigate(endpointHref(deployed.name));
  };

  const publish = async (body) => {
    await saved();
    const published = await api.publish(graphId, body);
    rememberKey('pipeline', published.pipeline_id, published.key);
    toast(published.version === 1 ? `Published ${published.name}` : `Published version ${published.version} of ${published.name}`, 'success');
    navigate(publishedHref(published.pipeline_id));
  };

  return (
    <div className="toolbar-group" data-testid="deploy-actions" data-kind={kind}>
      {made && made.source_run_id && (
        <a className="kind-pill" href={runHref(made.source_run_id)} data-testid="inference-source"
          title="Its models and transformations come from this training run">
          {kind === 'realtime' ? 'Real-time inference' : 'Batch inference'} · from run {made.source_run_id.slice(0, 8)}
        </a>
      )}
      {kind === 'training' && <InferenceMenu busy={busy} onCreate={createInference} />}
      {kind !== 'realtime' && (
        <button type="button" className="btn btn-toolbar" disabled={busy} onClick={() => setDialog('publish')} data-testid="btn-publish"
          title="Publish as a versioned URL that runs this pipeline with new parameters">
          <Icon name="share" /> Publish
        </button>
      )}
      {kind === 'realtime' && (
        <button type="button" className="btn btn-toolbar btn-deploy" disabled={busy} onClick={() => setDialog('deploy')} data-testid="btn-deploy"
          title="Deploy this real-time inference pipeline as a scoring endpoint">
          <Icon name="rocket" /> Deploy
        </button>
      )}
      {dialog === 'deploy' && <DeployDialog doc={doc} onDeploy={deploy} onClose={() => setDialog(null)} />}
      {dialog === 'publish' && <PublishDialog doc={doc} onPublish={publish} onClose={() => setDialog(null)} />}
    </div>
  );
}
