// The output viewer: opens one node output of a run (table, metrics, or a model summary) in a large panel.
import { useEffect, useState } from 'react';
import { api, describeError } from '../api/client.js';
import { Icon } from '../ui/icons.jsx';
import { TableView } from './TableView.jsx';
import { MetricsView } from './MetricsView.jsx';
import { SummaryView } from './SummaryView.jsx';
import { RegisterModelButton } from '../workspace/RegisterModelDialog.jsx';

export function OutputViewer({ runId, nodeId, port, ports, onPort, onClose }) {
  const [state, setState] = useState({ loading: true, data: null, error: null });

  useEffect(() => {
    let live = true;
    setState({ loading: true, data: null, error: null });
    api.output(runId, nodeId, port, 0, 50).then(
      (data) => live && setState({ loading: false, data, error: null }),
      (error) => live && setState({ loading: false, data: null, error }),
    );
    return () => { live = false; };
  }, [runId, nodeId, port]);

  useEffect(() => {
    const onKey = (e) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const { data } = state;
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal modal-viewer" role="dialog" aria-modal="true" aria-label={`Output ${nodeId}.${port}`} data-testid="output-viewer">
        <div className="modal-header">
          <div className="viewer-title">
            <h2><span className="mono">{nodeId}</span> <span className="muted">›</span> {port}</h2>
            {data && <span className="type-pill">{data.type}</span>}
          </div>
          <div className="row gap-8">
            {ports.length > 1 && (
              <div className="segmented">
                {ports.map((p) => (
                  <button key={p} type="button" className={p === port ? 'active' : ''} onClick={() => onPort(p)}>{p}</button>
                ))}
              </div>
            )}
            {data && data.type === 'TrainedModel' && <RegisterModelButton runId={runId} nodeId={nodeId} port={port} />}
            <a className="btn btn-small" href={api.outputDownloadUrl(runId, nodeId, port)} download data-testid="btn-download-output">
              <Icon name="download" size={14} /> Download
            </a>
            <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}><Icon name="x" /></button>
          </div>
        </div>
        <div className="modal-body viewer-body">
          {state.loading && <div className="muted">Loading output…</div>}
          {state.error && <div className="callout callout-error">Could not open this output: {describeError(state.error)}</div>}
          {data && data.table && <TableView key={`${nodeId}.${port}`} runId={runId} nodeId={nodeId} port={port} initial={data} />}
          {data && data.metrics && <MetricsView metrics={data.metrics} />}
          {data && !data.table && !data.metrics && <SummaryView summary={data.summary || data.meta} />}
        </div>
      </div>
    </div>
  );
}
