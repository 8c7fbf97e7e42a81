// The right-click menu of a node: run to here, regenerate output, duplicate, delete.
import { useEffect } from 'react';

export function NodeMenu({ at, actions, onClose }) {
  useEffect(() => {
    const close = (event) => { if (event.key === 'Escape' || event.type === 'mousedown') onClose(); };
    window.addEventListener('keydown', close, true);
    window.addEventListener('mousedown', close);
    return () => {
      window.removeEventListener('keydown', close, true);
      window.removeEventListener('mousedown', close);
    };
  }, [onClose]);
  return (
    <div className="context-menu" style={{ left: at.x, top: at.y }} role="menu" data-testid="node-menu">
      {actions.map((action) => (action.separator ? <div key={action.key} className="menu-separator" /> : (
        <button key={action.key} type="button" role="menuitem" disabled={action.disabled}
          className={`menu-item${action.danger ? ' danger' : ''}`} data-testid={`menu-${action.key}`}
          onMouseDown={(e) => e.stopPropagation()}
          onClick={() => { onClose(); action.run(); }}>
          <span>{action.label}</span>
          {action.hint && <kbd>{action.hint}</kbd>}
        </button>
      )))}
    </div>
  );
}
