// The right-hand panel: pipeline settings when nothing is selected, else the node's parameters and outputs.
import { useEffect, useState } from 'react';
import { NodeParams } from './NodeParams.jsx';
import { NodeOutputs } from './NodeOutputs.jsx';
import { PipelinePanel } from './PipelinePanel.jsx';

export function SidePanel({ doc, catalogue, selection, edit, readOnly, columns, errorsByNode, computeTargets, runId, runNodes, onOpenOutput, preferOutputs }) {
  const nodeId = selection.nodes.length === 1 ? selection.nodes[0] : null;
  const node = nodeId ? doc.nodes.find((n) => n.id === nodeId) : null;
  const [tab, setTab] = useState(preferOutputs ? 'outputs' : 'params');
  useEffect(() => { if (preferOutputs) setTab('outputs'); }, [preferOutputs]);

  if (selection.nodes.length > 1) {
    return (
      <aside className="side-panel">
        <div className="side-panel-header"><h2>{selection.nodes.length} nodes selected</h2></div>
        <div className="empty-panel">Move them together, copy them (Ctrl+C) or delete them (Delete). Select one node to edit its parameters.</div>
      </aside>
    );
  }
  if (!node) {
    return (
      <aside className="side-panel">
        <div className="side-panel-header"><h2>Pipeline settings</h2></div>
        <div className="side-panel-body">
          <PipelinePanel doc={doc} edit={edit} readOnly={readOnly} computeTargets={computeTargets} />
        </div>
      </aside>
    );
  }
  const spec = catalogue.specOf(node.component);
  const state = runNodes ? runNodes[node.id] : null;
  return (
    <aside className="side-panel" data-testid="node-panel">
      <div className="side-panel-header">
        <h2 title={spec ? spec.name : node.component}>{spec ? spec.name : node.component}</h2>
        <div className="muted small mono ellipsis" title={node.id}>{node.id}</div>
      </div>
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'params'} className={`tab${tab === 'params' ? ' active' : ''}`}
          onClick={() => setTab('params')} data-testid="tab-params">Parameters</button>
        <button type="button" role="tab" aria-selected={tab === 'outputs'} className={`tab${tab === 'outputs' ? ' active' : ''}`}
          onClick={() => setTab('outputs')} data-testid="tab-outputs">
          Outputs{state && state.status ? <span className={`tab-dot status-${state.status}`} /> : null}
        </button>
      </div>
      <div className="side-panel-body">
        {tab === 'params' ? (
          <NodeParams doc={doc} node={node} spec={spec} edit={edit} readOnly={readOnly} columns={columns}
            errors={errorsByNode ? errorsByNode[node.id] : null} computeTargets={computeTargets} />
        ) : (
          <NodeOutputs runId={runId} nodeId={node.id} spec={spec} state={state} onOpenOutput={onOpenOutput} />
        )}
      </div>
    </aside>
  );
}
