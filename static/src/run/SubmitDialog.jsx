// Submit a run: choose the compute target and the pipeline parameter values (defaults pre-filled).
import { useState } from 'react';
import { Dialog } from '../ui/Dialog.jsx';
import { DatasetField } from '../data/DatasetField.jsx';

function parseValue(type, raw) {
  if (type === 'bool') return Boolean(raw);
  if (type === 'int') return Number.parseInt(raw, 10);
  if (type === 'float') return Number(raw);
  return raw;
}

export function SubmitDialog({ doc, computeTargets, onSubmit, onClose, busy, problems = [] }) {
  const [compute, setCompute] = useState(doc.default_compute || (computeTargets[0] && computeTargets[0].name) || 'local');
  const [values, setValues] = useState(() => Object.fromEntries(doc.parameters.map((p) => [p.name, p.default])));
  const [problem, setProblem] = useState(null);
  const [experiment, setExperiment] = useState(doc.name || '');
  const [displayName, setDisplayName] = useState('');

  const submit = (event) => {
    event.preventDefault();
    const parameters = {};
    for (const p of doc.parameters) {
      const value = values[p.name];
      if ((p.type === 'int' || p.type === 'float') && (value === '' || !Number.isFinite(Number(value)))) {
        setProblem(`${p.name} must be a number.`);
        return;
      }
      parameters[p.name] = ['bool', 'str', 'dataset'].includes(p.type) ? value : parseValue(p.type, value);
    }
    const labels = {};
    if (experiment.trim()) labels.experiment = experiment.trim();
    if (displayName.trim()) labels.display_name = displayName.trim();
    onSubmit({ compute, parameters, ...labels });
  };

  const targets = computeTargets.length ? computeTargets : [{ name: compute, kind: 'local', status: '' }];
  return (
    <Dialog title="Submit pipeline run" onClose={onClose} testId="submit-dialog"
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" form="submit-form" className="btn btn-primary" data-testid="btn-submit-run" disabled={busy}>
            {busy ? 'Submitting…' : 'Run'}
          </button>
        </>
      )}>
      {problems.length > 0 && (
        <div className="callout callout-warning small" data-testid="submit-problems">
          <strong>{problems.length} {problems.length === 1 ? 'problem' : 'problems'}
            {problems.every((e) => e.code === 'unknown-column') ? ' will fail the nodes named:' : ' will stop this run:'}</strong>
          <ul>
            {problems.slice(0, 4).map((e, i) => <li key={i}>{e.node ? <span className="mono">{e.node}{e.port ? `.${e.port}` : ''}: </span> : null}{e.message}</li>)}
          </ul>
        </div>
      )}
      <form id="submit-form" onSubmit={submit} className="form-stack">
        <div className="field">
          <label className="field-label" htmlFor="submit-compute">Compute target</label>
          <select id="submit-compute" className="input" value={compute} onChange={(e) => setCompute(e.target.value)} data-testid="submit-compute">
            {targets.map((t) => (
              <option key={t.name} value={t.name}>{t.name}{t.kind ? ` (${t.kind}${t.status ? `, ${t.status}` : ''})` : ''}</option>
            ))}
          </select>
          <div className="field-hint">Nodes with their own compute override keep it.</div>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="submit-experiment">Experiment</label>
          <input id="submit-experiment" className="input" value={experiment} onChange={(e) => setExperiment(e.target.value)}
            placeholder={doc.name || 'Default'} data-testid="submit-experiment" />
          <div className="field-hint">Runs of one experiment are listed and compared together (default: the pipeline's name).</div>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="submit-display-name">Run name <span className="muted small">(optional)</span></label>
          <input id="submit-display-name" className="input" value={displayName} onChange={(e) => setDisplayName(e.target.value)}
            data-testid="submit-display-name" />
        </div>
        <div className="field">
          <div className="field-label">Pipeline parameters</div>
          {doc.parameters.length === 0 && <div className="muted small">This pipeline has no parameters.</div>}
          {doc.parameters.map((p) => (
            <div key={p.name} className="param-line">
              <label htmlFor={`run-param-${p.name}`} className="mono">{p.name}</label>
              {p.type === 'dataset' && (
                <DatasetField value={values[p.name]} testId={`run-param-${p.name}`}
                  onChange={(v) => setValues((vs) => ({ ...vs, [p.name]: v }))} />
              )}
              {p.type === 'dataset' ? null : p.type === 'bool' ? (
                <input id={`run-param-${p.name}`} type="checkbox" checked={Boolean(values[p.name])} data-testid={`run-param-${p.name}`}
                  onChange={(e) => setValues((v) => ({ ...v, [p.name]: e.target.checked }))} />
              ) : (
                <input id={`run-param-${p.name}`} className="input" type={p.type === 'str' ? 'text' : 'number'} step={p.type === 'int' ? 1 : 'any'}
                  value={values[p.name] === null || values[p.name] === undefined ? '' : String(values[p.name])} data-testid={`run-param-${p.name}`}
                  onChange={(e) => setValues((v) => ({ ...v, [p.name]: e.target.value }))} />
              )}
              <span className="muted small">{p.type}</span>
            </div>
          ))}
        </div>
        {problem && <div className="callout callout-error small">{problem}</div>}
      </form>
    </Dialog>
  );
}
