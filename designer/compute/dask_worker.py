"""What runs inside a Dask worker for the `dask` target: one node's task, its events and its cancellation.

Kept free of client-side imports: every worker of a cluster imports this module
(the project must be installed on each worker machine).
"""
from __future__ import annotations

import json
import time

from canvas_store.artifacts import ArtifactStore
from designer.compute.shipping import ShippedOutcome, ShippedTask, ensure_component, pack_artifact, unpack_artifact
from designer.execution.node_task import run_node_task

#: Progress events per node per second sent to the scheduler (the executor shows no more than this).
PROGRESS_EVENTS_PER_SECOND = 10
#: Run ids cancelled by the client (pushed to every worker with `Client.run`): checking costs no round trip.
_cancelled_runs: set[str] = set()
_stores: dict[str, ArtifactStore] = {}


async def mark_run_cancelled(run_id: str) -> None:
    # async so the client can broadcast it without waiting for every worker
    _cancelled_runs.add(run_id)


def worker_devices() -> list[str]:
    from designer.compute.local import local_devices

    return local_devices()


def warm_up() -> list[str]:
    """Import the catalogue once per worker (so the first node starts at once) and tell the client the devices."""
    from designer.compute.process_worker import warm_up as import_catalogue

    import_catalogue()
    return worker_devices()


def run_on_worker(shipped: ShippedTask, topic: str, token: str, worker_store_root: str | None = None) -> ShippedOutcome:
    """Run one node on this worker; events go to the client through the scheduler's `topic`."""
    from distributed import get_worker

    worker = get_worker()
    task = shipped.task
    last_progress = [0.0]

    def report(kind: str, payload: dict) -> None:
        if kind == "node.progress":
            now = time.monotonic()
            if now - last_progress[0] < 1.0 / PROGRESS_EVENTS_PER_SECOND and payload.get("fraction", 0) < 1.0:
                return
            last_progress[0] = now
        worker.log_event(topic, {"token": token, "kind": kind, "payload": _msgpack_safe(payload)})

    store = None
    if worker_store_root is not None:  # this worker does not share the server's artifact store
        store = _stores.get(worker_store_root) or _stores.setdefault(worker_store_root,
                                                                      ArtifactStore(worker_store_root))
        for digest, data in shipped.packed_inputs.items():
            unpack_artifact(store, digest, data)
    ensure_component(shipped)
    outcome = run_node_task(task, report, lambda: task.run_id in _cancelled_runs, tuple(worker_devices()), store)
    if store is None:
        return ShippedOutcome(outcome)
    return ShippedOutcome(outcome, {d: pack_artifact(store, d) for d in dict.fromkeys(outcome.outputs.values())})


def _msgpack_safe(payload: dict) -> dict:
    # Events cross the scheduler as msgpack: numpy numbers become Python numbers, anything else its text.
    return json.loads(json.dumps(payload, default=lambda v: v.item() if hasattr(v, "item") else str(v)))
