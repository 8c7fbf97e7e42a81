"""Schema before running for saved models and transformations: read from what their artifacts' meta.json recorded.

A `trained-model` or `saved-transformation` node names an artifact (by digest, or a
model registry reference NAME[:VERSION]). When the artifact was stored, what scoring
or applying it does to a table's columns was written into its meta.json
(`components.ports`, `schema`); only that small JSON is read here, never the weights.
Artifacts never change, so each digest's answer is kept; an artifact stored before
this was recorded, or one that is missing, is unknown.
"""
from __future__ import annotations

from typing import Callable

from canvas_store.artifacts import ArtifactNotFound, ArtifactStore
from components.saved_artifacts import parse_registry_ref
from components.spec import ComponentError
from components.table_schema import PortSchema, saved_schema
from designer.remembered import Remembered

#: Digests whose schema is kept in memory.
KEPT_SCHEMAS = 4096


class ArtifactSchemas:
    """`artifact(digest)` and `registered_model(reference)`: the schema a saved node's output will have, or None."""

    def __init__(self, artifacts: ArtifactStore, registered_digest: Callable[[str, int | None], str | None]):
        self.artifacts = artifacts
        self._registered_digest = registered_digest
        self.known = Remembered(KEPT_SCHEMAS)

    def artifact(self, digest: str) -> PortSchema | None:
        if not self.artifacts.exists(digest):
            return None  # not (yet) in this store: ask again next time
        return self.known.get(digest, lambda: self._recorded(digest))

    def _recorded(self, digest: str) -> PortSchema | None:
        try:
            meta = self.artifacts.meta(digest)
        except (ArtifactNotFound, OSError, ValueError):
            return None
        return saved_schema(meta.get("schema")) if isinstance(meta, dict) else None

    def registered_model(self, reference: str) -> PortSchema | None:
        """The schema of the registered model version `reference` names (the latest without a version)."""
        try:
            name, version = parse_registry_ref(reference)
        except ComponentError:
            return None
        digest = self._registered_digest(name, version)
        return self.artifact(digest) if digest else None
