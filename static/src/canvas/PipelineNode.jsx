// One pipeline node on the canvas: title, id, typed ports with labels, run status, errors, comment.
import { memo } from 'react';
import { Handle, Position } from '@xyflow/react';
import { Icon } from '../ui/icons.jsx';
import { nodeIdClass, portLabelClass } from './textFit.js';

function PortRow({ nodeId, input, output, colourOf, errorPorts, outputs, onOpenOutput, readOnly }) {
  const hasOutput = output && outputs && outputs[output.name];
  return (
    <div className="port-row">
      {input ? (
        <>
          <Handle
            type="target"
            position={Position.Left}
            id={input.name}
            data-testid={`handle-${nodeId}-in-${input.name}`}
            className={`port-handle${errorPorts.has(input.name) ? ' port-error' : ''}`}
            style={{ '--port-colour': colourOf(input.type) }}
            isConnectable={!readOnly}
            title={`${input.name}: ${input.type}${input.optional ? ' (optional)' : ''}`}
          />
          <span className={`${portLabelClass(input.name, input.optional)} port-label-in${input.optional ? ' optional' : ''}`} title={`${input.name}: ${input.type}`}>
            {input.name}
          </span>
        </>
      ) : <span />}
      {output ? (
        <>
          <span
            className={`${portLabelClass(output.name)} port-label-out${hasOutput ? ' has-output' : ''}`}
            title={hasOutput ? `Open ${output.name} (${output.type})` : `${output.name}: ${output.type}`}
            onClick={hasOutput ? (e) => { e.stopPropagation(); onOpenOutput(nodeId, output.name); } : undefined}
          >
            {output.name}
          </span>
          <Handle
            type="source"
            position={Position.Right}
            id={output.name}
            data-testid={`handle-${nodeId}-out-${output.name}`}
            className={`port-handle${hasOutput ? ' port-has-output' : ''}${errorPorts.has(output.name) ? ' port-error' : ''}`}
            style={{ '--port-colour': colourOf(output.type) }}
            isConnectable={!readOnly}
            title={`${output.name}: ${output.type}${hasOutput ? ' — click to view' : ''}`}
            onClick={hasOutput ? (e) => { e.stopPropagation(); onOpenOutput(nodeId, output.name); } : undefined}
          />
        </>
      ) : <span />}
    </div>
  );
}

function PipelineNodeView({ data, selected }) {
  const { node, spec, state, errors, colourOf, onOpenOutput, readOnly } = data;
  const status = (state && state.status) || 'idle';
  const inputs = (spec && spec.inputs) || [];
  const outputs = (spec && spec.outputs) || [];
  const rows = Math.max(inputs.length, outputs.length);
  const errorPorts = new Set((errors || []).map((e) => e.port).filter(Boolean));
  const hasErrors = errors && errors.length > 0;
  const classes = ['pnode', `pnode-${status}`];
  if (selected) classes.push('pnode-selected');
  if (hasErrors) classes.push('pnode-invalid');
  if (!spec) classes.push('pnode-unknown');

  return (
    <div className={classes.join(' ')} data-testid={`node-${node.id}`} data-status={status}>
      <div className="pnode-header">
        <div className="pnode-titles">
          <div className="pnode-title" title={spec ? spec.description : `Unknown component ${node.component}`}>
            {spec ? spec.name : node.component}
          </div>
          <div className={nodeIdClass(node.id, status !== 'idle')}>{node.id}</div>
        </div>
        {status !== 'idle' && (
          <span className={`pnode-status status-${status}`} title={status === 'cached' ? 'Reused from cache' : status}>
            {status === 'cached' ? <Icon name="recycle" size={13} /> : <span className="status-dot" />}
            <span className="capitalize" data-testid={status === 'cached' ? `node-cached-${node.id}` : undefined}>{status}</span>
          </span>
        )}
      </div>
      {status === 'running' && (
        <div className="pnode-progress" title={(state && state.progress_message) || ''}>
          <div className="pnode-progress-bar" style={{ width: `${Math.round(((state && state.progress) || 0) * 100)}%` }} />
        </div>
      )}
      {rows > 0 && (
        <div className="pnode-ports">
          {Array.from({ length: rows }, (_, i) => (
            <PortRow key={i} nodeId={node.id} input={inputs[i]} output={outputs[i]} colourOf={colourOf}
              errorPorts={errorPorts} outputs={state && state.outputs} onOpenOutput={onOpenOutput} readOnly={readOnly} />
          ))}
        </div>
      )}
      {status === 'running' && state && state.progress_message && (
        <div className="pnode-footnote">{state.progress_message}</div>
      )}
      {status === 'failed' && state && state.error && (
        <div className="pnode-run-error" data-testid={`node-run-error-${node.id}`} title={state.error}>{state.error}</div>
      )}
      {hasErrors && (
        <div className="pnode-error" data-testid={`node-error-${node.id}`} title={errors.map((e) => e.message).join('\n')}>
          {errors.length > 1 ? `${errors.length} problems: ${errors[0].message}` : errors[0].message}
        </div>
      )}
      {node.comment && (
        <div className="pnode-comment" title={node.comment}>
          <Icon name="comment" size={12} />
          <span data-testid={`node-comment-${node.id}`}>{node.comment}</span>
        </div>
      )}
    </div>
  );
}

export const PipelineNode = memo(PipelineNodeView);
