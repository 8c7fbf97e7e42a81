"""Moving one node's work to another process or machine: its component's module and, when needed, its artifacts.

A worker elsewhere knows the installed catalogue; a component registered at run
time (a plugin module imported by the server, a test module) is found by
importing the module that declared it. When the worker does not share the
artifact store's filesystem, input artifact directories travel with the task
and output directories travel back with the outcome, as tar bytes checked
against their content digest.
"""
from __future__ import annotations

import importlib
import io
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import components
from canvas_store.artifacts import ArtifactStore, directory_digest
from designer.execution.node_task import NodeOutcome, NodeTask


@dataclass(frozen=True)
class ShippedTask:
    """A NodeTask plus what a worker elsewhere needs to run it."""

    task: NodeTask
    #: The module that declares the component (imported by the worker if its catalogue lacks it).
    component_module: str | None = None
    #: digest -> tar bytes of the input artifacts, when the worker has its own store.
    packed_inputs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ShippedOutcome:
    outcome: NodeOutcome
    #: digest -> tar bytes of the output artifacts, when the worker has its own store.
    packed_outputs: dict = field(default_factory=dict)


def ship(task: NodeTask, *, store: ArtifactStore | None = None) -> ShippedTask:
    """Wrap `task` for a worker; with `store`, pack its input artifacts (the worker does not share it)."""
    spec = components.get(task.component_id)
    module = getattr(spec.function, "__module__", None) if spec is not None else None
    packed = {}
    if store is not None:
        wanted = [*task.inputs.values(), *_pinned_datasets(spec, task.params)]
        packed = {d: pack_artifact(store, d) for d in dict.fromkeys(wanted) if d is not None}
    return ShippedTask(task, module if module not in (None, "__main__") else None, packed)


def _pinned_datasets(spec, params: dict) -> list:
    """The artifacts a node's registered-dataset parameters were pinned to (it loads them by digest)."""
    from components.registered_data import pinned_digest
    from components.roles import Kind

    if spec is None:
        return []
    return [pinned_digest(params.get(p.name)) for p in spec.params_of_kind(Kind.DATASET)]


def ensure_component(shipped: ShippedTask) -> None:
    """Import the module that declares the task's component if this process does not know it yet."""
    if components.get(shipped.task.component_id) is None and shipped.component_module:
        try:
            importlib.import_module(shipped.component_module)
        except ImportError as exc:
            raise LookupError(f"component '{shipped.task.component_id}' is not installed where this node ran "
                              f"(cannot import {shipped.component_module}: {exc})") from None


def pack_artifact(store: ArtifactStore, digest: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        archive.add(store.existing_path(digest), arcname=".")
    return buffer.getvalue()


def unpack_artifact(store: ArtifactStore, digest: str, data: bytes) -> None:
    """Place an artifact's directory into `store`, refusing it if its content does not match its digest."""
    if store.exists(digest):
        return
    staging = Path(tempfile.mkdtemp(dir=store.tmp))
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r") as archive:
            archive.extractall(staging, filter="data")
        actual = directory_digest(staging)
        if actual != digest:
            raise ValueError(f"artifact {digest[:12]} arrived damaged (content digest {actual[:12]})")
        final = store.path(digest)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(staging, final)
        except OSError:  # another writer placed the same content first
            pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)
