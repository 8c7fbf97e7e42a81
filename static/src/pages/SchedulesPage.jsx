// #/schedules: every schedule, when it runs next, how its last run went, and a dialog to add one.
import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { ScheduleDialog } from '../schedules/ScheduleDialog.jsx';
import { SchedulesTable, useSchedules } from '../schedules/SchedulesTable.jsx';
import { ListState } from '../ui/ListState.jsx';
import { useToast } from '../ui/toast.jsx';
import { AppHeader } from './AppHeader.jsx';

export function SchedulesPage() {
  const toast = useToast();
  const { schedules, error, refresh } = useSchedules();
  const [pipelines, setPipelines] = useState([]);
  const [creating, setCreating] = useState(false);
  useEffect(() => { api.listPipelines().then((b) => setPipelines(b.pipelines), () => setPipelines([])); }, []);
  const names = Object.fromEntries(pipelines.map((p) => [p.pipeline_id, p.name]));
  return (
    <div className="page" data-testid="schedules-page">
      <AppHeader />
      <main className="page-body">
        <div className="page-title-row">
          <div className="min-0">
            <h1>Schedules</h1>
            <p className="muted">Published pipelines and graphs that run by themselves, on a cron expression or every few minutes, hours or days.</p>
          </div>
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="btn-new-schedule">New schedule</button>
        </div>
        <ListState items={schedules} error={error} what="schedules" icon="history" title="No schedules yet" testId="schedules-empty">
          <p className="muted">Publish a pipeline, then add a schedule here or on its page to run it, say, every weekday at 06:00.</p>
        </ListState>
        {schedules && schedules.length > 0 && <SchedulesTable schedules={schedules} refresh={refresh} pipelineNames={names} />}
      </main>
      {creating && <ScheduleDialog pipelines={pipelines} onClose={() => setCreating(false)}
        onSaved={() => { toast('Schedule created.', 'success'); refresh(); }} />}
    </div>
  );
}
