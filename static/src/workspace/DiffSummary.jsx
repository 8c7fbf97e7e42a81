// What changed between two revisions of a pipeline, in words: nodes, edges and parameters added, removed, changed.
const show = (value) => (value === undefined || value === null ? '—' : typeof value === 'object' ? JSON.stringify(value) : String(value));
const edgeText = (e) => `${e.source}.${e.source_port} → ${e.target}.${e.target_port}`;

export function DiffSummary({ diff }) {
  if (!diff) return null;
  if (diff.empty) return <p className="muted small" data-testid="diff-empty">No change to what the pipeline computes (nodes may have moved).</p>;
  const { nodes, edges, parameters, fields } = diff;
  const changed = nodes.changed.filter((c) => Object.keys(c).some((k) => !['id', 'moved'].includes(k)));
  return (
    <ul className="diff-list small" data-testid="diff-summary">
      {Object.entries(fields || {}).map(([name, change]) => (
        <li key={`f-${name}`} className="diff-changed"><strong>{name}</strong>: {show(change.old)} → {show(change.new)}</li>
      ))}
      {nodes.added.map((n) => <li key={`na-${n.id}`} className="diff-added">+ node <span className="mono">{n.id}</span> ({n.component})</li>)}
      {nodes.removed.map((n) => <li key={`nr-${n.id}`} className="diff-removed">− node <span className="mono">{n.id}</span> ({n.component})</li>)}
      {changed.map((c) => (
        <li key={`nc-${c.id}`} className="diff-changed">
          ~ node <span className="mono">{c.id}</span>
          {c.component && <> component {show(c.component.old)} → {show(c.component.new)}</>}
          {c.compute && <> compute {show(c.compute.old)} → {show(c.compute.new)}</>}
          {Object.entries(c.params || {}).map(([name, change]) => (
            <div key={name} className="diff-param"><span className="mono">{name}</span>: {show(change.old)} → {show(change.new)}</div>
          ))}
        </li>
      ))}
      {edges.added.map((e) => <li key={`ea-${edgeText(e)}`} className="diff-added">+ edge <span className="mono">{edgeText(e)}</span></li>)}
      {edges.removed.map((e) => <li key={`er-${edgeText(e)}`} className="diff-removed">− edge <span className="mono">{edgeText(e)}</span></li>)}
      {parameters.added.map((p) => <li key={`pa-${p.name}`} className="diff-added">+ pipeline parameter <span className="mono">{p.name}</span></li>)}
      {parameters.removed.map((p) => <li key={`pr-${p.name}`} className="diff-removed">− pipeline parameter <span className="mono">{p.name}</span></li>)}
      {parameters.changed.map((p) => <li key={`pc-${p.name}`} className="diff-changed">~ pipeline parameter <span className="mono">{p.name}</span>: {show(p.old)} → {show(p.new)}</li>)}
    </ul>
  );
}
