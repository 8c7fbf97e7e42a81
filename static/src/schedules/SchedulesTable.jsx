// A table of schedules with their next run, last run and its status, recent runs, and pause/resume,
// edit and delete; the Schedules page and a published pipeline's page both show it.
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/client.js';
import { operations } from '../api/operations.js';
import { ConfirmDialog } from '../ui/Dialog.jsx';
import { StatusBadge, relativeTime } from '../ui/StatusBadge.jsx';
import { useToast } from '../ui/toast.jsx';
import { publishedHref, runHref, graphHref } from '../ui/router.js';
import { ScheduleDialog } from './ScheduleDialog.jsx';

/** Every schedule (those matching `keep`), refreshed every few seconds so next and last runs stay current. */
export function useSchedules(keep) {
  const [schedules, setSchedules] = useState(null);
  const [error, setError] = useState(null);
  const refresh = useCallback(() => operations.listSchedules()
    .then((body) => { setSchedules(body.schedules.filter(keep || (() => true))); setError(null); }, setError),
  [keep]);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, 3000);
    return () => clearInterval(timer);
  }, [refresh]);
  return { schedules, error, refresh };
}

function when(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return `${date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })}`;
}

export function SchedulesTable({ schedules, refresh, showTarget = true, pipelineNames = {}, testId = 'schedules-table' }) {
  const toast = useToast();
  const [editing, setEditing] = useState(null);
  const [deleting, setDeleting] = useState(null);

  const act = async (call, success) => {
    try {
      await call();
      if (success) toast(success, 'success');
    } catch (e) {
      toast(describeError(e), 'error', 8000);
    }
    refresh();
  };

  return (
    <>
      <table className="data-table graph-table" data-testid={testId}>
        <thead>
          <tr>
            <th>Schedule</th>
            {showTarget && <th>Runs</th>}
            <th>Next run</th>
            <th>Last run</th>
            <th>Recent runs</th>
            <th className="actions-col" aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {schedules.map((s) => (
            <tr key={s.id} data-testid={`schedule-row-${s.id}`}>
              <td>
                <div className="strong">{s.name || s.summary}</div>
                <div className="muted small">{s.name ? s.summary : `id ${s.id.slice(0, 8)}`}</div>
                {!s.enabled && <div className="small schedule-paused" data-testid="schedule-paused">{s.paused_reason || 'Paused'}</div>}
              </td>
              {showTarget && (
                <td>
                  {s.pipeline_id
                    ? <a href={publishedHref(s.pipeline_id)}>{pipelineNames[s.pipeline_id] || `pipeline ${s.pipeline_id.slice(0, 8)}`}</a>
                    : <a href={graphHref(s.graph_id)}>graph {s.graph_id.slice(0, 8)}</a>}
                  <span className="muted small">{s.pipeline_id ? (s.version ? ` · v${s.version}` : ' · default version') : ''}</span>
                </td>
              )}
              <td data-testid="schedule-next-run" title={s.next_run || ''}>{s.enabled ? when(s.next_run) : <span className="muted">paused</span>}</td>
              <td data-testid="schedule-last-run" title={s.last_run || ''}>
                {s.last_run ? (
                  <div className="row gap-8">
                    {s.last_run_status && <StatusBadge status={s.last_run_status} />}
                    {s.last_run_id ? <a href={runHref(s.last_run_id)}>{relativeTime(s.last_run)}</a> : relativeTime(s.last_run)}
                  </div>
                ) : <span className="muted">not yet</span>}
              </td>
              <td>
                <div className="recent-runs">
                  {s.recent_firings.slice(0, 6).map((r) => (
                    r.run_id
                      ? <a key={r.fire_time} href={runHref(r.run_id)} className={`run-dot status-${r.status || 'queued'}`} title={`${r.fire_time} · ${r.status || ''}${r.missed ? ` · ${r.missed} missed run(s) folded in` : ''}`} />
                      : <span key={r.fire_time} className="run-dot status-failed" title={`${r.fire_time} · ${r.error || 'did not start'}`} />
                  ))}
                  {s.recent_firings.length === 0 && <span className="muted small">none</span>}
                </div>
              </td>
              <td className="actions-col">
                <div className="row gap-8">
                  <button type="button" className="btn btn-small" data-testid="btn-schedule-toggle"
                    onClick={() => act(() => operations.changeSchedule(s.id, { enabled: !s.enabled }), s.enabled ? 'Schedule paused.' : 'Schedule resumed.')}>
                    {s.enabled ? 'Pause' : 'Resume'}
                  </button>
                  <button type="button" className="btn btn-small" onClick={() => setEditing(s)} data-testid="btn-schedule-edit">Edit</button>
                  <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setDeleting(s)} data-testid="btn-schedule-delete">Delete</button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && <ScheduleDialog schedule={editing} onClose={() => setEditing(null)} onSaved={() => { toast('Schedule saved.', 'success'); refresh(); }} />}
      {deleting && (
        <ConfirmDialog title="Delete schedule?" onClose={() => setDeleting(null)}
          onConfirm={() => act(() => operations.deleteSchedule(deleting.id), 'Schedule deleted.')}
          message="It stops starting runs. Runs it already started are kept." />
      )}
    </>
  );
}

/** The Schedules section of a published pipeline's page. */
export function PipelineSchedules({ pipelineId, defaults }) {
  const toast = useToast();
  const keep = useCallback((s) => s.pipeline_id === pipelineId, [pipelineId]);
  const { schedules, error, refresh } = useSchedules(keep);
  const [creating, setCreating] = useState(false);
  return (
    <section data-testid="pipeline-schedules">
      <div className="section-title-row">
        <h2 className="section-heading">Schedules</h2>
        <button type="button" className="btn btn-small" onClick={() => setCreating(true)} data-testid="btn-new-schedule">New schedule</button>
      </div>
      {error && <div className="callout callout-error">Could not load schedules: {describeError(error)}</div>}
      {schedules && schedules.length === 0 && (
        <div className="card muted" data-testid="pipeline-schedules-empty">No schedules. Add one to run this pipeline by itself, e.g. every night.</div>
      )}
      {schedules && schedules.length > 0 && <SchedulesTable schedules={schedules} refresh={refresh} showTarget={false} />}
      {creating && <ScheduleDialog target={{ pipeline_id: pipelineId }} defaults={defaults} onClose={() => setCreating(false)}
        onSaved={(s) => { toast(`Schedule created; next run ${new Date(s.next_run).toLocaleString()}.`, 'success'); refresh(); }} />}
    </section>
  );
}
