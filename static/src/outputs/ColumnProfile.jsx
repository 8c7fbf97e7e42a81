// Per-column profile of a table: type, missing, distinct, min/max/mean and a small histogram.
import { formatNumber } from '../ui/StatusBadge.jsx';

function Histogram({ histogram, top }) {
  if (histogram && Array.isArray(histogram.counts) && histogram.counts.length) {
    const max = Math.max(1, ...histogram.counts);
    const edges = histogram.edges || [];
    return (
      <div className="histogram" aria-label="histogram">
        {histogram.counts.map((count, i) => (
          <span key={i} className="histogram-bar" style={{ height: `${Math.max(4, (count / max) * 100)}%` }}
            title={`${formatNumber(edges[i])} – ${formatNumber(edges[i + 1])}: ${count}`} />
        ))}
      </div>
    );
  }
  if (Array.isArray(top) && top.length) {
    const max = Math.max(1, ...top.map(([, n]) => n));
    return (
      <div className="top-values">
        {top.slice(0, 4).map(([value, count]) => (
          <div key={String(value)} className="top-value" title={`${value}: ${count}`}>
            <span className="top-label">{String(value)}</span>
            <span className="top-track"><span className="top-fill" style={{ width: `${(count / max) * 100}%` }} /></span>
            <span className="top-count">{count}</span>
          </div>
        ))}
      </div>
    );
  }
  return <span className="muted small">—</span>;
}

export function ColumnProfile({ profile, total }) {
  if (!profile.length) return <div className="muted">No profile for this table.</div>;
  return (
    <div className="table-scroll">
      <table className="data-table profile-table" data-testid="column-profile">
        <thead>
          <tr>
            <th>Column</th><th>Type</th><th className="num">Missing</th><th className="num">Distinct</th>
            <th className="num">Min</th><th className="num">Max</th><th className="num">Mean</th><th>Distribution</th>
          </tr>
        </thead>
        <tbody>
          {profile.map((col) => (
            <tr key={col.name} data-testid={`profile-${col.name}`}>
              <td className="strong">{col.name}</td>
              <td><span className="type-pill">{col.dtype}</span></td>
              <td className="num">
                {col.missing}
                {col.missing > 0 && total ? <span className="muted small"> ({formatNumber((col.missing / total) * 100)}%)</span> : null}
              </td>
              <td className="num">{col.distinct ?? '—'}</td>
              <td className="num">{col.min === null || col.min === undefined ? '—' : formatNumber(col.min)}</td>
              <td className="num">{col.max === null || col.max === undefined ? '—' : formatNumber(col.max)}</td>
              <td className="num">{col.mean === null || col.mean === undefined ? '—' : formatNumber(col.mean)}</td>
              <td className="dist-cell"><Histogram histogram={col.histogram} top={col.top} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
