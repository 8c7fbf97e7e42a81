// Validates the draft document on the server after edits (debounced), keyed by node for the canvas.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/client.js';

const DELAY_MS = 700;

export function useValidation(doc) {
  const [result, setResult] = useState({ valid: true, errors: [], checked: false });
  const sequence = useRef(0);

  const validateNow = useCallback(async (document) => {
    const n = ++sequence.current;
    try {
      const data = await api.validateDraft(document);
      if (n === sequence.current) setResult({ valid: Boolean(data.valid), errors: data.errors || [], checked: true });
      return data;
    } catch (error) {
      if (error.status === 400 && error.details && Array.isArray(error.details.errors)) {
        const data = { valid: false, errors: error.details.errors };
        if (n === sequence.current) setResult({ ...data, checked: true });
        return data;
      }
      return null;
    }
  }, []);

  useEffect(() => {
    if (!doc) return undefined;
    const timer = setTimeout(() => validateNow(doc), DELAY_MS);
    return () => clearTimeout(timer);
  }, [doc, validateNow]);

  const byNode = useMemo(() => {
    const map = {};
    result.errors.forEach((e) => {
      if (!e.node) return;
      (map[e.node] = map[e.node] || []).push(e);
    });
    return map;
  }, [result.errors]);

  /** Errors reported by a failed submit (400 with details.errors) are shown the same way. */
  const showErrors = useCallback((errors) => {
    sequence.current += 1;
    setResult({ valid: false, errors, checked: true });
  }, []);

  return { ...result, byNode, validateNow, showErrors };
}
