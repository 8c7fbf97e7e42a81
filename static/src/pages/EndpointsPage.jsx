// The deployed real-time endpoints, #/endpoints: name, the graph each serves, health, age.
import { useCallback, useEffect, useState } from 'react';
import { api, describeError } from '../api/client.js';
import { ConfirmDialog } from '../ui/Dialog.jsx';
import { StatusBadge, relativeTime } from '../ui/StatusBadge.jsx';
import { useToast } from '../ui/toast.jsx';
import { endpointHref, graphHref, navigate } from '../ui/router.js';
import { ListState } from '../ui/ListState.jsx';
import { DeleteButton, NameCell, PageTitle } from '../ui/ListTable.jsx';
import { AppHeader } from './AppHeader.jsx';

/** The name of each graph by id, null until known; a graph missing from the list was deleted. */
export function useGraphNames() {
  const [names, setNames] = useState(null);
  useEffect(() => {
    api.listGraphs().then((d) => setNames(Object.fromEntries((d.graphs || []).map((g) => [g.id, g.name]))), () => setNames({}));
  }, []);
  return names;
}

/** A link to the graph a record came from, or plain text when that graph was deleted. */
export function GraphLink({ graphId, names, revision }) {
  const name = names ? names[graphId] : undefined;
  return (
    <>
      {names && name === undefined
        ? <span className="muted">deleted graph</span>
        : <a href={graphHref(graphId)} onClick={(e) => e.stopPropagation()}>{name || 'Graph'}</a>}
      {revision !== undefined && revision !== null && <span className="muted small"> · rev {revision}</span>}
    </>
  );
}

export function EndpointsPage() {
  const toast = useToast();
  const [endpoints, setEndpoints] = useState(null);
  const [error, setError] = useState(null);
  const [confirm, setConfirm] = useState(null);
  const graphNames = useGraphNames();

  const refresh = useCallback(() => {
    api.listEndpoints().then((d) => { setEndpoints(d.endpoints || []); setError(null); }, setError);
  }, []);
  useEffect(() => { refresh(); }, [refresh]);

  const remove = async (name) => {
    try {
      await api.deleteEndpoint(name);
      toast(`Deleted endpoint ${name}`, 'success');
      refresh();
    } catch (e) {
      toast(describeError(e), 'error');
    }
  };

  return (
    <div className="page">
      <AppHeader />
      <main className="page-body">
        <PageTitle title="Endpoints" subtitle="Real-time inference pipelines served over HTTP: send rows, get predictions back." />
        <ListState items={endpoints} error={error} what="endpoints" icon="rocket" title="No endpoints yet"
          testId="endpoints-empty">
          <p>Run a training pipeline, then choose <strong>Create inference pipeline ▸ Real-time</strong> and press
            <strong> Deploy</strong> in the new pipeline.</p>
          <a className="btn" href="#/">Go to pipelines</a>
        </ListState>
        {endpoints && endpoints.length > 0 && (
          <table className="data-table graph-table">
            <thead>
              <tr><th>Name</th><th>Deployed from</th><th>Status</th><th>Created</th><th className="actions-col" aria-label="Actions" /></tr>
            </thead>
            <tbody>
              {endpoints.map((ep) => (
                <tr key={ep.name} data-testid={`endpoint-row-${ep.name}`} className="clickable" onClick={() => navigate(endpointHref(ep.name))}>
                  <NameCell href={endpointHref(ep.name)} name={ep.name} detail={ep.url} mono />
                  <td><GraphLink graphId={ep.graph_id} names={graphNames} revision={ep.revision} /></td>
                  <td><StatusBadge status={ep.status} /></td>
                  <td className="muted" title={ep.created_at || ''}>{relativeTime(ep.created_at)}</td>
                  <td className="actions-col">
                    <div className="row-actions">
                      <a className="btn btn-small" href={endpointHref(ep.name)} onClick={(e) => e.stopPropagation()}>Open</a>
                      <DeleteButton label={`Delete ${ep.name}`} onClick={() => setConfirm(ep.name)} />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
      {confirm && (
        <ConfirmDialog title="Delete endpoint?" onClose={() => setConfirm(null)} onConfirm={() => remove(confirm)}
          message={`“${confirm}” stops answering at once and its key is forgotten. The graph it was deployed from is kept.`} />
      )}
    </div>
  );
}
