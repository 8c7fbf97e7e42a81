// The published pipelines, #/published: versioned URLs that run a pipeline with new parameters.
import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { relativeTime } from '../ui/StatusBadge.jsx';
import { navigate, publishedHref } from '../ui/router.js';
import { ListState } from '../ui/ListState.jsx';
import { NameCell, PageTitle } from '../ui/ListTable.jsx';
import { AppHeader } from './AppHeader.jsx';

export function EnabledBadge({ enabled, testId }) {
  return (
    <span className={`badge ${enabled ? 'badge-enabled' : 'badge-disabled'}`} data-testid={testId} data-enabled={enabled ? 'true' : 'false'}>
      <span className="badge-dot" aria-hidden="true" />{enabled ? 'Enabled' : 'Disabled'}
    </span>
  );
}

export function PublishedPage() {
  const [pipelines, setPipelines] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api.listPipelines().then((d) => setPipelines(d.pipelines || []), setError);
  }, []);

  return (
    <div className="page">
      <AppHeader />
      <main className="page-body">
        <PageTitle title="Published pipelines"
          subtitle="Versioned pipelines anyone with the key can run over HTTP, with new parameter values." />
        <ListState items={pipelines} error={error} what="published pipelines" icon="share" title="Nothing published yet"
          testId="published-empty">
          <p>Open a pipeline and press <strong>Publish</strong>: it gets a URL and a key, and each later publish can add a new version.</p>
          <a className="btn" href="#/">Go to pipelines</a>
        </ListState>
        {pipelines && pipelines.length > 0 && (
          <table className="data-table graph-table">
            <thead>
              <tr><th>Name</th><th>Default version</th><th>State</th><th>Published</th><th className="actions-col" aria-label="Actions" /></tr>
            </thead>
            <tbody>
              {pipelines.map((p) => (
                <tr key={p.pipeline_id} data-testid={`published-row-${p.pipeline_id}`} className="clickable" onClick={() => navigate(publishedHref(p.pipeline_id))}>
                  <NameCell href={publishedHref(p.pipeline_id)} name={p.name} detail={p.url} />
                  <td>v{p.default_version} <span className="muted small">of {p.latest_version || p.default_version}</span></td>
                  <td><EnabledBadge enabled={p.enabled} /></td>
                  <td className="muted" title={p.created_at || ''}>{relativeTime(p.created_at)}</td>
                  <td className="actions-col">
                    <a className="btn btn-small" href={publishedHref(p.pipeline_id)} onClick={(e) => e.stopPropagation()}>Open</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
    </div>
  );
}
