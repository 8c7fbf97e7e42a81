// The quick-add popup (double-click on empty canvas): type to search, Enter to add.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Icon } from '../ui/icons.jsx';
import { rankComponents } from '../palette/search.js';

export function QuickAdd({ catalogue, at, onChoose, onClose }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef(null);
  const matches = useMemo(
    () => rankComponents(catalogue.components, query).slice(0, 9),
    [catalogue.components, query],
  );
  useEffect(() => { input.current && input.current.focus(); }, []);
  useEffect(() => { setActive(0); }, [query]);

  const onKeyDown = (event) => {
    if (event.key === 'Escape') onClose();
    else if (event.key === 'ArrowDown') { event.preventDefault(); setActive((a) => Math.min(a + 1, matches.length - 1)); }
    else if (event.key === 'ArrowUp') { event.preventDefault(); setActive((a) => Math.max(a - 1, 0)); }
    else if (event.key === 'Enter' && matches[active]) onChoose(matches[active].id);
  };

  return (
    <div className="quick-add" style={{ left: at.x, top: at.y }} data-testid="quick-add" onDoubleClick={(e) => e.stopPropagation()}>
      <div className="search-box">
        <Icon name="search" />
        <input ref={input} value={query} placeholder="Add a component…" onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKeyDown} onBlur={() => setTimeout(onClose, 150)} data-testid="quick-add-input" aria-label="Search components" />
      </div>
      <ul className="quick-add-list" role="listbox">
        {matches.map((c, i) => (
          <li key={c.id} role="option" aria-selected={i === active} className={i === active ? 'active' : ''}
            onMouseEnter={() => setActive(i)} onMouseDown={(e) => { e.preventDefault(); onChoose(c.id); }}
            data-testid={`quick-add-item-${c.id}`}>
            <span className="qa-name">{c.name}</span>
            <span className="qa-category">{c.category}</span>
          </li>
        ))}
        {matches.length === 0 && <li className="muted qa-empty">No component matches “{query}”</li>}
      </ul>
    </div>
  );
}
