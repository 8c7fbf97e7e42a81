// Short-lived messages in the corner: saved, imported, refused, failed.
import { createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';

const ToastContext = createContext(() => {});

export function ToastProvider({ children }) {
  const [toasts, setToasts] = useState([]);
  const nextId = useRef(1);
  const push = useCallback((message, kind = 'info', timeout = 4500) => {
    const id = nextId.current++;
    setToasts((list) => [...list.slice(-3), { id, message: String(message), kind }]);
    if (timeout) setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), timeout);
  }, []);
  const dismiss = (id) => setToasts((list) => list.filter((t) => t.id !== id));
  const value = useMemo(() => push, [push]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`}>
            <span className="toast-text">{t.message}</span>
            <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismiss(t.id)}>×</button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

/** toast(message, kind = 'info' | 'success' | 'error' | 'warning', timeoutMs) */
export const useToast = () => useContext(ToastContext);
