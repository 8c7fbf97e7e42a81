// The component palette: categories from the catalogue, a search box, drag items onto the canvas.
import { useMemo, useState } from 'react';
import { Icon } from '../ui/icons.jsx';
import { DRAG_MIME, SUBGRAPH_DRAG_PREFIX } from '../canvas/Canvas.jsx';
import { matchesQuery } from './search.js';
import { DatasetsSection } from './DatasetsSection.jsx';

function PortDots({ ports, colourOf }) {
  return (
    <span className="port-dots" aria-hidden="true">
      {ports.map((p) => <span key={p.name} className="port-dot" style={{ background: colourOf(p.type) }} />)}
    </span>
  );
}

/** The graph's own components ("Make component"): drag or double-click one to add a copy. */
function MyComponents({ components, onAdd, query }) {
  const shown = components.filter((c) => !query || (c.name || '').toLowerCase().includes(query.toLowerCase()));
  if (!shown.length) return null;
  return (
    <section className="palette-group" data-testid="palette-my-components">
      <div className="palette-group-title"><Icon name="layout" size={14} /><span>My components</span><span className="count">{shown.length}</span></div>
      <ul className="palette-items">
        {shown.map((c) => (
          <li key={c.id}>
            <div className="palette-item" draggable tabIndex={0} data-testid={`palette-subgraph-${c.id}`}
              title={`${c.nodes.length} nodes. Drag onto the canvas, or double-click to add a copy.`}
              onDragStart={(e) => {
                e.dataTransfer.setData(DRAG_MIME, `${SUBGRAPH_DRAG_PREFIX}${c.id}`);
                e.dataTransfer.effectAllowed = 'copy';
              }}
              onDoubleClick={() => onAdd(c.id)} onKeyDown={(e) => { if (e.key === 'Enter') onAdd(c.id); }}>
              <span className="palette-item-name">{c.name}</span>
              <span className="muted small">{c.nodes.length} nodes</span>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Palette({ catalogue, onAdd, components = [], onAddComponent }) {
  const [query, setQuery] = useState('');
  const [collapsed, setCollapsed] = useState({});
  const groups = useMemo(() => catalogue.categories
    .map((g) => ({ ...g, components: g.components.filter((c) => matchesQuery(c, query)) }))
    .filter((g) => g.components.length > 0), [catalogue.categories, query]);

  const onDragStart = (event, component) => {
    event.dataTransfer.setData(DRAG_MIME, component.id);
    event.dataTransfer.setData('text/plain', component.id);
    event.dataTransfer.effectAllowed = 'copy';
  };

  return (
    <aside className="palette" aria-label="Components">
      <div className="sidebar-header">
        <div className="search-box">
          <Icon name="search" />
          <input type="search" placeholder="Search components" value={query} onChange={(e) => setQuery(e.target.value)}
            data-testid="palette-search" aria-label="Search components" />
        </div>
      </div>
      <div className="palette-scroll">
        <DatasetsSection query={query} onAdd={onAdd} />
        {onAddComponent && <MyComponents components={components} onAdd={onAddComponent} query={query} />}
        {groups.map((group) => {
          const open = query || !collapsed[group.name];
          return (
            <section key={group.name} className="palette-group">
              <button type="button" className="palette-group-title" aria-expanded={Boolean(open)}
                onClick={() => setCollapsed((c) => ({ ...c, [group.name]: !c[group.name] }))}>
                <Icon name={open ? 'chevronDown' : 'chevronRight'} size={14} />
                <span>{group.name}</span>
                <span className="count">{group.components.length}</span>
              </button>
              {open && (
                <ul className="palette-items">
                  {group.components.map((c) => (
                    <li key={c.id}>
                      <div className="palette-item" draggable data-testid={`palette-item-${c.id}`} tabIndex={0}
                        title={`${c.description || c.name}\n\nDrag onto the canvas, or double-click to add.`}
                        onDragStart={(e) => onDragStart(e, c)}
                        onDoubleClick={() => onAdd(c.id)}
                        onKeyDown={(e) => { if (e.key === 'Enter') onAdd(c.id); }}>
                        <PortDots ports={c.inputs} colourOf={catalogue.colourOf} />
                        <span className="palette-item-name">{c.name}</span>
                        <PortDots ports={c.outputs} colourOf={catalogue.colourOf} />
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          );
        })}
        {groups.length === 0 && <div className="muted pad-16 small">No component matches “{query}”.</div>}
      </div>
      <div className="palette-legend">
        {catalogue.portTypes.map((t) => (
          <span key={t.name} className="legend-item" title={t.description}>
            <span className="port-dot" style={{ background: t.color }} />{t.name}
          </span>
        ))}
      </div>
    </aside>
  );
}
