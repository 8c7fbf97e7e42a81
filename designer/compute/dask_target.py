"""The `dask` target: each node is one task on a dask.distributed cluster, attached by address or started locally.

Events travel from the worker through the scheduler's pub/sub (`log_event` on
the worker, `subscribe_topic` here) and are handed to `report` by one
dispatcher thread, in the order they were sent, before the node's outcome.
"""
from __future__ import annotations

import queue
import tempfile
import threading
import time
import uuid
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from canvas_store.artifacts import store_at
from components.context import Cancelled
from components.spec import ComponentError
from designer.compute.base import CancelledRuns, ComputeTarget, TargetUnavailable
from designer.compute.dask_worker import mark_run_cancelled, run_on_worker, warm_up, worker_devices
from designer.compute.shipping import ShippedOutcome, ship, unpack_artifact
from designer.execution.node_task import NodeOutcome, NodeTask

CONNECT_TIMEOUT_SECONDS = 3.0
#: How long an attached scheduler may have no worker before the target reports itself unavailable.
WORKER_WAIT_SECONDS = 5.0
DEVICES_TTL_SECONDS = 30.0


class DaskWorkerDied(ComponentError):
    """The Dask workers running a node kept dying (segfault, os._exit, out of memory)."""


@dataclass(eq=False)
class _Job:
    key: str
    task: NodeTask
    report: Callable[[str, dict], None]
    future: Future
    dask_future: object = None


