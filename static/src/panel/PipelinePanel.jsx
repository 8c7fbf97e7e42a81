// Pipeline-level settings (nothing selected): name, description, default compute, pipeline parameters.
import { Icon } from '../ui/icons.jsx';
import { DatasetField } from '../data/DatasetField.jsx';
import { addParameter, isParamRef, removeParameter, renameParameter, updateParameter } from '../model/document.js';

const TYPES = ['str', 'int', 'float', 'bool', 'dataset'];

function convertDefault(value, type) {
  if (type === 'bool') return Boolean(value);
  if (type === 'int') return Number.isFinite(Number(value)) ? Math.round(Number(value)) : 0;
  if (type === 'float') return Number.isFinite(Number(value)) ? Number(value) : 0;
  return value === null || value === undefined ? '' : String(value);
}

function DefaultInput({ parameter, onChange, disabled, testId }) {
  if (parameter.type === 'bool') {
    return <input type="checkbox" checked={Boolean(parameter.default)} disabled={disabled} data-testid={testId}
      onChange={(e) => onChange(e.target.checked)} />;
  }
  if (parameter.type === 'dataset') {
    return <DatasetField value={parameter.default} onChange={onChange} disabled={disabled} testId={testId} />;
  }
  const numeric = parameter.type === 'int' || parameter.type === 'float';
  return (
    <input className="input" type={numeric ? 'number' : 'text'} step={parameter.type === 'int' ? 1 : 'any'} disabled={disabled}
      value={parameter.default === null || parameter.default === undefined ? '' : String(parameter.default)} data-testid={testId}
      onChange={(e) => {
        const raw = e.target.value;
        if (!numeric) onChange(raw);
        else if (raw !== '' && Number.isFinite(Number(raw))) onChange(Number(raw));
      }} />
  );
}

export function PipelinePanel({ doc, edit, readOnly, computeTargets }) {
  const usersOf = (name) => doc.nodes.filter((n) => Object.values(n.params || {}).some((v) => isParamRef(v) && v.$param === name)).map((n) => n.id);
  return (
    <div className="panel-section-list">
      <section className="panel-section">
        <h3 className="section-title">Pipeline</h3>
        <div className="field">
          <label className="field-label" htmlFor="pipeline-name">Name</label>
          <input id="pipeline-name" className="input" value={doc.name || ''} disabled={readOnly} data-testid="pipeline-name"
            onChange={(e) => { const v = e.target.value; edit((d) => ({ ...d, name: v }), 'doc:name', v); }} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="pipeline-description">Description</label>
          <textarea id="pipeline-description" className="input textarea" rows={3} value={doc.description || ''} disabled={readOnly}
            data-testid="pipeline-description" placeholder="What this pipeline does"
            onChange={(e) => { const v = e.target.value; edit((d) => ({ ...d, description: v }), 'doc:description', v); }} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="pipeline-compute">Default compute</label>
          <select id="pipeline-compute" className="input" value={doc.default_compute || ''} disabled={readOnly} data-testid="pipeline-compute"
            onChange={(e) => { const v = e.target.value; edit((d) => ({ ...d, default_compute: v })); }}>
            {doc.default_compute && !computeTargets.some((t) => t.name === doc.default_compute) && (
              <option value={doc.default_compute}>{doc.default_compute}</option>
            )}
            {!doc.default_compute && <option value="">local</option>}
            {computeTargets.map((t) => <option key={t.name} value={t.name}>{t.name} ({t.kind})</option>)}
          </select>
        </div>
      </section>
      <section className="panel-section">
        <div className="section-title-row">
          <h3 className="section-title">Pipeline parameters</h3>
          {!readOnly && (
            <button type="button" className="btn btn-small" data-testid="btn-add-parameter" onClick={() => edit((d) => addParameter(d))}>
              <Icon name="plus" size={14} /> Add
            </button>
          )}
        </div>
        {doc.parameters.length === 0 && (
          <p className="muted small">
            None yet. Select a node and press <Icon name="link" size={12} /> next to a parameter to make it settable per run.
          </p>
        )}
        {doc.parameters.map((parameter, index) => {
          const users = usersOf(parameter.name);
          return (
            <div key={index} className="pipeline-param" data-testid={`pipeline-param-${parameter.name}`}>
              <div className="pipeline-param-grid">
                <input className="input" value={parameter.name} disabled={readOnly} aria-label="Parameter name"
                  onChange={(e) => { const v = e.target.value.replace(/\s+/g, '_'); edit((d) => renameParameter(d, index, v), `pname:${index}`, v); }} />
                <select className="input" value={parameter.type} disabled={readOnly} aria-label="Parameter type"
                  onChange={(e) => { const t = e.target.value; edit((d) => updateParameter(d, index, { type: t, default: convertDefault(d.parameters[index].default, t) })); }}>
                  {TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
                </select>
                {!readOnly && (
                  <button type="button" className="icon-btn" aria-label={`Remove ${parameter.name}`} title="Remove (linked nodes keep its default)"
                    onClick={() => edit((d) => removeParameter(d, index))}><Icon name="trash" size={14} /></button>
                )}
              </div>
              <div className="pipeline-param-default">
                <span className="muted small">Default</span>
                <DefaultInput parameter={parameter} disabled={readOnly} testId={`pipeline-param-default-${parameter.name}`}
                  onChange={(v) => edit((d) => updateParameter(d, index, { default: v }), `pdefault:${index}`, v)} />
              </div>
              <div className="muted small">{users.length ? `Used by ${users.join(', ')}` : 'Not used by any node'}</div>
            </div>
          );
        })}
      </section>
      <section className="panel-section">
        <h3 className="section-title">Summary</h3>
        <div className="muted small">{doc.nodes.length} nodes · {doc.edges.length} connections</div>
      </section>
    </div>
  );
}
