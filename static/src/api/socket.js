// Live run events over Socket.IO: one shared connection, one room per run.
import { io } from 'socket.io-client';

let socket = null;

function connection() {
  if (!socket) socket = io({ path: '/socket.io' });
  return socket;
}

const EVENTS = ['run.status', 'node.status', 'node.progress', 'node.log', 'node.metrics'];

/** Join the run's room and call onEvent(name, payload) for its events; returns an unsubscribe. */
export function subscribeToRun(runId, onEvent) {
  const s = connection();
  const join = () => s.emit('join', { run_id: runId });
  const handlers = EVENTS.map((name) => {
    const handler = (payload) => {
      if (payload && payload.run_id === runId) onEvent(name, payload);
    };
    s.on(name, handler);
    return [name, handler];
  });
  s.on('connect', join);
  if (s.connected) join();
  return () => {
    handlers.forEach(([name, handler]) => s.off(name, handler));
    s.off('connect', join);
    if (s.connected) s.emit('leave', { run_id: runId });
  };
}
