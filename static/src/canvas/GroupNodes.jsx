// Groups on the canvas: a titled frame behind its nodes (dragging it moves them), and a group
// shown collapsed as one node whose ports are the component's own inputs and outputs.
import { memo, useState } from 'react';
import { Handle, Position } from '@xyflow/react';
import { nodeIdClass, portLabelClass } from './textFit.js';
import { Icon } from '../ui/icons.jsx';

function FrameView({ data, selected }) {
  const { group, onRename, onCollapse, readOnly } = data;
  const [editing, setEditing] = useState(false);
  return (
    <div className={`group-frame${selected ? ' group-frame-selected' : ''}`} data-testid={`group-${group.id}`}>
      <div className="group-frame-title">
        {editing && !readOnly ? (
          <input className="input group-title-input nodrag" autoFocus defaultValue={group.title || ''} aria-label="Group title"
            data-testid={`group-title-input-${group.id}`}
            onBlur={(e) => { onRename(group.id, e.target.value); setEditing(false); }}
            onKeyDown={(e) => { if (e.key === 'Enter' || e.key === 'Escape') e.currentTarget.blur(); }} />
        ) : (
          <span className="group-title-text" data-testid={`group-title-${group.id}`} title="Double-click to rename"
            onDoubleClick={(e) => { e.stopPropagation(); setEditing(true); }}>{group.title || 'Group'}</span>
        )}
        {group.component && !readOnly && (
          <button type="button" className="link-btn nodrag" data-testid={`btn-collapse-${group.id}`}
            onClick={(e) => { e.stopPropagation(); onCollapse(group.id); }}>Collapse</button>
        )}
      </div>
    </div>
  );
}

const STATUS_ORDER = ['failed', 'running', 'queued', 'cancelled', 'completed', 'cached', 'skipped'];

function CollapsedView({ data, selected }) {
  const { group, ports, colourOf, status, onExpand, readOnly } = data;
  const rows = Math.max(ports.inputs.length, ports.outputs.length);
  return (
    <div className={`pnode pnode-component pnode-${status}${selected ? ' pnode-selected' : ''}`} data-testid={`component-node-${group.id}`}
      data-status={status}>
      <div className="pnode-header">
        <div className="pnode-titles">
          <div className="pnode-title"><Icon name="layout" size={12} /> {group.title || 'Component'}</div>
          <div className={nodeIdClass(`component · ${group.nodes.length} nodes`, true)}>component · {group.nodes.length} nodes</div>
        </div>
        {!readOnly && (
          <button type="button" className="btn btn-small nodrag" data-testid={`btn-expand-${group.id}`}
            onClick={(e) => { e.stopPropagation(); onExpand(group.id); }}>Expand</button>
        )}
      </div>
      {rows > 0 && (
        <div className="pnode-ports">
          {Array.from({ length: rows }, (_, i) => {
            const input = ports.inputs[i];
            const output = ports.outputs[i];
            return (
              <div className="port-row" key={i}>
                {input ? (
                  <>
                    <Handle type="target" position={Position.Left} id={`${input.node}::${input.port}`} className="port-handle"
                      style={{ '--port-colour': colourOf(input.type) }} isConnectable={!readOnly}
                      data-testid={`handle-${group.id}-in-${input.name}`} title={`${input.name}: ${input.type}`} />
                    <span className={`${portLabelClass(input.name)} port-label-in`}>{input.name}</span>
                  </>
                ) : <span />}
                {output ? (
                  <>
                    <span className={`${portLabelClass(output.name)} port-label-out`}>{output.name}</span>
                    <Handle type="source" position={Position.Right} id={`${output.node}::${output.port}`} className="port-handle"
                      style={{ '--port-colour': colourOf(output.type) }} isConnectable={!readOnly}
                      data-testid={`handle-${group.id}-out-${output.name}`} title={`${output.name}: ${output.type}`} />
                  </>
                ) : <span />}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}

/** The status a collapsed group shows: the most telling of its nodes' statuses. */
export function groupStatus(group, runNodes) {
  if (!runNodes) return 'idle';
  const statuses = group.nodes.map((n) => runNodes[n] && runNodes[n].status).filter(Boolean);
  if (!statuses.length) return 'idle';
  if (statuses.length === group.nodes.length && statuses.every((s) => s === 'cached')) return 'cached';
  if (statuses.length === group.nodes.length && statuses.every((s) => s === 'completed' || s === 'cached')) return 'completed';
  return STATUS_ORDER.find((s) => statuses.includes(s) && s !== 'completed' && s !== 'cached') || 'running';
}

export const GroupFrame = memo(FrameView);
export const CollapsedGroup = memo(CollapsedView);
