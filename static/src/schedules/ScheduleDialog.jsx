// Create or edit a schedule: what runs (a published pipeline or a graph), when (cron + time zone, or
// every N units) and with which parameter values.
import { useState } from 'react';
import { describeError } from '../api/client.js';
import { operations } from '../api/operations.js';
import { Dialog } from '../ui/Dialog.jsx';

const UNITS = ['seconds', 'minutes', 'hours', 'days', 'weeks'];
const BROWSER_ZONE = (() => { try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch { return 'UTC'; } })();

function parametersText(parameters) {
  return Object.entries(parameters || {}).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n');
}

function parseParameters(text) {
  const values = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(`“${line}” is not NAME=VALUE`);
    const raw = line.slice(at + 1).trim();
    let value = raw;
    try { const parsed = JSON.parse(raw); if (typeof parsed !== 'object' || parsed === null) value = parsed; } catch { value = raw; }
    values[line.slice(0, at).trim()] = value;
  }
  return values;
}

/** `schedule` to edit, or `target` ({pipeline_id} or {graph_id}) for a new one; `pipelines` to choose from;
 * `defaults` are the pipeline's parameter defaults, shown as the example. */
export function ScheduleDialog({ schedule, target, defaults, pipelines = [], onClose, onSaved }) {
  const editing = Boolean(schedule);
  const [pipelineId, setPipelineId] = useState((schedule && schedule.pipeline_id) || (target && target.pipeline_id) || (pipelines[0] && pipelines[0].pipeline_id) || '');
  const [mode, setMode] = useState(schedule && schedule.cron ? 'cron' : 'every');
  const [cron, setCron] = useState((schedule && schedule.cron) || '0 6 * * 1-5');
  const [timezone, setTimezone] = useState((schedule && schedule.timezone) || BROWSER_ZONE);
  const [interval, setInterval_] = useState(String((schedule && schedule.every && schedule.every.interval) || 1));
  const [unit, setUnit] = useState((schedule && schedule.every && schedule.every.unit) || 'hours');
  const [name, setName] = useState((schedule && schedule.name) || '');
  const [params, setParams] = useState(parametersText(schedule && schedule.parameters));
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);
  const fixedTarget = editing || Boolean(target);

  const save = async () => {
    let parameters;
    try { parameters = parseParameters(params); } catch (e) { setProblem({ field: 'parameters', message: e.message }); return; }
    const body = { name, parameters, timezone };
    if (mode === 'cron') body.cron = cron.trim();
    else body.every = { interval: Number(interval), unit };
    if (!editing) {
      if (target && target.graph_id) body.graph_id = target.graph_id;
      else body.pipeline_id = pipelineId;
    }
    setBusy(true);
    try {
      const saved = editing ? await operations.changeSchedule(schedule.id, body) : await operations.createSchedule(body);
      onSaved(saved);
      onClose();
    } catch (e) {
      setProblem({ field: e.details && e.details.field, message: describeError(e) });
    } finally {
      setBusy(false);
    }
  };
  const fieldProblem = (field) => problem && problem.field && problem.field.startsWith(field) && <div className="field-problem">{problem.message}</div>;

  return (
    <Dialog title={editing ? 'Edit schedule' : 'New schedule'} onClose={onClose} testId="schedule-dialog"
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="button" className="btn btn-primary" disabled={busy || (!fixedTarget && !pipelineId)} onClick={save} data-testid="btn-save-schedule">
            {editing ? 'Save' : 'Create schedule'}
          </button>
        </>
      )}>
      {!fixedTarget && (
        <div className="field">
          <label className="field-label" htmlFor="schedule-pipeline">Published pipeline</label>
          <select id="schedule-pipeline" className="input" value={pipelineId} onChange={(e) => setPipelineId(e.target.value)} data-testid="schedule-pipeline">
            {pipelines.length === 0 && <option value="">No published pipelines yet</option>}
            {pipelines.map((p) => <option key={p.pipeline_id} value={p.pipeline_id}>{p.name} (default v{p.default_version})</option>)}
          </select>
          {fieldProblem('pipeline_id')}
        </div>
      )}
      <div className="field">
        <label className="field-label" htmlFor="schedule-name">Name</label>
        <input id="schedule-name" className="input" value={name} placeholder="e.g. Nightly retrain" onChange={(e) => setName(e.target.value)} data-testid="schedule-name" />
      </div>
      <div className="field">
        <span className="field-label">Recurrence</span>
        <div className="segmented" role="radiogroup">
          <label><input type="radio" name="schedule-mode" checked={mode === 'every'} onChange={() => setMode('every')} data-testid="schedule-mode-every" /> Every…</label>
          <label><input type="radio" name="schedule-mode" checked={mode === 'cron'} onChange={() => setMode('cron')} data-testid="schedule-mode-cron" /> Cron expression</label>
        </div>
      </div>
      {mode === 'every' ? (
        <div className="field">
          <div className="row gap-8">
            <span>Every</span>
            <input className="input input-narrow" type="number" min="1" value={interval} onChange={(e) => setInterval_(e.target.value)} data-testid="schedule-interval" aria-label="Interval" />
            <select className="input input-narrow" value={unit} onChange={(e) => setUnit(e.target.value)} data-testid="schedule-unit" aria-label="Unit">
              {UNITS.map((u) => <option key={u} value={u}>{u}</option>)}
            </select>
          </div>
          {fieldProblem('every')}
        </div>
      ) : (
        <div className="field">
          <input className="input mono" value={cron} onChange={(e) => setCron(e.target.value)} data-testid="schedule-cron" aria-label="Cron expression" />
          <div className="field-hint">minute hour day-of-month month day-of-week — “0 6 * * 1-5” is 06:00 on weekdays.</div>
          {fieldProblem('cron')}
        </div>
      )}
      <div className="field">
        <label className="field-label" htmlFor="schedule-timezone">Time zone</label>
        <input id="schedule-timezone" className="input" value={timezone} onChange={(e) => setTimezone(e.target.value)} data-testid="schedule-timezone" />
        <div className="field-hint">An IANA name such as UTC or Europe/Paris; cron times are read in it.</div>
        {fieldProblem('timezone')}
      </div>
      <div className="field">
        <label className="field-label" htmlFor="schedule-params">Parameters</label>
        <textarea id="schedule-params" className="input mono" rows={3} value={params} placeholder={parametersText(defaults) || 'NAME=VALUE'} onChange={(e) => setParams(e.target.value)} data-testid="schedule-params" />
        <div className="field-hint">One NAME=VALUE per line; the pipeline's defaults apply to the rest.</div>
        {fieldProblem('parameters')}
      </div>
      {problem && !['pipeline_id', 'every', 'cron', 'timezone', 'parameters'].some((f) => problem.field && problem.field.startsWith(f)) && (
        <div className="callout callout-error small" data-testid="schedule-error">{problem.message}</div>
      )}
    </Dialog>
  );
}
