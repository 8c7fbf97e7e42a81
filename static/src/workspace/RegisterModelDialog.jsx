// "Register model" on a TrainedModel output of a finished run: a name (new or existing, making version N+1), tags, description.
import { useEffect, useState } from 'react';
import { describeError } from '../api/client.js';
import { parseTags, workspaceApi } from '../api/workspace.js';
import { Dialog } from '../ui/Dialog.jsx';
import { modelHref } from '../ui/router.js';
import { useToast } from '../ui/toast.jsx';

export function RegisterModelButton({ runId, nodeId, port }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn btn-small" data-testid="btn-register-model" onClick={() => setOpen(true)}>Register model</button>
      {open && <RegisterModelDialog runId={runId} nodeId={nodeId} port={port} onClose={() => setOpen(false)} />}
    </>
  );
}

function RegisterModelDialog({ runId, nodeId, port, onClose }) {
  const toast = useToast();
  const [name, setName] = useState(nodeId);
  const [names, setNames] = useState([]);
  const [tags, setTags] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useEffect(() => { workspaceApi.listModels().then((d) => setNames(d.models.map((m) => m.name)), () => {}); }, []);
  const existing = names.includes(name.trim());

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await workspaceApi.registerModel({ name: name.trim(), run_id: runId, node: nodeId, port,
        tags: parseTags(tags), description });
      toast(`Registered ${created.name}:${created.version}`, 'success');
      onClose();
      window.location.hash = modelHref(created.name, created.version);
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  return (
    <Dialog title="Register model" onClose={onClose} testId="register-model-dialog"
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" form="register-model-form" className="btn btn-primary" data-testid="btn-register-confirm"
            disabled={busy || !name.trim()}>Register</button>
        </>
      )}>
      <form id="register-model-form" className="form-grid" onSubmit={submit}>
        <p className="muted small">The trained model on <span className="mono">{nodeId}.{port}</span> of run <span className="mono">{runId.slice(0, 8)}</span>.</p>
        <label>Model name
          <input className="input" list="registered-model-names" value={name} onChange={(e) => setName(e.target.value)} data-testid="register-name" />
          <datalist id="registered-model-names">{names.map((n) => <option key={n} value={n} />)}</datalist>
        </label>
        <p className="muted small">{existing ? `“${name.trim()}” exists: this becomes its next version.` : 'A new model, version 1.'}</p>
        <label>Tags<input className="input" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="stage=dev" data-testid="register-tags" /></label>
        <label>Description<textarea className="textarea" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} /></label>
        {error && <div className="callout callout-error" data-testid="register-error">{error}</div>}
      </form>
    </Dialog>
  );
}
