// Register a datastore path or a run output as a new dataset version: name, description, tags.
import { useState } from 'react';
import { dataApi } from '../api/data.js';
import { describeError } from '../api/client.js';
import { Dialog } from '../ui/Dialog.jsx';
import { parseTags, suggestedName } from './tags.js';


/** `source` is {datastore, path} or {run_id, node, port}; onDone({name, version}) after a success. */
export function RegisterDialog({ source, onClose, onDone }) {
  const [name, setName] = useState(() => suggestedName(source.path || source.node));
  const [description, setDescription] = useState('');
  const [tagText, setTagText] = useState('');
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    const tags = parseTags(tagText);
    if (tags === null) { setProblem('Write tags as key=value, separated by commas.'); return; }
    setBusy(true);
    try {
      const made = await dataApi.register({ ...source, name: name.trim(), description, tags });
      onDone(made);
    } catch (e) {
      setProblem(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const what = source.path ? `${source.datastore}:${source.path}` : `output ${source.node}.${source.port}`;
  return (
    <Dialog title="Register as dataset" onClose={onClose} testId="register-dialog"
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" form="register-form" className="btn btn-primary" disabled={busy || !name.trim()} data-testid="btn-register-confirm">
            {busy ? 'Registering…' : 'Register'}
          </button>
        </>
      )}>
      <form id="register-form" className="form-stack" onSubmit={submit}>
        <p className="muted small">Registers <span className="mono">{what}</span> as a new version. The version keeps
          its own copy of the content: later edits of the source do not change it.</p>
        <div className="field">
          <label className="field-label" htmlFor="register-name">Name</label>
          <input id="register-name" className="input" value={name} onChange={(e) => setName(e.target.value)} data-testid="register-name"
            placeholder="e.g. flowers" />
          <div className="field-hint">Registering an existing name makes its next version.</div>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="register-description">Description</label>
          <textarea id="register-description" className="input textarea" rows={2} value={description}
            onChange={(e) => setDescription(e.target.value)} data-testid="register-description" />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="register-tags">Tags</label>
          <input id="register-tags" className="input" value={tagText} onChange={(e) => setTagText(e.target.value)}
            placeholder="team=botany, source=field survey" data-testid="register-tags" />
        </div>
        {problem && <div className="callout callout-error small" data-testid="register-problem">{problem}</div>}
      </form>
    </Dialog>
  );
}
