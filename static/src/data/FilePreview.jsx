// A datastore file opened in place: the first rows of a table, or the image itself.
import { useEffect, useState } from 'react';
import { describeError } from '../api/client.js';
import { dataApi } from '../api/data.js';

const TABLE = /\.(csv|tsv|txt|parquet|pq|json|jsonl|ndjson|xlsx|xlsm)$/i;
const IMAGE = /\.(png|jpe?g|gif|bmp|webp)$/i;
export const isTable = (name) => TABLE.test(name);
export const isImage = (name) => IMAGE.test(name);

function cellText(value) {
  if (value === null || value === undefined) return <span className="null-cell">null</span>;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function FilePreview({ datastore, entry, onClose }) {
  const [table, setTable] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    setTable(null);
    setError(null);
    if (isTable(entry.name)) dataApi.tablePreview(datastore, entry.path).then(setTable, setError);
  }, [datastore, entry]);
  return (
    <div className="file-preview" data-testid="file-preview">
      <div className="section-title-row">
        <h3 className="section-title">{entry.path}</h3>
        <button type="button" className="icon-btn" aria-label="Close preview" onClick={onClose}>×</button>
      </div>
      {isImage(entry.name) && <img className="preview-image" alt={entry.name} src={dataApi.contentUrl(datastore, entry.path)} />}
      {error && <div className="callout callout-error small">{describeError(error)}</div>}
      {isTable(entry.name) && !table && !error && <div className="muted small">Reading…</div>}
      {table && (
        <>
          <div className="muted small">{table.total_rows.toLocaleString()} rows × {table.columns.length} columns (first {table.rows.length} shown)</div>
          <div className="table-scroll">
            <table className="data-table output-table">
              <thead><tr>{table.columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
              <tbody>{table.rows.map((row, i) => <tr key={i}>{row.map((v, j) => <td key={j}>{cellText(v)}</td>)}</tr>)}</tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
