// A dropdown's open state that closes on a mouse press outside its box.
import { useEffect, useRef, useState } from 'react';

/** Returns [open, setOpen, boxRef]: put boxRef on the element that holds the button and the menu. */
export function useDropdown() {
  const [open, setOpen] = useState(false);
  const box = useRef(null);
  useEffect(() => {
    if (!open) return undefined;
    const close = (e) => { if (box.current && !box.current.contains(e.target)) setOpen(false); };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);
  return [open, setOpen, box];
}
