// The model registry, #/models: every registered model with its latest version, tags and flavor; search and upload.
import { useCallback, useEffect, useState } from 'react';
import { formatTags, workspaceApi } from '../api/workspace.js';
import { ListState } from '../ui/ListState.jsx';
import { relativeTime } from '../ui/StatusBadge.jsx';
import { Icon } from '../ui/icons.jsx';
import { modelHref, navigate } from '../ui/router.js';
import { useToast } from '../ui/toast.jsx';
import { UploadModelDialog } from '../workspace/UploadModelDialog.jsx';
import { AppHeader } from './AppHeader.jsx';
import { PageTitle } from '../ui/ListTable.jsx';

const FLAVORS = { designer: 'Trained in a run', sklearn: 'scikit-learn file', torch: 'PyTorch state dict' };

export function ModelsPage() {
  const toast = useToast();
  const [models, setModels] = useState(null);
  const [error, setError] = useState(null);
  const [search, setSearch] = useState('');
  const [tag, setTag] = useState('');
  const [uploading, setUploading] = useState(false);

  const refresh = useCallback(() => {
    workspaceApi.listModels({ search, tag }).then((d) => { setModels(d.models); setError(null); }, setError);
  }, [search, tag]);
  useEffect(() => {
    const timer = setTimeout(refresh, 150);
    return () => clearTimeout(timer);
  }, [refresh]);
  const filtered = Boolean(search || tag);

  return (
    <div className="page">
      <AppHeader />
      <main className="page-body">
        <PageTitle title="Models" subtitle="Registered models by name and version: where each came from and the metrics of the run that trained it.">
          <button type="button" className="btn btn-primary" data-testid="btn-upload" onClick={() => setUploading(true)}><Icon name="upload" /> Upload model</button>
        </PageTitle>
        <div className="row gap-8 filter-bar">
          <input className="input" type="search" placeholder="Search by name" value={search} aria-label="Search models by name"
            onChange={(e) => setSearch(e.target.value)} data-testid="models-search" />
          <input className="input" type="search" placeholder="Tag, e.g. stage:prod" value={tag} aria-label="Filter by tag"
            onChange={(e) => setTag(e.target.value)} data-testid="models-tag" />
        </div>
        <ListState items={models} error={error} what="models" icon="chart"
          title={filtered ? 'No model matches' : 'No registered models yet'} testId="models-empty">
          {filtered ? <p>Clear the search to see every model.</p> : (
            <p>Open a finished run, click a <strong>TrainedModel</strong> output and press <strong>Register model</strong>,
              or upload a scikit-learn or PyTorch file.</p>
          )}
        </ListState>
        {models && models.length > 0 && (
          <table className="data-table graph-table" data-testid="models-table">
            <thead><tr><th>Name</th><th>Latest</th><th>Versions</th><th>Kind</th><th>Tags</th><th>Updated</th></tr></thead>
            <tbody>
              {models.map((m) => (
                <tr key={m.name} className="clickable" data-testid={`model-row-${m.name}`} onClick={() => navigate(modelHref(m.name))}>
                  <td>
                    <a className="graph-name mono" href={modelHref(m.name)} onClick={(e) => e.stopPropagation()}>{m.name}</a>
                    {m.description && <div className="muted small ellipsis">{m.description}</div>}
                  </td>
                  <td className="mono">v{m.latest_version}</td>
                  <td>{m.versions}</td>
                  <td className="muted">{FLAVORS[m.flavor] || m.flavor}</td>
                  <td><TagList tags={m.tags} /></td>
                  <td className="muted" title={m.updated_at || ''}>{relativeTime(m.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
      {uploading && (
        <UploadModelDialog onClose={() => setUploading(false)} onUploaded={(created) => {
          setUploading(false);
          toast(`Registered ${created.name}:${created.version}`, 'success');
          navigate(modelHref(created.name, created.version));
        }} />
      )}
    </div>
  );
}

export function TagList({ tags }) {
  const entries = Object.entries(tags || {});
  if (!entries.length) return <span className="muted">—</span>;
  return (
    <span className="tag-list">
      {entries.map(([k, v]) => <span key={k} className="tag-chip" title={formatTags({ [k]: v })}>{v === '' ? k : `${k}: ${v}`}</span>)}
    </span>
  );
}
