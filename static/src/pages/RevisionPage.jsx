// One old revision of a pipeline, #/graphs/<id>/revisions/<n>: its canvas, read-only, with a way back and a restore.
import { useEffect, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { describeError } from '../api/client.js';
import { workspaceApi } from '../api/workspace.js';
import { useCatalogue } from '../hooks/useCatalogue.js';
import { normaliseDocument } from '../model/document.js';
import { placeUnpositioned } from '../model/layout.js';
import { Canvas } from '../canvas/Canvas.jsx';
import { SidePanel } from '../panel/SidePanel.jsx';
import { useToast } from '../ui/toast.jsx';
import { graphHref, navigate } from '../ui/router.js';
import { AppHeader } from './AppHeader.jsx';
import { PageMessage } from './EditorPage.jsx';

const NO_SELECTION = { nodes: [], edges: [] };
const noEdit = () => {};

export function RevisionPage({ graphId, revision }) {
  const toast = useToast();
  const { catalogue, error: catalogueError } = useCatalogue();
  const [record, setRecord] = useState(null);
  const [error, setError] = useState(null);
  const [selection, setSelection] = useState(NO_SELECTION);
  useEffect(() => { workspaceApi.revision(graphId, revision).then(setRecord, setError); }, [graphId, revision]);
  const [doc, setDoc] = useState(null);
  useEffect(() => {
    if (!record || !catalogue) return undefined;
    let live = true;
    placeUnpositioned(normaliseDocument(record.document), catalogue.specOf).then((placed) => live && setDoc(placed));
    return () => { live = false; };
  }, [record, catalogue]);

  if (catalogueError) return <PageMessage title="Cannot load the component catalogue"><p>{describeError(catalogueError)}</p></PageMessage>;
  if (error) return <PageMessage title="Cannot open this revision"><p>{describeError(error)}</p></PageMessage>;
  if (!catalogue || !doc) return <div className="loading-screen">Loading revision…</div>;

  const restore = async () => {
    try {
      const restored = await workspaceApi.restoreRevision(graphId, revision);
      toast(`Revision ${revision} restored as revision ${restored.revision}`, 'success');
      navigate(graphHref(graphId));
    } catch (e) {
      toast(describeError(e), 'error');
    }
  };

  return (
    <ReactFlowProvider>
      <div className="editor run-page" data-testid="revision-page">
        <AppHeader>
          <span className="crumb-sep" aria-hidden="true">/</span>
          <a className="crumb" href={graphHref(graphId)}>{doc.name || 'Pipeline'}</a>
          <span className="crumb-sep" aria-hidden="true">/</span>
          <span className="crumb">revision {revision}</span>
          <div className="header-spacer" />
          <button type="button" className="btn btn-toolbar" onClick={restore} data-testid="btn-restore-this">Restore as newest</button>
          <a className="btn btn-toolbar" href={graphHref(graphId)}>Back to the current pipeline</a>
        </AppHeader>
        <div className="run-summary-bar"><span className="readonly-pill">Read-only · revision {revision}, saved {record.created_at ? new Date(record.created_at).toLocaleString() : ''}</span></div>
        <div className="editor-main">
          <div className="canvas-column">
            <Canvas doc={doc} catalogue={catalogue} readOnly edit={noEdit} selection={selection} setSelection={setSelection}
              runNodes={null} errorsByNode={null} onOpenOutput={noEdit} nodeActions={() => []} />
          </div>
          <SidePanel doc={doc} catalogue={catalogue} selection={selection} edit={noEdit} readOnly columns={null}
            errorsByNode={null} computeTargets={[]} runId={null} runNodes={null} onOpenOutput={noEdit} />
        </div>
      </div>
    </ReactFlowProvider>
  );
}
