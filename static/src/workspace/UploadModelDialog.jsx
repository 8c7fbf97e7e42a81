// Upload a model file into the registry: a scikit-learn joblib/pickle file, or a PyTorch state dict with its architecture.
import { useState } from 'react';
import { describeError } from '../api/client.js';
import { workspaceApi } from '../api/workspace.js';
import { Dialog } from '../ui/Dialog.jsx';

const ARCHITECTURES = ['mobilenet_v2', 'resnet18', 'resnet34', 'resnet50', 'densenet121'];
const MLP_EXAMPLE = '{"inputs": 4, "hidden_layers": [16], "activation": "relu", "outputs": 3}';

export function UploadModelDialog({ onClose, onUploaded }) {
  const [name, setName] = useState('');
  const [flavor, setFlavor] = useState('sklearn');
  const [file, setFile] = useState(null);
  const [architecture, setArchitecture] = useState('resnet18');
  const [mlp, setMlp] = useState(MLP_EXAMPLE);
  const [tags, setTags] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData();
    form.append('name', name.trim());
    form.append('flavor', flavor);
    if (file) form.append('file', file);
    if (flavor === 'torch') form.append('architecture', architecture === 'mlp' ? mlp : architecture);
    form.append('tags', tags);
    form.append('description', description);
    setBusy(true);
    setError(null);
    try {
      const created = await workspaceApi.uploadModel(form);
      onUploaded(created);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Upload a model" onClose={onClose} testId="upload-model-dialog"
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" form="upload-model-form" className="btn btn-primary" data-testid="btn-upload-model"
            disabled={busy || !name.trim() || !file}>{busy ? 'Checking the file…' : 'Register'}</button>
        </>
      )}>
      <form id="upload-model-form" className="form-grid" onSubmit={submit}>
        <label>Name<input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="churn-classifier"
          data-testid="upload-name" /></label>
        <label>Flavor
          <select className="input" value={flavor} onChange={(e) => setFlavor(e.target.value)} data-testid="upload-flavor">
            <option value="sklearn">scikit-learn (joblib or pickle file)</option>
            <option value="torch">PyTorch (a state dict)</option>
          </select>
        </label>
        <label>File<input className="input" type="file" onChange={(e) => setFile(e.target.files[0] || null)} data-testid="upload-file" /></label>
        {flavor === 'torch' && (
          <label>Architecture
            <select className="input" value={architecture} onChange={(e) => setArchitecture(e.target.value)}>
              {ARCHITECTURES.map((a) => <option key={a} value={a}>{a}</option>)}
              <option value="mlp">MLP (layer sizes as JSON)</option>
            </select>
          </label>
        )}
        {flavor === 'torch' && architecture === 'mlp' && (
          <label>MLP layers<input className="input mono" value={mlp} onChange={(e) => setMlp(e.target.value)} /></label>
        )}
        <label>Tags<input className="input" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="stage=dev, team=churn" /></label>
        <label>Description<textarea className="textarea" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} /></label>
        <p className="muted small">The file is loaded once in a separate process to check it; a file that does not load is not registered.</p>
        {error && <div className="callout callout-error" data-testid="upload-error">{error}</div>}
      </form>
    </Dialog>
  );
}
