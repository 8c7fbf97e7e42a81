"""Live run events over Socket.IO: a room per run, fed from the executor through a queue so a run never waits on a socket."""
from __future__ import annotations

import logging
import queue
import threading
from collections import OrderedDict

from flask import request
from flask_socketio import SocketIO, join_room, leave_room

from designer.server.json_values import to_json_value

log = logging.getLogger("designer.server")

RUN_ID_LIMIT = 200
#: Events kept per run so a client that joins late (or reconnects) still sees the run from its start.
HISTORY_PER_RUN = 5000
HISTORY_RUNS = 50
_STOP = object()


class RunEventForwarder:
    """A Designer listener: each executor event `{"event": NAME, ...}` is emitted as NAME to the room of its run.

    The executor calls this from its own threads; the call only enqueues, and one
    background thread does the (JSON encoding and) emitting.
    """

    def __init__(self, socketio: SocketIO):
        self.socketio = socketio
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._history: OrderedDict[str, list] = OrderedDict()
        # Held while an event is recorded and emitted, and while a client joins and catches up,
        # so a joining client sees every event exactly once and in order.
        self._emit_lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="socketio-run-events", daemon=True)
        self._thread.start()

    def __call__(self, event: dict) -> None:
        if not self._closed:
            self._queue.put(event)

    def close(self, timeout: float = 5.0) -> None:
        """Emit what is queued, then stop the emitting thread."""
        if not self._closed:
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join(timeout)

    def _loop(self) -> None:
        while True:
            event = self._queue.get()
            if event is _STOP:
                return
            try:
                self._emit(event)
            except Exception:  # one bad event (or a closing socket) must not stop the stream
                log.exception("could not emit run event %r", event.get("event") if isinstance(event, dict) else event)

    def _emit(self, event: dict) -> None:
        name, run_id = event.get("event"), event.get("run_id")
        if not isinstance(name, str) or not isinstance(run_id, str):
            return
        payload = to_json_value({key: value for key, value in event.items() if key != "event"})
        with self._emit_lock:
            history = self._history.get(run_id)
            if history is None:
                history = self._history[run_id] = []
                while len(self._history) > HISTORY_RUNS:
                    self._history.popitem(last=False)
            if len(history) < HISTORY_PER_RUN or name != "node.progress":
                history.append((name, payload))
            self.socketio.emit(name, payload, to=run_id)

    def join(self, run_id: str, sid: str, namespace: str = "/") -> int:
        """Put client `sid` in the run's room and send it the run's events so far; returns how many."""
        with self._emit_lock:
            join_room(run_id, sid=sid, namespace=namespace)
            past = list(self._history.get(run_id, ()))
            for name, payload in past:
                self.socketio.emit(name, payload, to=sid, namespace=namespace)
        return len(past)


def _run_id(data) -> str | None:
    run_id = data.get("run_id") if isinstance(data, dict) else data
    if isinstance(run_id, str) and 0 < len(run_id) <= RUN_ID_LIMIT:
        return run_id
    return None


def register_socket_handlers(socketio: SocketIO, forwarder: RunEventForwarder | None = None,
                             permitted=None) -> None:
    """`join` / `leave` `{"run_id"}`: enter or leave a run's room; the acknowledgement says whether it worked.

    `permitted(sid)` (the auth gate) says whether a client may still join rooms.
    """

    def _join(data=None):
        run_id = _run_id(data)
        if run_id is None:
            return {"ok": False, "error": "send {\"run_id\": \"...\"} to join a run's events"}
        if permitted is not None and not permitted(request.sid):
            return {"ok": False, "error": "not signed in (or no longer allowed to read runs)"}
        if forwarder is None:
            join_room(run_id)
            return {"ok": True, "run_id": run_id}
        replayed = forwarder.join(run_id, request.sid, request.namespace or "/")
        return {"ok": True, "run_id": run_id, "replayed": replayed}

    def _leave(data=None):
        run_id = _run_id(data)
        if run_id is None:
            return {"ok": False, "error": "send {\"run_id\": \"...\"} to leave a run's events"}
        leave_room(run_id)
        return {"ok": True, "run_id": run_id}

    # "join" / "leave" are the documented names; the others are accepted for clients written
    # against other Socket.IO servers' conventions.
    for name in ("join", "join_run", "subscribe"):
        socketio.on_event(name, _join)
    for name in ("leave", "leave_run", "unsubscribe"):
        socketio.on_event(name, _leave)
