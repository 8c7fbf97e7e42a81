"""Writes a run's events into the store in batches, so recording never slows the run it records.

No update is ever dropped: a batch that fails to write goes back to the front of
the queue and is tried again at the next flush; the run's final flush retries a
few times more, and if the store still refuses, the run is recorded as failed
with the reason (its result says so too) instead of ending "completed" with
holes in its record.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone
from typing import Any

#: How often pending node updates are written, in seconds.
FLUSH_INTERVAL = 0.2
#: Pauses between the attempts of a write that must get through (the final flush, a run's status).
RETRY_DELAYS = (0.05, 0.2, 0.5, 1.0)
FINISHED = ("completed", "failed", "cancelled")
log = logging.getLogger(__name__)


class RecordingFailed(Exception):
    """The store refused a write of this run's records, even after retries."""
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
        #: Why the run's records could not be saved, once the store has refused them for good.
        self.failure: str | None = None
        self._thread = threading.Thread(target=self._loop, name=f"recorder-{run_id[:8]}", daemon=True)
        self._thread.start()

    def __call__(self, event: dict) -> None:
        kind = event.get("event")
        if kind == "run.status":
            self._record_status(event["status"], event.get("error"))
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

    def _record_status(self, status: str, error: str | None) -> None:
        try:
            self.flush(retry=True)
        except RecordingFailed:
            pass  # self.failure says why; the status below reports it
        if status in FINISHED and self.failure:
            status, error = "failed", self.failure
        now = datetime.now(timezone.utc)
        try:
            self._write("the run's status", self.store.set_run_status, self.run_id, status, error=error,
                        started_at=now if status == "running" else None,
                        finished_at=now if status in FINISHED else None)
        except RecordingFailed as exc:
            # Never raised into the run: the run goes on, and its final status says what was lost.
            self.failure = self.failure or str(exc)
            if status in FINISHED:
                log.error("run %s: %s", self.run_id, exc)

    def flush(self, *, retry: bool = False) -> None:
        """Write the pending updates; on failure they stay queued, and RecordingFailed says why."""
        # One writer at a time, so batches reach the store in the order they were taken.
        with self._write_lock:
            with self._lock:
                batch, self._pending = self._pending, []
            if not batch:
                return
            try:
                self._write("node updates", self.store.apply_node_updates, self.run_id, batch,
                            attempts=len(RETRY_DELAYS) + 1 if retry else 1)
            except RecordingFailed as exc:
                with self._lock:
                    self._pending[:0] = batch  # back in front: the next flush writes them in order
                if retry:
                    self.failure = self.failure or str(exc)
                raise

    def _write(self, what: str, write, *args, attempts: int = len(RETRY_DELAYS) + 1, **kwargs):
        for attempt in range(attempts):
            try:
                return write(*args, **kwargs)
            except Exception as exc:
                log.warning("run %s: writing %s failed (attempt %d of %d): %s", self.run_id, what,
                            attempt + 1, attempts, exc)
                if attempt + 1 == attempts:
                    raise RecordingFailed(f"the run's records could not be saved ({what}): "
                                          f"{type(exc).__name__}: {exc}") from exc
                time.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])

    def close(self) -> None:
        """Stop the background writer and write what is left (raises RecordingFailed if the store refuses)."""
        self._stopped = True
        self._wake.set()
        self._thread.join(timeout=5)
        self.flush(retry=True)

    def _loop(self) -> None:
        while not self._stopped:
            self._wake.wait(FLUSH_INTERVAL)
            try:
                self.flush()
            except RecordingFailed:
                pass  # kept queued; the next flush (and the final one, with retries) tries again
