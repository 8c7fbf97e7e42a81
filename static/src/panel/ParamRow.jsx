// One parameter in the panel: label, the widget its spec asks for, promote/unlink, inline problems.
import { Icon } from '../ui/icons.jsx';
import { RichText } from '../ui/RichText.jsx';
import { isParamRef } from '../model/document.js';
import { BoolField, ChoiceField, CodeField, ColumnField, ColumnsField, NumberField, TextField } from './fields.jsx';
import { DatasetField } from '../data/DatasetField.jsx';
import { DatastoreField } from '../data/DatastoreField.jsx';

function widgetFor(param, props) {
  if (param.choices && param.choices.length) return <ChoiceField param={param} {...props} />;
  if (param.type === 'bool') return <BoolField {...props} label={param.name} />;
  if (param.type === 'int' || param.type === 'float') return <NumberField param={param} {...props} />;
  switch (param.widget) {
    case 'column': return <ColumnField {...props} />;
    case 'columns': return <ColumnsField {...props} />;
    case 'code': return <CodeField {...props} />;
    case 'text': return <TextField {...props} multiline />;
    case 'path': return <TextField {...props} placeholder={param.kind === 'write-path' ? 'file to write inside a datastore' : 'path inside a datastore'} />;
    case 'dataset': return <DatasetField {...props} />;
    case 'datastore': return <DatastoreField {...props} />;
    default: return <TextField {...props} />;
  }
}

export function ParamRow({ param, value, columns, problems, readOnly, onChange, onPromote, onUnlink, pipelineParameters }) {
  const linked = isParamRef(value) ? value.$param : null;
  const parameter = linked && pipelineParameters.find((p) => p.name === linked);
  const testId = `param-${param.name}`;
  return (
    <div className={`field${problems.length ? ' field-has-problem' : ''}`}>
      <div className="field-label-row">
        <label className="field-label" title={param.description || ''}>
          {param.name}
          {param.required && <span className="required" title="Required">*</span>}
        </label>
        <span className="field-type">{param.type}</span>
        {!readOnly && !linked && (
          <button type="button" className="icon-btn icon-btn-small" title="Promote to pipeline parameter"
            aria-label={`Promote ${param.name} to pipeline parameter`} data-testid={`promote-${param.name}`} onClick={onPromote}>
            <Icon name="link" size={14} />
          </button>
        )}
      </div>
      {linked ? (
        <div className="linked-param" data-testid={testId} data-linked={linked}>
          <Icon name="link" size={14} />
          <span>Pipeline parameter <strong>{linked}</strong>
            {parameter ? <span className="muted"> (default {JSON.stringify(parameter.default)})</span> : <span className="problem"> (missing)</span>}
          </span>
          {!readOnly && (
            <button type="button" className="link-btn" data-testid={`unlink-${param.name}`} onClick={onUnlink}>Unlink</button>
          )}
        </div>
      ) : widgetFor(param, { value, onChange, testId, disabled: readOnly, columns, quiet: problems.length > 0 })}
      {param.description && !linked && <div className="field-hint"><RichText text={param.description} /></div>}
      {problems.map((p) => <div key={p} className="field-problem">{p}</div>)}
    </div>
  );
}
