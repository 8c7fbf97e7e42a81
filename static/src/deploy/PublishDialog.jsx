// Publishing the open pipeline: as a new published pipeline (a new URL and key) or as the next
// version of one already published (same URL and key; optionally made its default).
import { useEffect, useState } from 'react';
import { api, describeError } from '../api/client.js';
import { Dialog } from '../ui/Dialog.jsx';

export function PublishDialog({ doc, onPublish, onClose }) {
  const [pipelines, setPipelines] = useState(null);
  const [mode, setMode] = useState('new');
  const [name, setName] = useState(doc.name || 'Pipeline');
  const [target, setTarget] = useState('');
  const [makeDefault, setMakeDefault] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  useEffect(() => {
    api.listPipelines().then((d) => {
      const list = d.pipelines || [];
      setPipelines(list);
      // Publishing a pipeline whose name is already published most likely means a new version of it.
      const same = list.find((p) => p.name === doc.name);
      if (same) {
        setMode('version');
        setTarget(same.pipeline_id);
      } else if (list.length) setTarget(list[0].pipeline_id);
    }, () => setPipelines([]));
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = mode === 'new'
      ? { name: name.trim() || undefined }
      : { pipeline_id: target, make_default: makeDefault };
    try {
      await onPublish(body);
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  const canSubmit = !busy && (mode === 'new' ? name.trim() : target);
  return (
    <Dialog title="Publish pipeline" onClose={onClose} testId="publish-dialog"
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" form="publish-form" className="btn btn-primary" disabled={!canSubmit} data-testid="btn-publish-confirm">
            {busy ? 'Publishing…' : 'Publish'}
          </button>
        </>
      )}>
      <form id="publish-form" className="publish-form" onSubmit={submit}>
        <p className="muted">The pipeline is published exactly as it is saved now; later edits do not change a published version.</p>
        <label className="choice">
          <input type="radio" name="publish-mode" checked={mode === 'new'} onChange={() => setMode('new')} data-testid="publish-mode-new" />
          <span><strong>New published pipeline</strong><span className="muted small"> — a new URL and key</span></span>
        </label>
        {mode === 'new' && (
          <div className="choice-body">
            <label className="field-label" htmlFor="publish-name">Name</label>
            <input id="publish-name" className="input" value={name} onChange={(e) => setName(e.target.value)} data-testid="publish-name" />
          </div>
        )}
        <label className={`choice${pipelines && !pipelines.length ? ' disabled' : ''}`}>
          <input type="radio" name="publish-mode" checked={mode === 'version'} disabled={!pipelines || !pipelines.length}
            onChange={() => setMode('version')} data-testid="publish-mode-version" />
          <span><strong>New version of a published pipeline</strong><span className="muted small"> — same URL and key</span></span>
        </label>
        {pipelines && !pipelines.length && <div className="choice-body field-hint">Nothing is published yet.</div>}
        {mode === 'version' && pipelines && pipelines.length > 0 && (
          <div className="choice-body">
            <label className="field-label" htmlFor="publish-target">Published pipeline</label>
            <select id="publish-target" className="input" value={target} onChange={(e) => setTarget(e.target.value)} data-testid="publish-pipeline-select">
              {pipelines.map((p) => (
                <option key={p.pipeline_id} value={p.pipeline_id}>{p.name} (v{p.latest_version || p.default_version}, default v{p.default_version})</option>
              ))}
            </select>
            <label className="checkbox-line">
              <input type="checkbox" checked={makeDefault} onChange={(e) => setMakeDefault(e.target.checked)} data-testid="publish-make-default" />
              Make the new version the default (callers that name no version run it)
            </label>
          </div>
        )}
        {error && <div className="callout callout-error" role="alert" data-testid="publish-error">{error}</div>}
      </form>
    </Dialog>
  );
}
