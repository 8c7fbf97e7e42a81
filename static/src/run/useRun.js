// Follows one run live: Socket.IO events for speed, GET /api/runs/<id> polling as the fallback.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client.js';
import { subscribeToRun } from '../api/socket.js';

const POLL_MS = 3000;
// A training node sends an event per epoch, hundreds a second. They are applied together every
// FLUSH_MS (React batches the updates of one task into one render), so that a page watching a run
// does not take the CPU the run itself needs.
const FLUSH_MS = 250;
const ACTIVE = new Set(['queued', 'running']);
export const isActive = (status) => ACTIVE.has(status);

export function useRun(runId) {
  const [run, setRun] = useState(null);
  const [error, setError] = useState(null);
  const [logs, setLogs] = useState({});
  const [epochs, setEpochs] = useState({});
  const [finals, setFinals] = useState({});
  const statusRef = useRef(null);

  const refresh = useCallback(async () => {
    if (!runId) return null;
    try {
      const data = await api.getRun(runId);
      setRun((previous) => mergeRun(previous, data));
      statusRef.current = data.status;
      setError(null);
      return data;
    } catch (e) {
      setError(e);
      return null;
    }
  }, [runId]);

  useEffect(() => {
    setRun(null);
    setLogs({});
    setEpochs({});
    setFinals({});
    statusRef.current = null;
    if (!runId) return undefined;
    refresh();
    let refreshWanted = false;
    let newEpochs = {};
    const apply = (name, payload) => {
      if (name === 'run.status') {
        statusRef.current = payload.status;
        setRun((r) => (r ? { ...r, status: payload.status, error: payload.error || r.error } : r));
        if (!isActive(payload.status)) refreshWanted = true;
      } else if (name === 'node.log') {
        setLogs((l) => ({ ...l, [payload.node_id]: (l[payload.node_id] || '') + (payload.text || '') }));
      } else if (name === 'node.metrics') {
        // Per-epoch values (with "epoch" or "step") feed the training chart; others are final metrics.
        const { run_id: _r, node_id: nodeId, ...values } = payload;
        if (typeof values.epoch === 'number' || typeof values.step === 'number') {
          (newEpochs[nodeId] = newEpochs[nodeId] || []).push(values);
        } else {
          setFinals((m) => ({ ...m, [nodeId]: { ...(m[nodeId] || {}), ...values } }));
        }
      } else {
        setRun((r) => (r ? applyNodeEvent(r, name, payload) : r));
        if (name === 'node.status' && (payload.status === 'completed' || payload.status === 'cached')) {
          // Outputs and metrics arrive with the run record, not the event.
          refreshWanted = true;
        }
      }
    };
    let pending = [];
    let flushTimer = null;
    const flush = () => {
      flushTimer = null;
      const events = pending;
      pending = [];
      events.forEach(([name, payload]) => apply(name, payload));
      const epochsByNode = newEpochs;
      newEpochs = {};
      if (Object.keys(epochsByNode).length) {
        setEpochs((m) => {
          const next = { ...m };
          Object.entries(epochsByNode).forEach(([nodeId, values]) => { next[nodeId] = [...(m[nodeId] || []), ...values]; });
          return next;
        });
      }
      if (refreshWanted) {
        refreshWanted = false;
        refresh();
      }
    };
    const unsubscribe = subscribeToRun(runId, (name, payload) => {
      pending.push([name, payload]);
      if (flushTimer === null) flushTimer = setTimeout(flush, FLUSH_MS);
    });
    const timer = setInterval(() => {
      if (statusRef.current === null || isActive(statusRef.current)) refresh();
    }, POLL_MS);
    return () => {
      unsubscribe();
      clearTimeout(flushTimer);
      clearInterval(timer);
    };
  }, [runId, refresh]);

  const loadLog = useCallback(async (nodeId) => {
    if (!runId || !nodeId) return;
    try {
      const data = await api.nodeLog(runId, nodeId);
      setLogs((l) => ({ ...l, [nodeId]: data.log || '' }));
    } catch {
      // No log yet (node not started): keep what the events gave.
    }
  }, [runId]);

  const loadMetrics = useCallback(async (nodeId) => {
    if (!runId || !nodeId) return;
    try {
      const data = await api.nodeMetrics(runId, nodeId);
      const events = (data.events || []).filter((e) => typeof e.epoch === 'number' || typeof e.step === 'number');
      setEpochs((m) => ((m[nodeId] || []).length > events.length ? m : { ...m, [nodeId]: events }));
      if (data.final && typeof data.final === 'object') setFinals((m) => ({ ...m, [nodeId]: data.final }));
    } catch {
      // No metrics for this node.
    }
  }, [runId]);

  return { run, error, logs, epochs, finals, refresh, loadLog, loadMetrics };
}

function applyNodeEvent(run, name, payload) {
  const nodes = { ...(run.nodes || {}) };
  const previous = nodes[payload.node_id] || {};
  if (name === 'node.status') {
    const next = { ...previous, status: payload.status };
    if (payload.cached !== undefined) next.cached = payload.cached;
    if (payload.seconds !== undefined) next.seconds = payload.seconds;
    if (payload.error !== undefined) next.error = payload.error;
    if (payload.status === 'running' && previous.status !== 'running') next.progress = 0;
    nodes[payload.node_id] = next;
  } else if (name === 'node.progress') {
    nodes[payload.node_id] = { ...previous, progress: payload.fraction, progress_message: payload.message };
  }
  const status = run.status === 'queued' && name === 'node.status' ? 'running' : run.status;
  return { ...run, status, nodes };
}

/** A polled record replaces the live one, except that a live "running" progress is not set back. */
function mergeRun(previous, data) {
  if (!previous || previous.run_id !== data.run_id) return data;
  const nodes = { ...(data.nodes || {}) };
  Object.entries(nodes).forEach(([id, node]) => {
    const live = previous.nodes && previous.nodes[id];
    if (live && node.status === 'running' && live.status === 'running' && (live.progress || 0) > (node.progress || 0)) {
      nodes[id] = { ...node, progress: live.progress, progress_message: live.progress_message };
    }
  });
  return { ...data, nodes };
}
