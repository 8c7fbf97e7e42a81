"""One node's work as picklable data, and the function any compute target runs to do it."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import components
from canvas_store.artifacts import ArtifactStore, store_at
from components.calling import call_component
from components.context import RunContext


@dataclass(frozen=True)
class NodeTask:
    """Everything a worker needs, in plain data, so it can cross a process or machine boundary."""

    run_id: str
    node_id: str
    component_id: str
    params: dict
    #: input port -> artifact digest (None for an unconnected optional input)
    inputs: dict
    cache_key: str
    store_root: str
    datastore: str | None = None
    #: The named datastores besides the workspace: name -> {"kind", "path" | "url"}.
    datastores: dict | None = None


@dataclass(frozen=True)
class NodeOutcome:
    outputs: dict  # port -> digest
    seconds: float
    #: Wall-clock times where the node really ran (a worker may start it after a wait for a free slot).
    started_at: float | None = None
    finished_at: float | None = None


Report = Callable[[str, dict], None]


def run_node_task(task: NodeTask, report: Report, is_cancelled: Callable[[], bool] = lambda: False,
                  devices: tuple = ("cpu",), store: ArtifactStore | None = None) -> NodeOutcome:
    """Load inputs from the artifact store, call the component, store its outputs and record the cache entry."""
    started = time.perf_counter()
    started_at = time.time()
    store = store or store_at(task.store_root)
    spec = components.get(task.component_id)
    if spec is None:
        raise LookupError(f"component '{task.component_id}' is not installed where this node ran")
    inputs = {port: (store.get(digest) if digest is not None else None) for port, digest in task.inputs.items()}
    ctx = RunContext(
        run_id=task.run_id, node_id=task.node_id,
        datastore=Path(task.datastore) if task.datastore else None, datastores=dict(task.datastores or {}),
        work_dir=store.work_dir(task.cache_key, create=False), devices=tuple(devices),
        report=report, is_cancelled=is_cancelled, artifact_loader=store.get,
        stored_inputs={port: store.path(digest) for port, digest in task.inputs.items() if digest is not None},
    )
    ctx.check_cancelled()
    values = call_component(spec, inputs, task.params, ctx)
    ctx.check_cancelled()
    outputs = {port: store.put(spec.outputs[port], value) for port, value in values.items()}
    seconds = time.perf_counter() - started
    store.record_cache(task.cache_key, outputs, seconds=seconds, component=task.component_id)
    return NodeOutcome(outputs, seconds, started_at, time.time())

