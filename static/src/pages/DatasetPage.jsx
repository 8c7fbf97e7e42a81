// One registered dataset, #/datasets/<name>[/<version>]: its versions, schema, rows and column profile
// (the run output viewer), image samples, and lineage (the runs that read the version, their models).
import { useEffect, useState } from 'react';
import { describeError } from '../api/client.js';
import { dataApi } from '../api/data.js';
import { TableView } from '../outputs/TableView.jsx';
import { relativeTime, StatusBadge } from '../ui/StatusBadge.jsx';
import { dataHref, datasetHref, navigate, runHref } from '../ui/router.js';
import { AppHeader } from './AppHeader.jsx';

function Lineage({ lineage }) {
  return (
    <section className="panel-card" data-testid="dataset-lineage">
      <h2 className="section-title">Lineage</h2>
      {lineage.runs.length === 0 && <div className="muted small">No run has read this version yet.</div>}
      {lineage.runs.length > 0 && (
        <table className="data-table compact">
          <thead><tr><th>Run</th><th>Status</th><th>Read by</th><th>When</th></tr></thead>
          <tbody>
            {lineage.runs.map((run) => (
              <tr key={run.run_id} data-testid={`lineage-run-${run.run_id}`}>
                <td><a className="mono" href={runHref(run.run_id)}>{run.name || run.run_id.slice(0, 8)}</a>
                  <span className="muted small mono"> {run.run_id.slice(0, 8)}</span></td>
                <td>{run.status ? <StatusBadge status={run.status} /> : <span className="muted">deleted</span>}</td>
                <td className="mono small">{run.nodes.join(', ')}</td>
                <td className="muted">{relativeTime(run.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3 className="section-title small-title">Models trained from it</h3>
      {lineage.models.length === 0
        ? <div className="muted small">No registered model comes from a run that read this version.</div>
        : (
          <ul className="plain-list">
            {lineage.models.map((m) => (
              <li key={`${m.name}:${m.version}`} data-testid={`lineage-model-${m.name}`}>
                <span className="mono">{m.name}</span> version {m.version}
                <span className="muted small"> · run <a href={runHref(m.run_id)}>{m.run_id.slice(0, 8)}</a></span>
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}

function Images({ name, detail }) {
  const profile = detail.profile || {};
  return (
    <section className="panel-card">
      <h2 className="section-title">Images</h2>
      <div className="muted small">{detail.rows} images in {(profile.classes || []).length} classes
        {profile.unlabelled ? `, ${profile.unlabelled} unlabelled` : ''}</div>
      <table className="data-table compact class-table">
        <thead><tr><th>Class</th><th className="num">Images</th></tr></thead>
        <tbody>{Object.entries(profile.per_class || {}).map(([c, n]) => <tr key={c}><td>{c}</td><td className="num">{n}</td></tr>)}</tbody>
      </table>
      <div className="thumb-grid">
        {((detail.preview && detail.preview.images) || []).map((image) => (
          <figure key={image.file} className="thumb">
            <img alt={image.image} loading="lazy" src={dataApi.imageUrl(name, detail.version, image.file)} />
            <figcaption className="small ellipsis">{image.label || 'unlabelled'}</figcaption>
          </figure>
        ))}
      </div>
    </section>
  );
}

function Source({ source }) {
  if (source.run_id) return <span>output <span className="mono">{source.node}.{source.port}</span> of run <a href={runHref(source.run_id)}>{source.run_id.slice(0, 8)}</a></span>;
  return <span><a href={dataHref(source.datastore)}>{source.datastore}</a>: <span className="mono">{source.path}</span></span>;
}

export function DatasetPage({ name, version }) {
  const [versions, setVersions] = useState(null);
  const [detail, setDetail] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    dataApi.dataset(name).then((d) => { setVersions(d.versions); setError(null); }, setError);
  }, [name]);
  const chosen = version || (versions && versions[0] && versions[0].version);
  useEffect(() => {
    if (!chosen) return;
    setDetail(null);
    dataApi.version(name, chosen).then((d) => { setDetail(d); setError(null); }, setError);
  }, [name, chosen]);

  return (
    <div className="page">
      <AppHeader />
      <main className="page-body dataset-page">
        <div className="page-title-row">
          <div>
            <div className="muted small"><a href="#/data">Data</a> / datasets</div>
            <h1 data-testid="dataset-title">{name}</h1>
            {detail && detail.description && <p className="muted">{detail.description}</p>}
          </div>
          {versions && (
            <div className="field inline-field">
              <label className="field-label" htmlFor="dataset-version">Version</label>
              <select id="dataset-version" className="input" value={chosen || ''} data-testid="dataset-version"
                onChange={(e) => navigate(datasetHref(name, e.target.value))}>
                {versions.map((v) => <option key={v.version} value={v.version}>v{v.version} · {relativeTime(v.created_at)}</option>)}
              </select>
            </div>
          )}
        </div>
        {error && <div className="callout callout-error">Could not load this dataset: {describeError(error)}</div>}
        {!error && !detail && <div className="muted pad-16">Loading…</div>}
        {detail && (
          <div className="dataset-grid">
            <section className="panel-card dataset-facts">
              <div className="kv-grid">
                <span className="muted">Kind</span><span data-testid="dataset-kind">{detail.kind}</span>
                <span className="muted">{detail.kind === 'images' ? 'Images' : 'Rows'}</span><span data-testid="dataset-rows">{detail.rows ?? '—'}</span>
                {detail.kind === 'tabular' && (<><span className="muted">Columns</span><span>{detail.schema.length}</span></>)}
                <span className="muted">Registered</span><span title={detail.created_at}>{relativeTime(detail.created_at)}</span>
                <span className="muted">From</span><Source source={detail.source} />
                <span className="muted">Use it as</span><span className="mono">{detail.name}:{detail.version}</span>
              </div>
              {Object.keys(detail.tags).length > 0 && (
                <div className="chip-list">{Object.entries(detail.tags).map(([k, v]) => <span key={k} className="chip">{k}={v}</span>)}</div>
              )}
              {detail.kind === 'tabular' && (
                <table className="data-table compact schema-table" data-testid="dataset-schema">
                  <thead><tr><th>Column</th><th>Type</th></tr></thead>
                  <tbody>{detail.schema.map((c) => <tr key={c.name}><td className="mono">{c.name}</td><td className="muted">{c.dtype}</td></tr>)}</tbody>
                </table>
              )}
            </section>
            <Lineage lineage={detail.lineage} />
            {detail.kind === 'tabular' && detail.preview && (
              <section className="panel-card dataset-rows">
                <TableView key={detail.version} initial={{ table: { ...detail.preview }, profile: detail.profile }}
                  loadPage={(offset, limit) => dataApi.versionRows(name, detail.version, offset, limit)} />
              </section>
            )}
            {detail.kind === 'images' && <Images name={name} detail={detail} />}
          </div>
        )}
      </main>
    </div>
  );
}
