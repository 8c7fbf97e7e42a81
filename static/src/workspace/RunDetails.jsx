// A run's own record on its page: editable display name, description and tags, its experiment and trigger,
// the environment it ran in, and "Clone run to draft" (the exact document it executed, as a new pipeline).
import { useState } from 'react';
import { describeError } from '../api/client.js';
import { formatTags, parseTags, workspaceApi } from '../api/workspace.js';
import { Dialog } from '../ui/Dialog.jsx';
import { graphHref, navigate } from '../ui/router.js';
import { useToast } from '../ui/toast.jsx';

export function RunDetailsButton({ run, onSaved }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn btn-toolbar" data-testid="btn-run-details" onClick={() => setOpen(true)}>Details</button>
      {open && <RunDetailsDialog run={run} onSaved={onSaved} onClose={() => setOpen(false)} />}
    </>
  );
}

export function CloneRunButton({ runId }) {
  const toast = useToast();
  const clone = async () => {
    try {
      const created = await workspaceApi.cloneRun(runId);
      toast(`Opened “${created.name}” as a new pipeline`, 'success');
      navigate(graphHref(created.id));
    } catch (e) {
      toast(describeError(e), 'error');
    }
  };
  return <button type="button" className="btn btn-toolbar" data-testid="btn-clone-run" onClick={clone}
    title="A new editable pipeline holding exactly what this run executed">Clone to draft</button>;
}

function RunDetailsDialog({ run, onSaved, onClose }) {
  const toast = useToast();
  const [displayName, setDisplayName] = useState(run.display_name || '');
  const [description, setDescription] = useState(run.description || '');
  const [tags, setTags] = useState(formatTags(run.tags));
  const [busy, setBusy] = useState(false);
  const environment = run.environment || {};
  const packages = Object.entries(environment.packages || {});

  const save = async (event) => {
    event.preventDefault();
    setBusy(true);
    try {
      await workspaceApi.updateRun(run.run_id, { display_name: displayName, description, tags: parseTags(tags) });
      toast('Run saved', 'success', 1500);
      if (onSaved) onSaved();
      onClose();
    } catch (e) {
      toast(describeError(e), 'error');
      setBusy(false);
    }
  };

  return (
    <Dialog title="Run details" wide onClose={onClose} testId="run-details"
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>Close</button>
          <button type="submit" form="run-details-form" className="btn btn-primary" disabled={busy} data-testid="btn-save-run">Save</button>
        </>
      )}>
      <form id="run-details-form" className="form-grid" onSubmit={save}>
        <dl className="facts">
          <dt>Experiment</dt><dd data-testid="run-experiment">{run.experiment}</dd>
          <dt>Trigger</dt><dd>{run.trigger}</dd>
          <dt>Run id</dt><dd className="mono">{run.run_id}</dd>
        </dl>
        <label>Display name<input className="input" value={displayName} onChange={(e) => setDisplayName(e.target.value)} data-testid="run-display-name" /></label>
        <label>Description<textarea className="textarea" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} data-testid="run-description" /></label>
        <label>Tags <span className="muted small">(k=v, comma-separated)</span><input className="input" value={tags} onChange={(e) => setTags(e.target.value)} data-testid="run-tags" /></label>
      </form>
      <h3 className="small">Environment</h3>
      {run.environment ? (
        <div data-testid="run-environment">
          <p className="small">Python {environment.python} ({environment.implementation}) on {environment.platform}</p>
          <details>
            <summary className="small">{packages.length} installed packages</summary>
            <div className="package-list mono small">{packages.map(([name, version]) => <div key={name}>{name}=={version}</div>)}</div>
          </details>
        </div>
      ) : <p className="muted small">Not recorded (a run from before environments were kept).</p>}
    </Dialog>
  );
}
