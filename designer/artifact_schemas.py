"""Schema before running for saved models and transformations: read from what their artifacts' meta.json recorded.

A `trained-model` or `saved-transformation` node names an artifact (by digest, or a
model registry reference NAME[:VERSION]). When the artifact was stored, what scoring
or applying it does to a table's columns was written into its meta.json
(`components.ports`, `schema`); only that small JSON is read here, never the weights.
Artifacts never change, so each digest's answer is kept; an artifact stored before
this was recorded, or one that is missing, is unknown.
"""
from __future__ import annotations

import threading
from typing import Callable

from canvas_store.artifacts import ArtifactNotFound, ArtifactStore
from components.saved_artifacts import parse_registry_ref
from components.spec import ComponentError
from components.table_schema import PortSchema, saved_schema

#: Digests whose schema is kept in memory; past this many the oldest half is forgotten.
KEPT_SCHEMAS = 4096


class ArtifactSchemas:
    """`artifact(digest)` and `registered_model(reference)`: the schema a saved node's output will have, or None."""

    def __init__(self, artifacts: ArtifactStore, registered_digest: Callable[[str, int | None], str | None]):
        self.artifacts = artifacts
        self._registered_digest = registered_digest
        self._known: dict[str, PortSchema | None] = {}
        self._lock = threading.Lock()

    def artifact(self, digest: str) -> PortSchema | None:
        with self._lock:
            if digest in self._known:
                return self._known[digest]
        try:
            meta = self.artifacts.meta(digest)
        except (ArtifactNotFound, OSError, ValueError):
            return None  # not (yet) in this store: ask again next time
        schema = saved_schema(meta.get("schema")) if isinstance(meta, dict) else None
        with self._lock:
            if len(self._known) >= KEPT_SCHEMAS:
                for old in list(self._known)[:KEPT_SCHEMAS // 2]:
                    del self._known[old]
            self._known[digest] = schema
        return schema

    def registered_model(self, reference: str) -> PortSchema | None:
        """The schema of the registered model version `reference` names (the latest without a version)."""
        try:
            name, version = parse_registry_ref(reference)
        except ComponentError:
            return None
        digest = self._registered_digest(name, version)
        return self.artifact(digest) if digest else None
