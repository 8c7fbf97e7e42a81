// Loads one graph, holds its document with undo/redo, and autosaves every edit (debounced PUT
// with the revision for optimistic concurrency; a 409 stops saving and reports a conflict).
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { api, describeError } from '../api/client.js';
import { historyReducer, initialHistory } from '../model/history.js';
import { normaliseDocument } from '../model/document.js';
import { loadCatalogue } from '../model/catalogue.js';
import { placeUnpositioned } from '../model/layout.js';

const SAVE_DELAY_MS = 600;
const RETRY_DELAY_MS = 3000;

export function useGraphDocument(graphId, { onError } = {}) {
  const [history, dispatch] = useReducer(historyReducer, null, () => initialHistory(null));
  const [load, setLoad] = useState({ status: 'loading', error: null });
  const [saveState, setSaveState] = useState('saved'); // saved | saving | conflict | error
  const revision = useRef(null);
  const saved = useRef(null); // the document the server has acknowledged
  const present = useRef(null);
  const inFlight = useRef(null);
  const timer = useRef(null);
  const conflict = useRef(false);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;
  present.current = history.present;

  const reload = useCallback(async () => {
    setLoad((s) => ({ ...s, status: s.status === 'ready' ? 'ready' : 'loading' }));
    try {
      const data = await api.getGraph(graphId);
      const stored = normaliseDocument(data.document || data);
      // A graph made elsewhere (an example, a conversion, the SDK) without positions is laid out
      // now, and the layout saved like any edit.
      const { specOf } = await loadCatalogue();
      const doc = await placeUnpositioned(stored, specOf);
      revision.current = data.revision;
      saved.current = stored;
      conflict.current = false;
      dispatch({ type: 'reset', doc });
      setSaveState(doc === stored ? 'saved' : 'saving');
      setLoad({ status: 'ready', error: null });
    } catch (error) {
      setLoad({ status: 'error', error });
    }
  }, [graphId]);

  useEffect(() => {
    reload();
  }, [reload]);

  const flush = useCallback(async () => {
    clearTimeout(timer.current);
    while (inFlight.current) await inFlight.current;
    if (conflict.current) return false;
    const doc = present.current;
    if (!doc || doc === saved.current) return true;
    setSaveState('saving');
    const attempt = api.saveGraph(graphId, revision.current, doc).then(
      (result) => {
        revision.current = result.revision;
        saved.current = doc;
        return true;
      },
      (error) => {
        if (error.status === 409) {
          conflict.current = true;
          setSaveState('conflict');
        } else {
          setSaveState('error');
          if (onErrorRef.current) onErrorRef.current(`Not saved: ${describeError(error)}`);
          timer.current = setTimeout(() => flush(), RETRY_DELAY_MS);
        }
        return false;
      },
    );
    inFlight.current = attempt;
    const ok = await attempt;
    inFlight.current = null;
    if (ok) {
      if (present.current === saved.current) setSaveState('saved');
      else return flush();
    }
    return ok;
  }, [graphId]);

  // Every change of the document schedules a save.
  useEffect(() => {
    const doc = history.present;
    if (!doc || doc === saved.current || conflict.current) return undefined;
    setSaveState('saving');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => flush(), SAVE_DELAY_MS);
    return undefined;
  }, [history.present, flush]);

  // Leaving the page with an unsaved edit: send it anyway (keepalive outlives the page).
  useEffect(() => {
    const onLeave = () => {
      const doc = present.current;
      if (doc && doc !== saved.current && !conflict.current && !inFlight.current) {
        api.saveGraph(graphId, revision.current, doc, { keepalive: true }).catch(() => {});
      }
    };
    window.addEventListener('beforeunload', onLeave);
    return () => {
      window.removeEventListener('beforeunload', onLeave);
      onLeave();
      clearTimeout(timer.current);
    };
  }, [graphId]);

  const edit = useCallback((change, key, value) => {
    if (conflict.current) return;
    dispatch({ type: 'edit', change, key, value });
  }, []);
  const undo = useCallback(() => !conflict.current && dispatch({ type: 'undo' }), []);
  const redo = useCallback(() => !conflict.current && dispatch({ type: 'redo' }), []);

  return {
    doc: history.present,
    load,
    saveState,
    edit,
    undo,
    redo,
    canUndo: history.past.length > 0,
    canRedo: history.future.length > 0,
    flush,
    reload,
  };
}
