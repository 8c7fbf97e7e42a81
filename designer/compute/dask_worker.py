"""What runs inside a Dask worker for the `dask` target: one node's task, its events and its cancellation.

Kept free of client-side imports: every worker of a cluster imports this module
(the project must be installed on each worker machine).
"""
from __future__ import annotations

from canvas_store.artifacts import store_at
from components.json_values import to_json_value
from designer.compute.shipping import ShippedOutcome, ShippedTask, ensure_component, pack_artifact, unpack_artifact
from designer.execution.node_task import run_node_task
from designer.execution.progress import throttled

#: Run ids cancelled by the client (pushed to every worker with `Client.run`): checking costs no round trip.
_cancelled_runs: set[str] = set()


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

    @throttled
    def report(kind: str, payload: dict) -> None:
        worker.log_event(topic, {"token": token, "kind": kind, "payload": _msgpack_safe(payload)})

    store = None
    if worker_store_root is not None:  # this worker does not share the server's artifact store
        store = store_at(worker_store_root)
        for digest, data in shipped.packed_inputs.items():
            unpack_artifact(store, digest, data)
    ensure_component(shipped)
    outcome = run_node_task(task, report, lambda: task.run_id in _cancelled_runs, tuple(worker_devices()), store)
    if store is None:
        return ShippedOutcome(outcome)
    return ShippedOutcome(outcome, {d: pack_artifact(store, d) for d in dict.fromkeys(outcome.outputs.values())})


def _msgpack_safe(payload: dict) -> dict:
    # Events cross the scheduler as msgpack: numpy numbers become Python numbers, anything else its text.
    return to_json_value(payload)
