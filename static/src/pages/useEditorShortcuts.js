// Editor keyboard shortcuts. Undo/redo work everywhere (the document is the one history);
// the others are ignored while typing in a field or while a dialog is open.
import { useEffect, useRef } from 'react';

function isEditable(target) {
  if (!target || !target.tagName) return false;
  const tag = target.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || target.isContentEditable;
}

export function useEditorShortcuts(handlers) {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (event) => {
      const h = ref.current;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      const dialogOpen = Boolean(document.querySelector('[role="dialog"][aria-modal="true"]'));
      if (mod && key === 'z' && !event.shiftKey) {
        if (dialogOpen) return;
        event.preventDefault();
        h.undo();
        return;
      }
      if (mod && ((key === 'z' && event.shiftKey) || key === 'y')) {
        if (dialogOpen) return;
        event.preventDefault();
        h.redo();
        return;
      }
      if (isEditable(event.target) || dialogOpen) return;
      if (key === 'delete' || key === 'backspace') {
        event.preventDefault();
        h.deleteSelection();
      } else if (mod && key === 'c') {
        // Copying selected text (a log, a description) keeps the browser's copy.
        const text = window.getSelection && window.getSelection();
        const anchor = text && text.anchorNode && (text.anchorNode.nodeType === 1 ? text.anchorNode : text.anchorNode.parentElement);
        if (String(text) && !(anchor && anchor.closest('.react-flow'))) return;
        h.copy();
      } else if (mod && key === 'v') {
        event.preventDefault();
        h.paste();
      } else if (mod && key === 'd') {
        event.preventDefault();
        h.duplicate();
      } else if (mod && key === 'a') {
        event.preventDefault();
        h.selectAll();
      } else if (event.key === '?') {
        h.help();
      } else if (key === 'escape') {
        h.clearSelection();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
