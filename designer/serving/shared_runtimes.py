"""Warm endpoints for processes that share one store: keys and redeploys by any process are seen within a second.

Each process re-reads an endpoint's small state row (key hash, graph,
revision and when the record last changed) at most every `STATE_SECONDS`. A key
rotated anywhere is refused everywhere once that memory lapses; an endpoint
whose record changed is read again, and reloaded on its next request when what
it serves changed (another graph, model or entry script, another traffic split);
a deleted one stops answering. The runtime a process stops using is retired
(an entry script's process ends once its requests are answered).
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from canvas_store.errors import NotFound
from canvas_store.publishing import key_matches
from designer.serving.endpoint import Endpoint
from designer.serving.runtimes import EndpointRuntimes, _retire

#: How long a process trusts what it last read of an endpoint's key and version (well under a second).
STATE_SECONDS = 0.5


class SharedRuntimes(EndpointRuntimes):
    def __init__(self, store, load_artifact: Callable, datastore=None, *,
                 clock: Callable[[], float] = time.monotonic, state_seconds: float = STATE_SECONDS,
                 artifact_path: Callable | None = None):
        super().__init__(store, load_artifact, datastore, clock=clock, artifact_path=artifact_path)
        self.state_seconds = state_seconds
        self._states: dict[str, tuple[dict | None, float]] = {}
        self._versions: dict[str, tuple] = {}
        self._state_lock = threading.Lock()

    def state(self, name: str) -> dict | None:
        """The endpoint's key hash and version as the store had them at most `state_seconds` ago."""
        remembered = self._states.get(name)
        now = self._clock()
        if remembered is not None and remembered[1] > now:
            return remembered[0]
        state = self.store.endpoint_state(name)
        with self._state_lock:
            self._states[name] = (state, now + self.state_seconds)
            loaded = self._versions.get(name)
        if loaded is not None and (state is None or loaded != _version(state)):
            self._changed(name, state, loaded)
        return state

    def _changed(self, name: str, state: dict | None, loaded: tuple) -> None:
        """The record changed since the warm copy was loaded: keep it if it still serves the same graph
        revision and document (only the key or status moved), else drop it (deleted, or redeployed elsewhere)."""
        warm = self._endpoints.get(name)
        document = _MISSING
        if state is not None and warm is not None and loaded[:2] == _version(state)[:2]:
            try:
                document = self.store.get_endpoint(name)["document"]
            except NotFound:
                pass
        with self._state_lock:
            if document is not _MISSING and document == warm.document:
                self._versions[name] = _version(state)
                return
            self._versions.pop(name, None)
        with self._lock:
            old = self._endpoints.get(name)
            if old is warm:
                self._endpoints.pop(name, None)
        if old is warm:
            _retire(warm)

    def check_key(self, name: str, key: str | None) -> bool:
        if not key:
            return False
        state = self.state(name)
        return state is not None and key_matches(state["key_hash"], key)

    def get(self, name: str) -> Endpoint:
        state = self.state(name)
        if state is None:
            raise NotFound("endpoint", name)
        endpoint = super().get(name)
        with self._state_lock:
            # Read before loading, so never newer than what was loaded: at worst one needless reload.
            self._versions.setdefault(name, _version(state))
        return endpoint

    def replace(self, endpoint) -> None:
        state = self.store.endpoint_state(endpoint.name)
        super().replace(endpoint)
        with self._state_lock:
            self._states.pop(endpoint.name, None)
            if state is not None:
                self._versions[endpoint.name] = _version(state)

    def forget(self, name: str) -> None:
        super().forget(name)
        self._forget_state(name)
        with self._state_lock:
            self._versions.pop(name, None)

    def forget_key(self, name: str) -> None:
        super().forget_key(name)
        self._forget_state(name)

    def _forget_state(self, name: str) -> None:
        with self._state_lock:
            self._states.pop(name, None)


_MISSING = object()


def _version(record: dict) -> tuple:
    return record.get("graph_id"), record.get("revision"), record.get("updated_at")
