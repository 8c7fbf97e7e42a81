"""The endpoints a server process keeps warm, loaded from the store on first use, and their key checks.

Endpoints survive restarts because their graph lives in the store: a new
process loads an endpoint the first time it is called. A key that checked out
against the store is remembered (as its sha256, for `KEY_MEMORY_SECONDS`) so
hot endpoints do not pay a database read per request; rotating or deleting
through this process forgets it at once.
"""
from __future__ import annotations

import hashlib
import hmac
import threading
import time
from typing import Callable

from designer.serving.endpoint import DeploymentError, Endpoint

#: How long a verified key is trusted without asking the store again (another process may rotate it).
KEY_MEMORY_SECONDS = 5.0


class EndpointRuntimes:
    def __init__(self, store, load_artifact: Callable, datastore=None, *, clock: Callable[[], float] = time.monotonic,
                 artifact_path: Callable | None = None):
        self.store = store
        self.load_artifact = load_artifact
        #: digest -> the artifact's folder (entry-script deployments copy a model version's files from it).
        self.artifact_path = artifact_path
        self.datastore = datastore
        self._clock = clock
        self._endpoints: dict[str, Endpoint] = {}
        self._loading: dict[str, threading.Lock] = {}
        self._keys: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def build(self, name: str, document: dict) -> Endpoint:
        """Load a graph (or a model with its entry script) as an endpoint runtime (DeploymentError if it cannot be served)."""
        from designer.serving.entry_script import EntryScriptEndpoint, is_entry_script
        from designer.serving.traffic import SplitEndpoint, is_split

        if is_split(document):
            return SplitEndpoint(name, document, self.build)
        if is_entry_script(document):
            if self.artifact_path is None:
                raise DeploymentError("no-artifacts", "this process cannot read model files")
            return EntryScriptEndpoint(name, document, self.artifact_path(document["digest"]))
        return Endpoint(name, document, load_artifact=self.load_artifact, datastore=self.datastore)

    def add(self, endpoint: Endpoint) -> None:
        self.replace(endpoint)

    def replace(self, endpoint) -> None:
        """Serve `endpoint` from now on; the runtime it replaces stops once its requests are answered."""
        with self._lock:
            old = self._endpoints.get(endpoint.name)
            self._endpoints[endpoint.name] = endpoint
        _retire(old, keep=endpoint)

    def get(self, name: str) -> Endpoint:
        """The warm runtime of endpoint `name`, loading it from the store once (NotFound if there is none)."""
        endpoint = self._endpoints.get(name)
        if endpoint is not None:
            return endpoint
        with self._lock:
            lock = self._loading.setdefault(name, threading.Lock())
        with lock:  # one loader per endpoint; other callers wait for it rather than load it again
            endpoint = self._endpoints.get(name)
            if endpoint is None:
                record = self.store.get_endpoint(name)
                endpoint = self.build(name, record["document"])
                with self._lock:
                    self._endpoints[name] = endpoint
        return endpoint

    def forget(self, name: str) -> None:
        with self._lock:
            old = self._endpoints.pop(name, None)
            self._keys.pop(name, None)
        _retire(old)

    def close(self) -> None:
        """Stop every runtime that holds a process (entry scripts); the server is going away."""
        with self._lock:
            endpoints, self._endpoints = list(self._endpoints.values()), {}
        for endpoint in endpoints:
            _retire(endpoint)

    def check_key(self, name: str, key: str | None) -> bool:
        if not key:
            return False
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        remembered = self._keys.get(name)
        if remembered is not None and remembered[1] > self._clock() and hmac.compare_digest(remembered[0], digest):
            return True
        if not self.store.check_endpoint_key(name, key):
            return False
        with self._lock:
            self._keys[name] = (digest, self._clock() + KEY_MEMORY_SECONDS)
        return True

    def forget_key(self, name: str) -> None:
        with self._lock:
            self._keys.pop(name, None)


def _retire(runtime, keep=None) -> None:
    # In-process graph runtimes need nothing; an entry script's child process is stopped.
    if runtime is not None and runtime is not keep and callable(getattr(runtime, "retire", None)):
        runtime.retire()