class DaskTarget(ComputeTarget):
    kind = "dask"

    def __init__(self, name: str = "dask", *, address: str | None = None, local_workers: int | None = None,
                 shared_filesystem: bool = True, worker_store_root: str | None = None,
                 connect_timeout: float = CONNECT_TIMEOUT_SECONDS):
        super().__init__(name)
        if not address and not local_workers:
            raise ValueError("a dask target needs a scheduler address or a number of local workers")
        self.address = address
        self.local_workers = local_workers
        self.shared_filesystem = shared_filesystem
        #: Where workers keep their own artifact store when they do not share the server's.
        self.worker_store_root = None if shared_filesystem else (
            worker_store_root or str(Path(tempfile.gettempdir()) / "designer-dask-store"))
        self.connect_timeout = connect_timeout
        self._topic = f"designer-node-events-{uuid.uuid4().hex}"
        self._client = None
        self._cluster = None
        self._connect_lock = threading.Lock()
        self._lock = threading.Lock()
        self._jobs: dict[str, _Job] = {}
        self._cancelled_runs = CancelledRuns()
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._dispatcher: threading.Thread | None = None
        self._devices: tuple[float, dict] | None = None
        self._closed = False

    @property
    def where(self) -> str:
        return self.address or f"a local Dask cluster of {self.local_workers} worker(s)"

    # ------------------------------------------------------------ ComputeTarget
    def check_available(self) -> None:
        self._connected()

    def submit(self, task: NodeTask, report: Callable[[str, dict], None]) -> "Future[NodeOutcome]":
        client = self._connected()
        shipped = ship(task, store=None if self.shared_filesystem else store_at(task.store_root))
        key = f"{task.node_id}-{task.run_id}-{uuid.uuid4().hex[:8]}"
        future: Future = Future()
        future.set_running_or_notify_cancel()
        job = _Job(key, task, report, future)
        with self._lock:
            if task.run_id in self._cancelled_runs:
                future.set_exception(Cancelled("run cancelled"))
                return future
            self._jobs[key] = job
        job.dask_future = client.submit(run_on_worker, shipped, self._topic, key, self.worker_store_root,
                                        key=key, pure=False, retries=0)
        job.dask_future.add_done_callback(self._on_done)
        return future

    def cancel_run(self, run_id: str) -> None:
        with self._lock:
            self._cancelled_runs.add(run_id)
            jobs = [job for job in self._jobs.values() if job.task.run_id == run_id]
            client = self._client
        for job in jobs:  # the node is cancelled now; the cluster is told in the background
            self._inbox.put(("done", job.key, Cancelled("run cancelled")))
        if client is not None:
            threading.Thread(target=self._cancel_on_cluster, args=(client, run_id, jobs), daemon=True,
                             name=f"designer-{self.name}-cancel").start()

    def devices(self) -> list[str]:
        found = {d for devices in self.worker_devices().values() for d in devices}
        return ["cpu"] + sorted(d for d in found if d != "cpu")

    def worker_devices(self) -> dict[str, list[str]]:
        """Each worker's devices, asked of the workers (cached for a while)."""
        cached = self._devices
        if cached is not None and time.monotonic() - cached[0] < DEVICES_TTL_SECONDS:
            return cached[1]
        client = self._connected()
        devices = client.run(worker_devices)
        self._devices = (time.monotonic(), devices)
        return devices

    def describe(self) -> dict:
        info = {"name": self.name, "kind": self.kind, "shared_filesystem": self.shared_filesystem}
        info.update({"address": self.address} if self.address else {"local_workers": self.local_workers})
        try:
            workers = self.worker_devices()
        except TargetUnavailable as exc:
            return {**info, "status": "unavailable", "error": str(exc), "devices": []}
        return {**info, "status": "ready", "devices": self.devices(), "workers": workers,
                "scheduler": self._client.scheduler.address}

    def close(self) -> None:
        with self._connect_lock, self._lock:
            if self._closed:
                return
            self._closed = True
            client, cluster = self._client, self._cluster
            self._client = self._cluster = None
            jobs = list(self._jobs.values())
        for job in jobs:
            self._inbox.put(("done", job.key, TargetUnavailable(f"compute target '{self.name}' was closed")))
        self._inbox.put(None)
        if self._dispatcher is not None:
            self._dispatcher.join(5)
        if client is not None:
            try:
                client.unsubscribe_topic(self._topic)
            except Exception:
                pass
            client.close(timeout=5)
        if cluster is not None:
            cluster.close(timeout=10)

    # ------------------------------------------------------------ connection
    def _connected(self):
        """The client, connecting (or starting the local cluster) on first use; TargetUnavailable if impossible."""
        with self._connect_lock:
            if self._closed:
                raise TargetUnavailable(f"compute target '{self.name}' is closed")
            client = self._client
            if client is not None and client.status == "running":
                return client
            if client is not None:  # the scheduler went away: start over
                self._client = None
                client.close(timeout=2)
            self._client = self._connect()
            if self._dispatcher is None:
                self._dispatcher = threading.Thread(target=self._dispatch, daemon=True,
                                                    name=f"designer-{self.name}-events")
                self._dispatcher.start()
            return self._client

    def _connect(self):
        from distributed import Client

        if self.address:
            try:
                client = Client(self.address, timeout=f"{self.connect_timeout}s", set_as_default=False)
            except Exception as exc:
                raise TargetUnavailable(f"cannot reach Dask scheduler at {self.address}: {exc}") from None
        else:
            client = Client(self._local_cluster(), set_as_default=False)
        try:
            try:
                client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
            except TimeoutError:
                raise TargetUnavailable(f"the Dask scheduler at {self.address} has no workers: start some "
                                        f"with `dask worker {self.address}`") from None
            try:
                client.run(warm_up)
            except Exception as exc:
                raise TargetUnavailable(f"the workers of {self.where} cannot run designer nodes "
                                        f"({type(exc).__name__}: {exc}); install this project on every "
                                        f"worker machine") from None
            client.subscribe_topic(self._topic, self._on_event)
        except BaseException:
            client.close(timeout=2)
            raise
        return client

    def _local_cluster(self):
        if self._cluster is None:
            from distributed import LocalCluster

            try:
                # One task per worker process, so a worker that dies was killed by its own task: fail that
                # node at once instead of letting the scheduler retry it on (and crash) the other workers.
                self._cluster = LocalCluster(n_workers=self.local_workers, threads_per_worker=1, processes=True,
                                             dashboard_address=None, scheduler_kwargs={"allowed_failures": 0})
            except Exception as exc:
                raise TargetUnavailable(f"cannot start {self.where}: {type(exc).__name__}: {exc}") from None
        return self._cluster

    # ------------------------------------------------------------ events and outcomes
    def _on_event(self, event) -> None:
        # Runs in the client's event loop: hand over at once, never call listeners here.
        _, message = event
        self._inbox.put(("event", message["token"], message["kind"], message["payload"]))

    def _on_done(self, dask_future) -> None:
        # Runs in distributed's callback thread, after every event the task sent was put in the inbox.
        key = dask_future.key
        with self._lock:
            job = self._jobs.get(key)
        if job is None:
            return
        try:
            if dask_future.status == "finished":
                value = self._outcome(job, dask_future.result())
            elif dask_future.status == "cancelled":
                value = Cancelled("run cancelled")
            else:
                value = _node_error(dask_future.exception())
        except BaseException as exc:  # noqa: BLE001 - fetching or unpacking failed: that is the node's error
            value = exc
        self._inbox.put(("done", key, value))

    def _outcome(self, job: _Job, shipped: ShippedOutcome) -> NodeOutcome:
        outcome = shipped.outcome
        if shipped.packed_outputs:
            store = store_at(job.task.store_root)
            for digest, data in shipped.packed_outputs.items():
                unpack_artifact(store, digest, data)
            store.record_cache(job.task.cache_key, outcome.outputs, seconds=outcome.seconds,
                               component=job.task.component_id)
        return outcome

    def _dispatch(self) -> None:
        while True:
            item = self._inbox.get()
            if item is None:
                return
            if item[0] == "event":
                _, key, kind, payload = item
                with self._lock:
                    job = self._jobs.get(key)
                if job is not None:
                    try:
                        job.report(kind, payload)
                    except Exception:  # a broken listener must not stop other nodes' events
                        pass
                continue
            _, key, value = item
            with self._lock:
                job = self._jobs.pop(key, None)
            if job is None or job.future.done():
                continue
            if isinstance(value, BaseException):
                job.future.set_exception(value)
            else:
                job.future.set_result(value)
            job.dask_future = None  # dropping the last reference releases the result on the cluster

    def _cancel_on_cluster(self, client, run_id: str, jobs: list[_Job]) -> None:
        try:
            client.run(mark_run_cancelled, run_id, wait=False, on_error="ignore")
            futures = [job.dask_future for job in jobs if job.dask_future is not None]
            if futures:
                client.cancel(futures)
        except Exception:  # the cluster went away: nothing left to stop
            pass


def _node_error(exc: BaseException) -> BaseException:
    from distributed.scheduler import KilledWorker

    if isinstance(exc, KilledWorker):
        return DaskWorkerDied(f"the Dask workers running this node died ({exc}); the component crashed them "
                              f"(a segfault in native code, os._exit, or running out of memory)")
    return exc


def from_settings(name: str, settings: dict) -> DaskTarget:
    return DaskTarget(name, address=settings.get("address"), local_workers=settings.get("local_workers"),
                      shared_filesystem=bool(settings.get("shared_filesystem", True)),
                      worker_store_root=settings.get("worker_store_root"),
                      connect_timeout=float(settings.get("connect_timeout", CONNECT_TIMEOUT_SECONDS)))

