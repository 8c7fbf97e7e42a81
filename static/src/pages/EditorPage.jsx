// The pipeline editor route (#/graphs/<id>): loads the catalogue and the graph, then the workspace.
import { ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCatalogue } from '../hooks/useCatalogue.js';
import { useGraphDocument } from '../hooks/useGraphDocument.js';
import { describeError } from '../api/client.js';
import { useToast } from '../ui/toast.jsx';
import { AppHeader } from './AppHeader.jsx';
import { EditorWorkspace } from './EditorWorkspace.jsx';

export function PageMessage({ title, children, backHref = '#/', backLabel = 'Back to pipelines' }) {
  return (
    <div className="page">
      <AppHeader />
      <main className="page-body">
        <div className="empty-state">
          <h2>{title}</h2>
          {children}
          <a className="btn" href={backHref}>{backLabel}</a>
        </div>
      </main>
    </div>
  );
}

export function EditorPage({ graphId }) {
  const toast = useToast();
  const { catalogue, error } = useCatalogue();
  const graph = useGraphDocument(graphId, { onError: (message) => toast(message, 'error') });

  if (error) return <PageMessage title="Cannot load the component catalogue"><p>{describeError(error)}</p></PageMessage>;
  if (graph.load.status === 'error') {
    return (
      <PageMessage title={graph.load.error.status === 404 ? 'Pipeline not found' : 'Cannot open this pipeline'}>
        <p>{graph.load.error.status === 404 ? `There is no pipeline with id “${graphId}”. It may have been deleted.` : describeError(graph.load.error)}</p>
      </PageMessage>
    );
  }
  if (!catalogue || !graph.doc) return <div className="loading-screen">Loading pipeline…</div>;
  return (
    <ReactFlowProvider>
      <EditorWorkspace graphId={graphId} catalogue={catalogue} graph={graph} />
    </ReactFlowProvider>
  );
}
