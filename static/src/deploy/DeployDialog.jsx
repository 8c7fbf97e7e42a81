// Deploying the open real-time inference pipeline as a named scoring endpoint.
import { useState } from 'react';
import { describeError } from '../api/client.js';
import { Dialog } from '../ui/Dialog.jsx';

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A valid endpoint name made from a pipeline name: "Iris classification (real-time inference)" → "iris-classification". */
export function endpointSlug(text) {
  const slug = String(text || '').replace(/\(real-time inference\)/i, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return slug || 'endpoint';
}

export function DeployDialog({ doc, onDeploy, onClose }) {
  const [name, setName] = useState(() => endpointSlug(doc.name));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const valid = NAME.test(name);

  const submit = async (event) => {
    event.preventDefault();
    if (!valid) return;
    setBusy(true);
    setError(null);
    try {
      await onDeploy(name);
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  return (
    <Dialog title="Deploy real-time endpoint" onClose={onClose} testId="deploy-dialog"
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" form="deploy-form" className="btn btn-primary" data-testid="btn-deploy-confirm" disabled={!valid || busy}>
            {busy ? 'Deploying…' : 'Deploy'}
          </button>
        </>
      )}>
      <form id="deploy-form" onSubmit={submit}>
        <label className="field-label" htmlFor="endpoint-name">Endpoint name</label>
        <input id="endpoint-name" className={`input mono${name && !valid ? ' input-invalid' : ''}`} value={name} data-testid="endpoint-name"
          autoComplete="off" spellCheck={false} onChange={(e) => { setName(e.target.value); setError(null); }} />
        {name && !valid
          ? <div className="field-hint problem">Use 1–63 lower-case letters, digits and dashes, starting and ending with a letter or digit.</div>
          : <div className="field-hint">Clients will call <span className="mono">POST /endpoints/{name || '<name>'}/score</span> with the key you get next.</div>}
        {error && <div className="callout callout-error deploy-error" role="alert" data-testid="deploy-error">{error}</div>}
      </form>
    </Dialog>
  );
}
