// A past (or running) run, #/runs/<run_id>: the graph exactly as it was submitted, read-only,
// with each node's status and outputs.
import { Suspense, lazy, useCallback, useEffect, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { api, describeError } from '../api/client.js';
import { useCatalogue } from '../hooks/useCatalogue.js';
import { normaliseDocument } from '../model/document.js';
import { placeUnpositioned } from '../model/layout.js';
import { Canvas } from '../canvas/Canvas.jsx';
import { SidePanel } from '../panel/SidePanel.jsx';
import { RunPanel } from '../run/RunPanel.jsx';
import { isActive, useRun } from '../run/useRun.js';
import { StatusBadge, formatDuration, relativeTime } from '../ui/StatusBadge.jsx';
import { Icon } from '../ui/icons.jsx';
import { useToast } from '../ui/toast.jsx';
import { graphHref } from '../ui/router.js';
import { CloneRunButton, RunDetailsButton } from '../workspace/RunDetails.jsx';
import { AppHeader } from './AppHeader.jsx';
import { PageMessage } from './EditorPage.jsx';

const OutputViewer = lazy(() => import('../outputs/OutputViewer.jsx').then((m) => ({ default: m.OutputViewer })));

const NO_SELECTION = { nodes: [], edges: [] };
const noEdit = () => {};

export function RunPage({ runId }) {
  const toast = useToast();
  const { catalogue, error: catalogueError } = useCatalogue();
  const runState = useRun(runId);
  const { run, error } = runState;
  const [selection, setSelection] = useState(NO_SELECTION);
  const [viewer, setViewer] = useState(null);
  const [panelOpen, setPanelOpen] = useState(false);
  const [doc, setDoc] = useState(null);
  const runDocument = run && run.document;
  useEffect(() => {
    if (!runDocument || !catalogue) return undefined;
    let live = true;
    placeUnpositioned(normaliseDocument(runDocument), catalogue.specOf).then((placed) => live && setDoc(placed));
    return () => { live = false; };
  }, [runDocument, catalogue]);
  const openOutput = useCallback((nodeId, port) => setViewer({ nodeId, port }), []);

  if (catalogueError) return <PageMessage title="Cannot load the component catalogue"><p>{describeError(catalogueError)}</p></PageMessage>;
  if (error && !run) {
    return (
      <PageMessage title={error.status === 404 ? 'Run not found' : 'Cannot open this run'}>
        <p>{error.status === 404 ? `There is no run with id “${runId}”.` : describeError(error)}</p>
      </PageMessage>
    );
  }
  if (!catalogue || !run || !doc) return <div className="loading-screen">Loading run…</div>;

  const cancel = async () => {
    try {
      await api.cancelRun(run.run_id);
      runState.refresh();
    } catch (e) {
      toast(describeError(e), 'error');
    }
  };
  const params = Object.entries(run.parameters || {});
  const viewerPorts = viewer && run.nodes[viewer.nodeId] ? Object.keys(run.nodes[viewer.nodeId].outputs || {}) : [];
  const selectedNodeId = selection.nodes.length === 1 ? selection.nodes[0] : null;

  return (
    <ReactFlowProvider>
      <div className="editor run-page" data-testid="run-page">
        <AppHeader>
          <span className="crumb-sep" aria-hidden="true">/</span>
          {run.graph_id
            ? <a className="crumb" href={graphHref(run.graph_id)} title="Open the pipeline">{doc.name || 'Pipeline'}</a>
            : <span className="crumb">{doc.name || 'Pipeline'}</span>}
          <span className="crumb-sep" aria-hidden="true">/</span>
          <span className="crumb mono" title={run.run_id}>{run.display_name || run.run_id.slice(0, 8)}</span>
          <StatusBadge status={run.status} testId="run-status" />
          <div className="header-spacer" />
          <RunDetailsButton run={run} onSaved={runState.refresh} />
          <CloneRunButton runId={run.run_id} />
          {run.graph_id && (
            <a className="btn btn-toolbar" href={graphHref(run.graph_id)} data-testid="btn-open-graph"><Icon name="open" /> Open pipeline</a>
          )}
        </AppHeader>
        <div className="run-summary-bar">
          <span className="readonly-pill">Read-only · the graph as submitted{run.revision ? ` (revision ${run.revision})` : ''}</span>
          <span><span className="muted">Started</span> {relativeTime(run.started_at || run.created_at)}</span>
          <span><span className="muted">Duration</span> {formatDuration(run.started_at, run.finished_at)}</span>
          <span><span className="muted">Compute</span> {run.compute || '—'}</span>
          <span><span className="muted">Experiment</span> {run.experiment || '—'}</span>
          <span className="ellipsis" title={params.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}>
            <span className="muted">Parameters</span> {params.length ? params.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ') : 'defaults'}
          </span>
          {isActive(run.status) && (
            <button type="button" className="btn btn-small btn-danger-outline" data-testid="btn-cancel" onClick={cancel}><Icon name="stop" size={13} /> Cancel</button>
          )}
        </div>
        {run.error && <div className="callout callout-error run-error-banner">{run.error}</div>}
        <div className="editor-main">
          <div className="canvas-column">
            <Canvas doc={doc} catalogue={catalogue} readOnly edit={noEdit} selection={selection} setSelection={setSelection}
              runNodes={run.nodes} errorsByNode={null} onOpenOutput={openOutput} nodeActions={() => []} />
            <RunPanel runState={runState} selectedNodeId={selectedNodeId} doc={doc} graphId={null}
              onSelectNode={(id) => setSelection({ nodes: [id], edges: [] })} historyKey={0} open={panelOpen} setOpen={setPanelOpen} />
          </div>
          <SidePanel doc={doc} catalogue={catalogue} selection={selection} edit={noEdit} readOnly columns={null}
            errorsByNode={null} computeTargets={[]} runId={run.run_id} runNodes={run.nodes} onOpenOutput={openOutput} preferOutputs />
        </div>
        {viewer && (
          <Suspense fallback={null}><OutputViewer runId={run.run_id} nodeId={viewer.nodeId} port={viewer.port} ports={viewerPorts}
            onPort={(port) => setViewer((v) => ({ ...v, port }))} onClose={() => setViewer(null)} /></Suspense>
        )}
      </div>
    </ReactFlowProvider>
  );
}
