// The editor's history panel: every saved revision of the pipeline; for one, what it changed, a read-only view,
// and "Restore" (its document saved again as the newest revision; nothing is rewritten).
import { useEffect, useState } from 'react';
import { describeError } from '../api/client.js';
import { workspaceApi } from '../api/workspace.js';
import { relativeTime } from '../ui/StatusBadge.jsx';
import { Icon } from '../ui/icons.jsx';
import { useToast } from '../ui/toast.jsx';
import { DiffSummary } from './DiffSummary.jsx';

export const revisionHref = (graphId, revision) => `#/graphs/${encodeURIComponent(graphId)}/revisions/${revision}`;

export function RevisionsPanel({ graphId, flush, onRestored, onClose }) {
  const toast = useToast();
  const [revisions, setRevisions] = useState(null);
  const [error, setError] = useState(null);
  const [chosen, setChosen] = useState(null);
  const [diffs, setDiffs] = useState({});
  const [busy, setBusy] = useState(false);

  const load = () => workspaceApi.revisions(graphId).then((d) => { setRevisions(d.revisions); setError(null); }, setError);
  useEffect(() => { if (flush) flush().finally(load); else load(); }, [graphId]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (chosen === null || diffs[chosen]) return;
    Promise.all([workspaceApi.revisionDiff(graphId, chosen), workspaceApi.revisionDiff(graphId, chosen, 'current')])
      .then(([own, current]) => setDiffs((d) => ({ ...d, [chosen]: { own: own.diff, current: current.diff } })),
        (e) => toast(describeError(e), 'error'));
  }, [chosen, graphId, diffs, toast]);

  const newest = revisions && revisions.length ? revisions[0].revision : null;
  const restore = async (revision) => {
    setBusy(true);
    try {
      if (flush && !(await flush())) throw new Error('your latest edits could not be saved first');
      const restored = await workspaceApi.restoreRevision(graphId, revision);
      toast(`Revision ${revision} restored as revision ${restored.revision}`, 'success');
      setDiffs({});
      setChosen(null);
      await load();
      onRestored();
    } catch (e) {
      toast(`Not restored: ${describeError(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside className="revisions-panel" aria-label="Revision history" data-testid="revisions-panel">
      <div className="revisions-head">
        <h2><Icon name="history" size={16} /> History</h2>
        <button type="button" className="icon-btn" aria-label="Close history" onClick={onClose}><Icon name="x" /></button>
      </div>
      {error && <div className="callout callout-error small">Could not load the history: {describeError(error)}</div>}
      {!revisions && !error && <div className="muted small pad-12">Loading revisions…</div>}
      <ol className="revision-list">
        {(revisions || []).map((r) => {
          const open = chosen === r.revision;
          const diff = diffs[r.revision];
          return (
            <li key={r.revision} className={`revision-item${open ? ' open' : ''}`} data-testid={`revision-${r.revision}`}>
              <button type="button" className="revision-row" onClick={() => setChosen(open ? null : r.revision)} aria-expanded={open}>
                <span className="mono strong">rev {r.revision}</span>
                {r.revision === newest && <span className="type-pill">current</span>}
                <span className="muted small">{relativeTime(r.created_at)}</span>
              </button>
              {open && (
                <div className="revision-body">
                  <div className="small muted">Changed in this revision:</div>
                  {diff ? <DiffSummary diff={diff.own} /> : <div className="muted small">Comparing…</div>}
                  {r.revision !== newest && diff && (
                    <>
                      <div className="small muted">Restoring it would change the current pipeline:</div>
                      <DiffSummary diff={diff.current} />
                    </>
                  )}
                  <div className="row gap-8">
                    <a className="btn btn-small" href={revisionHref(graphId, r.revision)} data-testid="btn-open-revision">Open read-only</a>
                    {r.revision !== newest && (
                      <button type="button" className="btn btn-small btn-primary" disabled={busy} data-testid="btn-restore-revision"
                        onClick={() => restore(r.revision)}>Restore</button>
                    )}
                  </div>
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </aside>
  );
}
