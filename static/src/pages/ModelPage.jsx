// One registered model, #/models/<name>[/<version>]: its versions; for the chosen one its tags and description
// (editable), the metrics of the run that made it, its lineage, a download and a deploy form.
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/client.js';
import { formatMetric, formatTags, parseTags, workspaceApi } from '../api/workspace.js';
import { relativeTime } from '../ui/StatusBadge.jsx';
import { Icon } from '../ui/icons.jsx';
import { graphHref, modelHref, runHref } from '../ui/router.js';
import { useToast } from '../ui/toast.jsx';
import { DeployModelForm } from '../workspace/DeployModelForm.jsx';
import { AppHeader } from './AppHeader.jsx';
import { PageMessage } from './EditorPage.jsx';
import { TagList } from './ModelsPage.jsx';

export function ModelPage({ name, version }) {
  const [model, setModel] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { workspaceApi.getModel(name).then(setModel, setError); }, [name]);
  if (error) {
    return (
      <PageMessage title={error.status === 404 ? 'Model not found' : 'Cannot open this model'}>
        <p>{error.status === 404 ? `No model is registered as “${name}”.` : describeError(error)}</p>
      </PageMessage>
    );
  }
  if (!model) return <div className="loading-screen">Loading model…</div>;
  const chosen = Number(version) || model.latest_version;

  return (
    <div className="page">
      <AppHeader>
        <span className="crumb-sep" aria-hidden="true">/</span>
        <a className="crumb" href={modelHref()}>Models</a>
        <span className="crumb-sep" aria-hidden="true">/</span>
        <span className="crumb mono">{name}</span>
      </AppHeader>
      <main className="page-body model-page">
        <aside className="version-list" aria-label="Versions">
          <h2 className="small muted">Versions</h2>
          {model.versions.map((v) => (
            <a key={v.version} href={modelHref(name, v.version)} data-testid={`version-${v.version}`}
              className={`version-item${v.version === chosen ? ' active' : ''}`}>
              <span className="mono strong">v{v.version}</span>
              <span className="muted small">{relativeTime(v.created_at)}</span>
            </a>
          ))}
        </aside>
        <VersionDetail key={chosen} name={name} version={chosen} />
      </main>
    </div>
  );
}

function VersionDetail({ name, version }) {
  const toast = useToast();
  const [record, setRecord] = useState(null);
  const [error, setError] = useState(null);
  const [tags, setTags] = useState('');
  const [description, setDescription] = useState('');
  const load = useCallback(() => workspaceApi.getModelVersion(name, version).then((r) => {
    setRecord(r);
    setTags(formatTags(r.tags));
    setDescription(r.description || '');
  }, setError), [name, version]);
  useEffect(() => { load(); }, [load]);
  if (error) return <div className="callout callout-error">Could not load version {version}: {describeError(error)}</div>;
  if (!record) return <div className="muted pad-16">Loading version {version}…</div>;
  const { lineage } = record;
  const dirty = tags !== formatTags(record.tags) || description !== (record.description || '');
  const metrics = Object.entries(lineage.metrics || {});

  const save = async () => {
    try {
      await workspaceApi.updateModelVersion(name, version, { tags: parseTags(tags), description });
      toast('Saved', 'success', 1500);
      load();
    } catch (e) {
      toast(describeError(e), 'error');
    }
  };

  return (
    <section className="version-detail" data-testid="model-version">
      <div className="page-title-row">
        <div>
          <h1><span className="mono">{name}</span> <span className="muted">v{version}</span></h1>
          <p className="muted">{record.flavor === 'designer' ? 'Trained in a run' : `Uploaded ${record.flavor} file`} · registered {relativeTime(record.created_at)}</p>
        </div>
        <a className="btn" href={workspaceApi.modelDownloadUrl(name, version)} download data-testid="btn-download-model"><Icon name="download" /> Download</a>
      </div>
      <div className="detail-grid">
        <div className="card">
          <h2>About</h2>
          <label className="field-label">Tags <span className="muted small">(k=v, comma-separated)</span>
            <input className="input" value={tags} onChange={(e) => setTags(e.target.value)} data-testid="model-tags" />
          </label>
          <div className="tag-preview"><TagList tags={record.tags} /></div>
          <label className="field-label">Description
            <textarea className="textarea" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} data-testid="model-description" />
          </label>
          <div><button type="button" className="btn btn-small btn-primary" disabled={!dirty} onClick={save} data-testid="btn-save-model">Save</button></div>
        </div>
        <div className="card" data-testid="model-lineage">
          <h2>Lineage</h2>
          <dl className="facts">
            <dt>Run</dt><dd>{lineage.run_id ? <a className="mono" href={runHref(lineage.run_id)}>{lineage.run ? (lineage.run.display_name || lineage.run.name) : lineage.run_id.slice(0, 8)}</a> : <span className="muted">uploaded, no run</span>}</dd>
            {lineage.run && <><dt>Experiment</dt><dd>{lineage.run.experiment}</dd></>}
            <dt>Pipeline</dt><dd>{lineage.graph_id ? <a href={graphHref(lineage.graph_id)}>{lineage.run ? lineage.run.name : 'Pipeline'}</a> : '—'}</dd>
            <dt>Revision</dt><dd>{lineage.revision ?? '—'}</dd>
            <dt>Node</dt><dd className="mono">{lineage.node ? `${lineage.node}.${lineage.port || ''}` : '—'}</dd>
            <dt>Datasets</dt><dd>{lineage.datasets && lineage.datasets.length
              ? lineage.datasets.map((d) => `${d.name}:${d.version}`).join(', ') : <span className="muted">none recorded</span>}</dd>
          </dl>
        </div>
        <div className="card">
          <h2>Metrics of its run</h2>
          {metrics.length ? (
            <table className="data-table compact" data-testid="model-metrics">
              <tbody>{metrics.map(([k, v]) => <tr key={k}><td className="mono">{k}</td><td className="num">{formatMetric(v)}</td></tr>)}</tbody>
            </table>
          ) : <p className="muted">No metrics recorded{record.flavor === 'designer' ? ' by its run' : ' (uploaded file)'}.</p>}
        </div>
        <div className="card">
          <h2>Deploy</h2>
          <DeployModelForm model={`${name}:${version}`} flavor={record.flavor} />
        </div>
      </div>
    </section>
  );
}
