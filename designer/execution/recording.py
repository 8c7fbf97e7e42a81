"""Writes a run's events into the store in batches, so recording never slows the run it records."""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any

#: How often pending node updates are written, in seconds.
FLUSH_INTERVAL = 0.2
_STATUS_FIELDS = ("status", "cached", "seconds", "error", "traceback", "metrics", "compute", "cache_key")


def _when(seconds: float | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, timezone.utc) if seconds is not None else None


class RunRecorder:
    """An event listener for one run: node updates are merged and flushed in one transaction each time."""

    def __init__(self, store, run_id: str, output_types: dict[str, dict[str, str]]):
        self.store = store
        self.run_id = run_id
        self.output_types = output_types  # node_id -> {port: type name}
        self._pending: list[dict] = []
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = False
        self._thread = threading.Thread(target=self._loop, name=f"recorder-{run_id[:8]}", daemon=True)
        self._thread.start()

    def __call__(self, event: dict) -> None:
        kind = event.get("event")
        if kind == "run.status":
            self.flush()
            status = event["status"]
            now = datetime.now(timezone.utc)
            self.store.set_run_status(
                self.run_id, status, error=event.get("error"),
                started_at=now if status == "running" else None,
                finished_at=now if status in ("completed", "failed", "cancelled") else None)
            return
        node_id = event.get("node_id")
        if node_id is None:
            return
        update: dict[str, Any] = {"node_id": node_id}
        if kind == "node.status":
            for key in _STATUS_FIELDS:
                if key in event:
                    update[key] = event[key]
            if "started_at" in event:
                update["started_at"] = _when(event["started_at"])
            if "finished_at" in event:
                update["finished_at"] = _when(event["finished_at"])
            if "outputs" in event:
                types = self.output_types.get(node_id, {})
                update["outputs"] = {port: {"digest": digest, "type": types.get(port, "Any")}
                                     for port, digest in event["outputs"].items()}
            if event["status"] in ("completed", "cached"):
                update["progress"] = 1.0
        elif kind == "node.progress":
            update["progress"] = event.get("fraction")
            update["progress_message"] = event.get("message", "")
        elif kind == "node.log":
            text = event.get("text", "")
            update["append_log"] = text if text.endswith("\n") else text + "\n"
        elif kind == "node.metrics":
            update["append_metric_event"] = {k: v for k, v in event.items()
                                             if k not in ("event", "run_id", "node_id")}
        else:
            return
        with self._lock:
            self._merge(update)

    def _merge(self, update: dict) -> None:
        last = self._pending[-1] if self._pending else None
        if last is not None and last["node_id"] == update["node_id"] \
                and not ("append_metric_event" in last and "append_metric_event" in update):
            log = last.get("append_log", "") + update.pop("append_log", "")
            last.update(update)
            if log:
                last["append_log"] = log
        else:
            self._pending.append(update)

    def flush(self) -> None:
        # One writer at a time, so batches reach the store in the order they were taken.
        with self._write_lock:
            with self._lock:
                batch, self._pending = self._pending, []
            if batch:
                self.store.apply_node_updates(self.run_id, batch)

    def close(self) -> None:
        self._stopped = True
        self._wake.set()
        self._thread.join(timeout=5)
        self.flush()

    def _loop(self) -> None:
        while not self._stopped:
            self._wake.wait(FLUSH_INTERVAL)
            try:
                self.flush()
            except Exception:  # pragma: no cover - the final flush in close() reports for real
                pass
