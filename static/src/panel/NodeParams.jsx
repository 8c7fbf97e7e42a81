// The selected node's settings: description, parameters, comment and compute override.
import { promoteParam, setComment, setNodeCompute, setParam, unlinkParam, edgeInto } from '../model/document.js';
import { ParamRow } from './ParamRow.jsx';
import { RichText } from '../ui/RichText.jsx';

/**
 * The upstream columns a parameter can pick from: those of the table feeding the input the
 * parameter is named after (`left_keys` → input `left`), else of the first connected table input.
 */
export function upstreamColumns(doc, node, spec, columns, paramName = '') {
  if (!columns || !spec) return null;
  const tables = spec.inputs.filter((i) => i.type === 'DataFrame' || i.type === 'Any');
  const named = tables.filter((i) => paramName.startsWith(i.name));
  const inputs = [...named, ...tables.filter((i) => !named.includes(i))];
  for (const input of inputs) {
    const edge = edgeInto(doc, node.id, input.name);
    const cols = edge && columns[edge.source] && columns[edge.source][edge.source_port];
    if (cols && cols.length) return cols;
  }
  return null;
}

export function NodeParams({ doc, node, spec, edit, readOnly, columns, errors, computeTargets }) {
  const values = node.params || {};
  const nodeErrors = errors || [];
  const problemsFor = (name) => nodeErrors.filter((e) => e.message && e.message.includes(`'${name}'`)).map((e) => e.message);
  const otherProblems = nodeErrors.filter((e) => !(spec && spec.params.some((p) => e.message && e.message.includes(`'${p.name}'`))));

  return (
    <div className="panel-section-list">
      {spec && spec.description && <p className="component-description"><RichText text={spec.description} /></p>}
      {otherProblems.length > 0 && (
        <div className="callout callout-error small">
          {otherProblems.map((e, i) => <div key={i}>{e.port ? <strong>{e.port}: </strong> : null}{e.message}</div>)}
        </div>
      )}
      <section className="panel-section">
        <h3 className="section-title">Parameters</h3>
        {!spec && <div className="muted small">Unknown component “{node.component}”: its parameters cannot be shown.</div>}
        {spec && spec.params.length === 0 && <div className="muted small">This component has no parameters.</div>}
        {spec && spec.params.map((param) => (
          <ParamRow
            key={param.name}
            param={param}
            value={values[param.name] !== undefined ? values[param.name] : param.default}
            columns={upstreamColumns(doc, node, spec, columns, param.name)}
            problems={problemsFor(param.name)}
            readOnly={readOnly}
            pipelineParameters={doc.parameters}
            onChange={(v) => edit((d) => setParam(d, node.id, param.name, v), `param:${node.id}:${param.name}`, v)}
            onPromote={() => edit((d) => promoteParam(d, node.id, param, d.nodes.find((n) => n.id === node.id).params[param.name])[0])}
            onUnlink={() => edit((d) => unlinkParam(d, node.id, param.name))}
          />
        ))}
      </section>
      <section className="panel-section">
        <h3 className="section-title">Comment</h3>
        <textarea className="input textarea" rows={2} placeholder="A note shown on the node" value={node.comment || ''}
          data-testid="node-comment-input" disabled={readOnly}
          onChange={(e) => { const v = e.target.value; edit((d) => setComment(d, node.id, v), `comment:${node.id}`, v); }} />
      </section>
      <section className="panel-section">
        <h3 className="section-title">Compute</h3>
        <select className="input" value={node.compute || ''} data-testid="node-compute" disabled={readOnly}
          onChange={(e) => { const v = e.target.value; edit((d) => setNodeCompute(d, node.id, v)); }}>
          <option value="">(pipeline default{doc.default_compute ? `: ${doc.default_compute}` : ''})</option>
          {node.compute && !computeTargets.some((t) => t.name === node.compute) && <option value={node.compute}>{node.compute}</option>}
          {computeTargets.map((t) => <option key={t.name} value={t.name}>{t.name} ({t.kind})</option>)}
        </select>
      </section>
    </div>
  );
}
