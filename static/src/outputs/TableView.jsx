// DataFrame output: a paged table of rows and, beside it, a profile of every column.
import { useState } from 'react';
import { api, describeError } from '../api/client.js';
import { formatNumber } from '../ui/StatusBadge.jsx';
import { ColumnProfile } from './ColumnProfile.jsx';

const PAGE = 50;

function cell(value) {
  if (value === null || value === undefined) return <span className="null-cell">null</span>;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** `loadPage(offset, limit)` fetches another page (default: the run output's); it resolves to {table} or the table. */
export function TableView({ runId, nodeId, port, initial, loadPage }) {
  const [table, setTable] = useState(initial.table);
  const [view, setView] = useState('rows');
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(false);
  const profile = initial.profile || [];
  const total = table ? table.total_rows : 0;
  const offset = table ? table.offset : 0;
  const limit = table && table.limit ? table.limit : PAGE;

  const go = async (nextOffset) => {
    setLoading(true);
    try {
      const data = loadPage ? await loadPage(Math.max(0, nextOffset), limit)
        : await api.output(runId, nodeId, port, Math.max(0, nextOffset), limit);
      setTable(data.table || data);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setLoading(false);
    }
  };

  if (!table) return <div className="muted">This output has no table preview.</div>;
  const last = Math.min(offset + table.rows.length, total);
  return (
    <div className="table-view">
      <div className="table-toolbar">
        <div className="segmented" role="tablist">
          <button type="button" className={view === 'rows' ? 'active' : ''} onClick={() => setView('rows')} data-testid="view-rows">Rows</button>
          <button type="button" className={view === 'profile' ? 'active' : ''} onClick={() => setView('profile')} data-testid="view-profile">Column profile</button>
        </div>
        <span className="muted small">{total.toLocaleString()} rows × {table.columns.length} columns</span>
        {view === 'rows' && (
          <div className="pager">
            <span className="small" data-testid="page-range">{total ? `${offset + 1}–${last}` : '0'} of {total.toLocaleString()}</span>
            <button type="button" className="btn btn-small" disabled={offset === 0 || loading} onClick={() => go(offset - limit)} data-testid="page-prev">Previous</button>
            <button type="button" className="btn btn-small" disabled={last >= total || loading} onClick={() => go(offset + limit)} data-testid="page-next">Next</button>
          </div>
        )}
      </div>
      {error && <div className="callout callout-error small">{error}</div>}
      {view === 'rows' ? (
        <div className="table-scroll">
          <table className="data-table output-table" data-testid="output-table">
            <thead>
              <tr>
                <th className="row-index">#</th>
                {table.columns.map((c) => <th key={c} title={c}>{c}</th>)}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, i) => (
                <tr key={offset + i}>
                  <td className="row-index">{offset + i + 1}</td>
                  {row.map((value, j) => <td key={j} className={typeof value === 'number' ? 'num' : ''}>{cell(value)}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <ColumnProfile profile={profile} total={total} />
      )}
    </div>
  );
}
