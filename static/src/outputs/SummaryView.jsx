// Summary of a non-tabular output (models, transformations, image sets): readable key/values,
// lists, per-column numbers, file lists, and a training history drawn as a chart.
import { formatNumber } from '../ui/StatusBadge.jsx';
import { EpochChart } from '../run/EpochChart.jsx';

const MAX_ITEMS = 40;
const MAX_ROWS = 12;
const isPlain = (v) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const text = (v) => (v === null || v === undefined ? '—' : typeof v === 'number' ? formatNumber(v) : String(v));

function ListValue({ items }) {
  const shown = items.slice(0, MAX_ITEMS).map(text).join(', ');
  return <span>{shown}{items.length > MAX_ITEMS ? ` … (+${items.length - MAX_ITEMS} more)` : ''}</span>;
}

function RowsValue({ rows }) {
  const columns = [];
  rows.forEach((r) => Object.keys(r).forEach((k) => !columns.includes(k) && columns.push(k)));
  return (
    <div className="nested-table">
      <table className="data-table compact">
        <thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
        <tbody>
          {rows.slice(0, MAX_ROWS).map((row, i) => (
            <tr key={i}>{columns.map((c) => <td key={c} className={typeof row[c] === 'number' ? 'num' : ''}>{isPlain(row[c]) ? text(row[c]) : JSON.stringify(row[c])}</td>)}</tr>
          ))}
        </tbody>
      </table>
      {rows.length > MAX_ROWS && <div className="muted small pad-top-4">… {rows.length - MAX_ROWS} more rows</div>}
    </div>
  );
}

function ObjectValue({ value }) {
  const entries = Object.entries(value);
  if (!entries.length) return <span className="muted">—</span>;
  return (
    <div className="nested-kv">
      {entries.slice(0, MAX_ITEMS).map(([k, v]) => (
        <div key={k} className="nested-kv-row">
          <span className="muted">{k}</span>
          <span className={typeof v === 'number' ? 'num' : ''}>{isPlain(v) ? text(v) : Array.isArray(v) && v.every(isPlain) ? <ListValue items={v} /> : JSON.stringify(v)}</span>
        </div>
      ))}
      {entries.length > MAX_ITEMS && <div className="muted small">… {entries.length - MAX_ITEMS} more</div>}
    </div>
  );
}

function Value({ name, value }) {
  if (isPlain(value)) return <span>{text(value)}</span>;
  if (Array.isArray(value)) {
    if (value.every(isPlain)) return <ListValue items={value} />;
    const objects = value.filter((v) => v && typeof v === 'object' && !Array.isArray(v));
    if (objects.length === value.length) {
      if (objects.some((o) => typeof o.epoch === 'number') || name === 'history') {
        return <div className="summary-chart"><EpochChart events={objects} /></div>;
      }
      return <RowsValue rows={objects} />;
    }
    return <span className="mono small">{JSON.stringify(value)}</span>;
  }
  return <ObjectValue value={value} />;
}

export function SummaryView({ summary }) {
  const entries = Object.entries(summary || {});
  if (!entries.length) return <div className="muted">No preview for this output type; download it instead.</div>;
  return (
    <div className="summary-scroll">
      <table className="data-table summary-table" data-testid="output-summary">
        <tbody>
          {entries.map(([key, value]) => (
            <tr key={key}>
              <td className="strong summary-key">{key}</td>
              <td className="wrap"><Value name={key} value={value} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
