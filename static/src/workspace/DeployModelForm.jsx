// Deploy a model version from its page: a new endpoint, or an existing one updated in place (same URL and key),
// with an optional Azure-ML-style entry script (init() loads from AZUREML_MODEL_DIR, run(raw_data) returns JSON).
import { useEffect, useState } from 'react';
import { api, describeError } from '../api/client.js';
import { workspaceApi } from '../api/workspace.js';
import { rememberKey } from '../deploy/keys.js';
import { endpointHref, navigate } from '../ui/router.js';
import { useToast } from '../ui/toast.jsx';

const SCRIPT_HINTS = {
  sklearn: `# Optional: leave empty for the default script. Azure ML's contract:
import json, os, joblib

def init():
    global model
    model = joblib.load(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.pkl"))

def run(raw_data):
    return model.predict(json.loads(raw_data)["data"]).tolist()`,
  designer: `# Optional: leave empty for the default script. Azure ML's contract:
import json, os
from components.ports import load_value

def init():
    global model
    model = load_value(os.environ["AZUREML_MODEL_DIR"])

def run(raw_data):
    return {"predictions": model.predict_records(json.loads(raw_data)["data"])}`,
  torch: `# Required for a PyTorch state dict: build the network, load the weights.
import json, os, torch

def init():
    global model
    model = ...  # your architecture
    model.load_state_dict(torch.load(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.pt")))
    model.eval()

def run(raw_data):
    x = torch.tensor(json.loads(raw_data)["data"], dtype=torch.float32)
    return model(x).argmax(1).tolist()`,
};

export function DeployModelForm({ model, flavor }) {
  const toast = useToast();
  const [name, setName] = useState(model.split(':')[0].toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60));
  const [script, setScript] = useState('');
  const [endpoints, setEndpoints] = useState([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useEffect(() => { api.listEndpoints().then((d) => setEndpoints((d.endpoints || []).map((e) => e.name)), () => {}); }, []);
  const exists = endpoints.includes(name);
  const needsScript = flavor === 'torch';

  const deploy = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const entryScript = script.trim() ? script : undefined;
    try {
      if (exists) {
        await workspaceApi.swapEndpoint(name, { model, entry_script: entryScript });
        toast(`Endpoint ${name} now serves ${model}; its URL and key are unchanged`, 'success');
      } else {
        const deployed = await workspaceApi.deployModel(name, model, entryScript);
        rememberKey('endpoint', deployed.name, deployed.key);
        toast(`Deployed ${model} as ${deployed.name}`, 'success');
      }
      navigate(endpointHref(name));
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  return (
    <form className="form-grid deploy-model-form" onSubmit={deploy} data-testid="deploy-model-form">
      <label>Endpoint name
        <input className="input mono" list="endpoint-names" value={name} onChange={(e) => setName(e.target.value)} data-testid="deploy-endpoint-name" />
        <datalist id="endpoint-names">{endpoints.map((n) => <option key={n} value={n} />)}</datalist>
      </label>
      <p className="muted small">{exists ? `“${name}” exists: it will serve this version from now on, keeping its URL and key.` : 'A new endpoint with its own URL and key.'}</p>
      <label>Entry script (score.py){needsScript ? '' : ' — optional'}
        <textarea className="textarea mono" rows={8} value={script} placeholder={SCRIPT_HINTS[flavor] || SCRIPT_HINTS.designer} onChange={(e) => setScript(e.target.value)}
          data-testid="deploy-entry-script" spellCheck={false} />
      </label>
      {error && <pre className="callout callout-error pre-wrap" data-testid="deploy-error">{error}</pre>}
      <div><button type="submit" className="btn btn-primary" disabled={busy || !name || (needsScript && !script.trim())} data-testid="btn-deploy-model">
        {busy ? 'Starting…' : exists ? 'Update endpoint' : 'Deploy'}</button></div>
    </form>
  );
}
