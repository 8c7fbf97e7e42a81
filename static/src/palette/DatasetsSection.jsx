// The palette's Datasets section: each registered dataset, dragged onto the canvas as a node pinned to
// its newest version (registered-dataset for tables, registered-image-dataset for images).
import { useState } from 'react';
import { DATASET_COMPONENTS } from '../api/data.js';
import { useDatasetList } from '../data/DatasetField.jsx';
import { DRAG_MIME, DRAG_PARAMS_MIME } from '../canvas/Canvas.jsx';
import { Icon } from '../ui/icons.jsx';

export function DatasetsSection({ query, onAdd }) {
  const datasets = useDatasetList();
  const [open, setOpen] = useState(true);
  const text = (query || '').trim().toLowerCase();
  const shown = (datasets || []).filter((d) => !text || d.name.toLowerCase().includes(text)
    || (d.description || '').toLowerCase().includes(text));
  if (datasets === null || (text && !shown.length)) return null;
  const pinned = (d) => ({ component: DATASET_COMPONENTS[d.kind], params: { dataset: `${d.name}:${d.latest_version}` } });
  const onDragStart = (event, d) => {
    const node = pinned(d);
    event.dataTransfer.setData(DRAG_MIME, node.component);
    event.dataTransfer.setData(DRAG_PARAMS_MIME, JSON.stringify(node.params));
    event.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <section className="palette-group" data-testid="palette-datasets">
      <button type="button" className="palette-group-title" aria-expanded={open} onClick={() => setOpen(!open)}>
        <Icon name={open ? 'chevronDown' : 'chevronRight'} size={14} />
        <span>Datasets</span>
        <span className="count">{shown.length}</span>
      </button>
      {open && (
        <ul className="palette-items">
          {shown.length === 0 && <li className="muted small pad-8">No datasets yet: register one on the <a href="#/data">Data</a> page.</li>}
          {shown.map((d) => (
            <li key={d.name}>
              <div className="palette-item" draggable tabIndex={0} data-testid={`palette-dataset-${d.name}`}
                title={`${d.description || d.name}\n${d.kind}, version ${d.latest_version}\n\nDrag onto the canvas, or double-click to add.`}
                onDragStart={(e) => onDragStart(e, d)}
                onDoubleClick={() => onAdd(pinned(d).component, pinned(d).params)}
                onKeyDown={(e) => { if (e.key === 'Enter') onAdd(pinned(d).component, pinned(d).params); }}>
                <Icon name={d.kind === 'images' ? 'folder' : 'table'} size={14} />
                <span className="palette-item-name">{d.name}</span>
                <span className="muted small">v{d.latest_version}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
