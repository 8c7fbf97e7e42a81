// A modal dialog: title, body, footer buttons; Escape or the backdrop closes it.
import { useEffect, useRef } from 'react';

export function Dialog({ title, children, footer, onClose, wide = false, testId }) {
  const panel = useRef(null);
  // The latest onClose, read when Escape is pressed: a parent that re-renders (live run events) passes a new
  // function each time, and re-running the effect below would pull the focus back to the first field.
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const onKey = (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        close.current();
      }
    };
    window.addEventListener('keydown', onKey, true);
    const first = panel.current && panel.current.querySelector('input, select, textarea, button.btn-primary');
    if (first) first.focus();
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close.current()}>
      <div className={`modal${wide ? ' modal-wide' : ''}`} role="dialog" aria-modal="true" aria-label={title} ref={panel} data-testid={testId}>
        <div className="modal-header">
          <h2>{title}</h2>
          <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>×</button>
        </div>
        <div className="modal-body">{children}</div>
        {footer && <div className="modal-footer">{footer}</div>}
      </div>
    </div>
  );
}

export function ConfirmDialog({ title, message, confirmLabel = 'Delete', danger = true, onConfirm, onClose }) {
  return (
    <Dialog
      title={title}
      onClose={onClose}
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="button" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} data-testid="btn-confirm"
            onClick={() => { onConfirm(); onClose(); }}>
            {confirmLabel}
          </button>
        </>
      )}
    >
      <p>{message}</p>
    </Dialog>
  );
}
