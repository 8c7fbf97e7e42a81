// The selected node's run results: status, timing, error with traceback, and its outputs to open.
import { api } from '../api/client.js';
import { StatusBadge, formatNumber, formatSeconds } from '../ui/StatusBadge.jsx';
import { Icon } from '../ui/icons.jsx';
import { RegisterOutputButton } from '../data/RegisterOutputButton.jsx';

export function NodeOutputs({ runId, nodeId, spec, state, onOpenOutput }) {
  if (!runId) {
    return <div className="empty-panel">No run yet. Submit the pipeline to see this node’s outputs here.</div>;
  }
  if (!state) {
    return <div className="empty-panel">This node was not part of the selected run.</div>;
  }
  const outputs = state.outputs || {};
  const ports = (spec && spec.outputs) || Object.keys(outputs).map((name) => ({ name, type: outputs[name].type }));
  const metrics = state.metrics && typeof state.metrics === 'object' ? Object.entries(state.metrics) : [];
  return (
    <div className="panel-section-list">
      <section className="panel-section">
        <div className="kv-grid">
          <span className="muted">Status</span><span><StatusBadge status={state.status} testId="node-run-status" /></span>
          <span className="muted">Duration</span><span>{state.cached ? 'reused from cache' : formatSeconds(state.seconds)}</span>
          {state.compute && (<><span className="muted">Compute</span><span>{state.compute}</span></>)}
        </div>
      </section>
      {state.error && (
        <section className="panel-section">
          <h3 className="section-title">Error</h3>
          <div className="callout callout-error small" data-testid="node-run-error">{state.error}</div>
          {state.traceback && (
            <details className="traceback"><summary>Traceback</summary><pre>{state.traceback}</pre></details>
          )}
        </section>
      )}
      {metrics.length > 0 && (
        <section className="panel-section">
          <h3 className="section-title">Metrics</h3>
          <table className="data-table compact">
            <tbody>
              {metrics.map(([name, value]) => (
                <tr key={name}><td>{name}</td><td className="num">{typeof value === 'object' ? JSON.stringify(value) : formatNumber(value)}</td></tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section className="panel-section">
        <h3 className="section-title">Outputs</h3>
        {ports.length === 0 && <div className="muted small">This component has no outputs.</div>}
        <ul className="output-list">
          {ports.map((port) => {
            const available = Boolean(outputs[port.name]);
            return (
              <li key={port.name} className="output-item">
                <div>
                  <div className="output-name">{port.name}</div>
                  <div className="muted small">{port.type}</div>
                </div>
                {available ? (
                  <div className="row gap-4">
                    <button type="button" className="btn btn-small" data-testid={`btn-view-output-${port.name}`}
                      onClick={() => onOpenOutput(nodeId, port.name)}>View</button>
                    <a className="icon-btn" title="Download" aria-label={`Download ${port.name}`}
                      href={api.outputDownloadUrl(runId, nodeId, port.name)} download><Icon name="download" size={14} /></a>
                    <RegisterOutputButton runId={runId} nodeId={nodeId} port={port.name} type={port.type}
                      finished={['completed', 'cached'].includes(state.status)} />
                  </div>
                ) : <span className="muted small">not produced</span>}
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}
