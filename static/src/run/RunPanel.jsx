// The bottom run panel: run status and cancel, the node overview, the selected node's log and
// live per-epoch metrics chart, and the graph's run history.
import { Suspense, lazy, useEffect, useRef, useState } from 'react';
import { Icon } from '../ui/icons.jsx';
import { StatusBadge, formatDuration, formatNumber, formatSeconds } from '../ui/StatusBadge.jsx';
import { runHref } from '../ui/router.js';
import { RunHistory } from './RunHistory.jsx';
import { isActive } from './useRun.js';

// Chart.js loads only when a chart is first shown.
const EpochChart = lazy(() => import('./EpochChart.jsx').then((m) => ({ default: m.EpochChart })));

function LogView({ text }) {
  const box = useRef(null);
  useEffect(() => {
    if (box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [text]);
  return <pre className="log-view" ref={box} data-testid="node-log">{text}</pre>;
}

/** A node's log; a failed node also shows its error and traceback (its log may be empty). */
function NodeLog({ text, state, nodeId }) {
  const failed = state && state.status === 'failed' && (state.error || state.traceback);
  if (!text && !failed) {
    return <div className="empty-panel">No log output from <span className="mono">{nodeId}</span> yet.</div>;
  }
  return (
    <div className="node-log-pane">
      {failed && (
        <div className="callout callout-error small" data-testid="node-log-error">
          <strong>{nodeId} failed:</strong> {state.error}
          {state.traceback && <pre className="log-view log-traceback" data-testid="node-log-traceback">{state.traceback}</pre>}
        </div>
      )}
      {text && <LogView text={text} />}
    </div>
  );
}

function FinalMetrics({ values }) {
  const entries = Object.entries(values).filter(([, v]) => typeof v === 'number');
  if (!entries.length) return null;
  return (
    <table className="data-table compact final-metrics">
      <thead><tr><th>Metric</th><th className="num">Value</th></tr></thead>
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name}><td>{name}</td><td className="num" data-testid={`run-metric-${name}`}>{formatNumber(value)}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

export function RunPanel({ runState, selectedNodeId, doc, graphId, onCancel, onSelectNode, onShowRun, historyKey, open, setOpen }) {
  const { run, logs, epochs, finals, loadLog, loadMetrics } = runState;
  const [tab, setTab] = useState(graphId ? 'history' : 'overview');
  const runId = run ? run.run_id : null;
  const nodeState = run && selectedNodeId && run.nodes ? run.nodes[selectedNodeId] : null;
  const nodeStatus = nodeState && nodeState.status;

  useEffect(() => { if (runId && graphId) setTab('overview'); }, [runId, graphId]);
  useEffect(() => {
    if (runId && selectedNodeId) {
      loadLog(selectedNodeId);
      loadMetrics(selectedNodeId);
    }
  }, [runId, selectedNodeId, nodeStatus, loadLog, loadMetrics]);

  const tabs = [
    ['overview', 'Run', 'panel'],
    ['log', 'Log', 'terminal'],
    ['metrics', 'Metrics', 'chart'],
    ...(graphId ? [['history', 'Runs', 'history']] : []),
  ];
  const chooseTab = (key) => { setTab(key); setOpen(true); };
  const nodeEpochs = selectedNodeId ? epochs[selectedNodeId] : null;
  const nodeFinal = selectedNodeId ? (finals[selectedNodeId] || (nodeState && nodeState.metrics)) : null;

  return (
    <section className={`run-panel${open ? ' open' : ''}`} data-testid="run-panel">
      <div className="run-panel-bar">
        <div className="tabs tabs-inline" role="tablist">
          {tabs.map(([key, label, icon]) => (
            <button key={key} type="button" role="tab" aria-selected={open && tab === key}
              className={`tab${open && tab === key ? ' active' : ''}`} onClick={() => chooseTab(key)} data-testid={`run-tab-${key}`}>
              <Icon name={icon} size={14} /> {label}
            </button>
          ))}
        </div>
        <div className="run-panel-status">
          {run ? (
            <>
              <StatusBadge status={run.status} testId="run-status" />
              <a className="mono small plain-link" href={runHref(run.run_id)} title="Open this run">{run.run_id}</a>
              <span className="muted small">{formatDuration(run.started_at, run.finished_at)}</span>
              {isActive(run.status) && onCancel && (
                <button type="button" className="btn btn-small btn-danger-outline" data-testid="btn-cancel" onClick={onCancel}>
                  <Icon name="stop" size={13} /> Cancel
                </button>
              )}
            </>
          ) : <span className="muted small">No run selected</span>}
          <button type="button" className="icon-btn" aria-label={open ? 'Collapse run panel' : 'Expand run panel'} onClick={() => setOpen(!open)}>
            <Icon name={open ? 'chevronDown' : 'chevronRight'} />
          </button>
        </div>
      </div>
      {open && (
        <div className="run-panel-body">
          {tab === 'overview' && (
            run ? (
              <div className="node-overview">
                {run.error && <div className="callout callout-error small">{run.error}</div>}
                <table className="data-table compact">
                  <thead><tr><th>Node</th><th>Status</th><th>Time</th><th>Message</th></tr></thead>
                  <tbody>
                    {doc.nodes.filter((n) => run.nodes && run.nodes[n.id]).map((n) => {
                      const s = run.nodes[n.id];
                      return (
                        <tr key={n.id} className={`clickable${n.id === selectedNodeId ? ' row-active' : ''}`} onClick={() => onSelectNode(n.id)}>
                          <td className="mono">{n.id}</td>
                          <td><StatusBadge status={s.status} /></td>
                          <td>{s.cached ? 'cache' : formatSeconds(s.seconds)}</td>
                          <td className="ellipsis-cell" title={s.error || s.progress_message || ''}>
                            {s.error ? <span className="problem">{s.error}</span> : (s.status === 'running' ? s.progress_message || '' : '')}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            ) : <div className="empty-panel">No run yet. Press <strong>Submit</strong> to run the pipeline; statuses appear on the nodes and here.</div>
          )}
          {tab === 'log' && (
            !run ? <div className="empty-panel">Logs appear here once the pipeline has run.</div>
              : !selectedNodeId ? <div className="empty-panel">Select a node on the canvas to see its log.</div>
                : <NodeLog text={logs[selectedNodeId]} state={run.nodes && run.nodes[selectedNodeId]} nodeId={selectedNodeId} />
          )}
          {tab === 'metrics' && (
            !run ? <div className="empty-panel">Training curves appear here while a model trains.</div>
              : !selectedNodeId ? <div className="empty-panel">Select a training node to see its loss and accuracy per epoch.</div>
                : (nodeEpochs && nodeEpochs.length) || nodeFinal ? (
                  <div className="metrics-pane">
                    {nodeEpochs && nodeEpochs.length > 0 && <div className="metrics-pane-chart"><Suspense fallback={<div className="muted small">Loading chart…</div>}><EpochChart events={nodeEpochs} /></Suspense></div>}
                    {nodeFinal && <FinalMetrics values={nodeFinal} />}
                  </div>
                ) : <div className="empty-panel">No metrics from <span className="mono">{selectedNodeId}</span>.</div>
          )}
          {tab === 'history' && graphId && (
            <RunHistory graphId={graphId} refreshKey={historyKey} activeRunId={runId} onShowRun={onShowRun} />
          )}
        </div>
      )}
    </section>
  );
}
