"""The `process` target: a small pool of warm worker processes on this machine; a crash fails only its node.

Each worker runs one task at a time over its own pipe (tasks out; events and
the outcome back). One supervisor thread watches every pipe and every
worker's exit: a worker that dies (segfault, `os._exit`, out of memory, killed
on cancel) fails only the task it was running and is replaced.
`concurrent.futures.ProcessPoolExecutor` is not used because one dead worker
breaks the whole pool for every task.
"""
from __future__ import annotations

import itertools
import multiprocessing
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Callable

from components.context import Cancelled
from components.spec import ComponentError
from designer.compute.base import CancelledRuns, ComputeTarget, TargetUnavailable
from designer.compute.local import local_devices
from designer.compute.process_worker import worker_main
from designer.compute.shipping import ShippedTask, ship
from designer.execution.node_task import NodeOutcome, NodeTask

#: forkserver: the imports are paid once in the server process's fork server, and a
#: replacement worker is a cheap fork of it; never a fork of the threaded server itself.
START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
#: Modules the fork server imports once so every worker starts warm.
PRELOAD = ["designer.compute.process_worker", "designer.execution.node_task", "designer.compute.shipping",
           "pandas", "pyarrow.parquet", "sklearn.base"]
DEFAULT_WORKERS = 2
#: Seconds a cancelled component gets to stop by itself (ctx.progress notices) before its process is terminated.
CANCEL_GRACE_SECONDS = 1.0
#: Seconds between SIGTERM and SIGKILL.
KILL_AFTER_SECONDS = 2.0
STARTUP_TIMEOUT_SECONDS = 120.0
#: Consecutive workers dying before they are ready after which the target reports itself unavailable.
MAX_STARTUP_FAILURES = 3


class WorkerProcessDied(ComponentError):
    """The process running a node ended without an answer (segfault, os._exit, out of memory, killed)."""


def describe_exit(exitcode: int | None) -> str:
    if exitcode is None:
        return "exit code unknown"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        text = f"exit code {exitcode} / signal {name}"
        if -exitcode == signal.SIGKILL:
            text += ", often the system running out of memory"
        return text
    return f"exit code {exitcode}"


@dataclass(eq=False)
class _Job:
    token: int
    shipped: ShippedTask
    report: Callable[[str, dict], None]
    future: Future

    @property
    def run_id(self) -> str:
        return self.shipped.task.run_id


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: object
    cancel_flag: object
    job: _Job | None = None
    ready: bool = False
    dead: bool = False
    devices: list = field(default_factory=lambda: ["cpu"])


class ProcessTarget(ComputeTarget):
    kind = "process"

    def __init__(self, name: str = "process", workers: int = DEFAULT_WORKERS,
                 cancel_grace: float = CANCEL_GRACE_SECONDS):
        super().__init__(name)
        if workers < 1:
            raise ValueError("a process target needs at least one worker")
        self.workers = workers
        self.cancel_grace = cancel_grace
        self._mp = multiprocessing.get_context(START_METHOD)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._workers: list[_Worker] = []
        self._queue: deque[_Job] = deque()
        self._cancelled_runs = CancelledRuns()
        self._tokens = itertools.count(1)
        self._started = self._closed = False
        self._broken: str | None = None
        self._startup_failures = 0
        self._wake_reader, self._wake_writer = self._mp.Pipe(duplex=False)
        self._supervisor: threading.Thread | None = None

    # ------------------------------------------------------------ ComputeTarget
    def check_available(self) -> None:
        self._ensure_started()
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        with self._changed:
            while not any(w.ready for w in self._workers):
                self._raise_if_unusable()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TargetUnavailable(f"compute target '{self.name}': no worker process became ready "
                                            f"within {STARTUP_TIMEOUT_SECONDS:.0f} s")
                self._changed.wait(remaining)

    def submit(self, task: NodeTask, report: Callable[[str, dict], None]) -> "Future[NodeOutcome]":
        self._ensure_started()
        future: Future = Future()
        future.set_running_or_notify_cancel()
        job = _Job(next(self._tokens), ship(task), report, future)
        with self._lock:
            self._raise_if_unusable()
            cancelled = task.run_id in self._cancelled_runs
            if not cancelled:
                self._queue.append(job)
                self._dispatch_locked()
        if cancelled:
            future.set_exception(Cancelled("run cancelled"))
        return future

    def cancel_run(self, run_id: str) -> None:
        with self._lock:
            self._cancelled_runs.add(run_id)
            queued = [job for job in self._queue if job.run_id == run_id]
            for job in queued:
                self._queue.remove(job)
            running = [(w, w.job) for w in self._workers if w.job is not None and w.job.run_id == run_id]
            for worker, _ in running:
                worker.cancel_flag.value = 1  # ctx.progress / ctx.check_cancelled see it at once
        for job in queued:
            job.future.set_exception(Cancelled("run cancelled"))
        if running:
            threading.Thread(target=self._stop_after_grace, args=(running,), daemon=True,
                             name=f"designer-{self.name}-cancel").start()

    def devices(self) -> list[str]:
        with self._lock:
            for worker in self._workers:
                if worker.ready:
                    return list(worker.devices)
        return local_devices()

    def describe(self) -> dict:
        with self._lock:
            alive = sum(1 for w in self._workers if w.ready and not w.dead)
            busy = sum(1 for w in self._workers if w.job is not None)
            queued = len(self._queue)
        return {**super().describe(), "workers": self.workers, "ready_workers": alive, "busy_workers": busy,
                "queued_tasks": queued, "start_method": START_METHOD}

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            jobs = list(self._queue) + [w.job for w in self._workers if w.job is not None]
            self._queue.clear()
            workers, self._workers = list(self._workers), []
            for worker in workers:
                worker.job = None
            self._changed.notify_all()
        self._wake()
        if self._supervisor is not None and self._supervisor is not threading.current_thread():
            self._supervisor.join(5)
        for worker in workers:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        for worker in workers:
            worker.process.join(1)
            if worker.process.exitcode is None:
                worker.process.terminate()
                worker.process.join(KILL_AFTER_SECONDS)
            if worker.process.exitcode is None:
                worker.process.kill()
                worker.process.join(1)
            worker.conn.close()
        self._wake_reader.close()
        self._wake_writer.close()
        for job in jobs:
            if not job.future.done():
                job.future.set_exception(TargetUnavailable(f"compute target '{self.name}' was closed"))

    # ------------------------------------------------------------ pool
    def _raise_if_unusable(self) -> None:
        if self._closed:
            raise TargetUnavailable(f"compute target '{self.name}' is closed")
        if self._broken:
            raise TargetUnavailable(self._broken)

    def _ensure_started(self) -> None:
        with self._lock:
            self._raise_if_unusable()
            if self._started:
                return
            self._started = True
            if START_METHOD == "forkserver":
                self._mp.set_forkserver_preload(PRELOAD + _loaded_component_modules())
            for _ in range(self.workers):
                self._start_worker_locked()
        self._supervisor = threading.Thread(target=self._supervise, daemon=True,
                                            name=f"designer-{self.name}-supervisor")
        self._supervisor.start()

    def _start_worker_locked(self) -> None:
        parent_end, child_end = self._mp.Pipe()
        cancel_flag = self._mp.RawValue("b", 0)
        process = self._mp.Process(target=worker_main, args=(child_end, cancel_flag, list(sys.path)),
                                   name=f"designer-{self.name}-worker", daemon=True)
        process.start()
        child_end.close()
        self._workers.append(_Worker(process, parent_end, cancel_flag))
        self._wake()

    def _dispatch_locked(self) -> None:
        while self._queue:
            idle = next((w for w in self._workers if w.ready and not w.dead and w.job is None), None)
            if idle is None:
                return
            job = self._queue.popleft()
            idle.cancel_flag.value = 0
            idle.job = job
            try:
                idle.conn.send((job.token, job.shipped))
            except (OSError, ValueError):  # the worker just died: its exit is handled by the supervisor
                idle.job, idle.dead = None, True
                self._queue.appendleft(job)
            except Exception as exc:  # the task itself cannot be pickled
                idle.job = None
                job.future.set_exception(exc)

    def _wake(self) -> None:
        try:
            self._wake_writer.send_bytes(b"!")
        except (OSError, ValueError):
            pass

    def _supervise(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                watched = {}
                for worker in self._workers:
                    watched[worker.conn] = (worker, "message")
                    watched[worker.process.sentinel] = (worker, "exit")
            for ready in wait([self._wake_reader, *watched], timeout=1.0):
                if ready is self._wake_reader:
                    while self._wake_reader.poll():
                        self._wake_reader.recv_bytes()
                    continue
                worker, what = watched[ready]
                if worker.conn.closed:
                    continue
                if what == "exit":
                    self._bury(worker)
                    continue
                try:
                    message = worker.conn.recv()
                except (EOFError, OSError):
                    self._bury(worker)
                    continue
                self._handle(worker, message)

    def _handle(self, worker: _Worker, message: tuple) -> None:
        kind = message[0]
        if kind == "event":
            _, token, event_kind, payload = message
            job = worker.job
            if job is not None and job.token == token:
                try:
                    job.report(event_kind, payload)
                except Exception:  # a broken listener must not stop the pool
                    pass
            return
        if kind == "devices":
            with self._lock:
                worker.devices = list(message[1])
            return
        if kind == "ready":
            with self._changed:
                worker.ready, worker.devices = True, list(message[2])
                self._startup_failures = 0
                self._dispatch_locked()
                self._changed.notify_all()
            return
        _, token, value = message
        with self._lock:
            job = worker.job
            if job is None or job.token != token:
                return
            worker.job = None
            self._dispatch_locked()
        if kind == "done":
            job.future.set_result(value)
        else:
            job.future.set_exception(value.rebuild())

    def _bury(self, worker: _Worker) -> None:
        """A worker ended: fail its task (or mark it cancelled), and start a replacement."""
        with self._lock:
            worker.dead = True
        while not worker.conn.closed:  # what it said before dying still counts ("done" just before a kill)
            try:
                if not worker.conn.poll():
                    break
                self._handle(worker, worker.conn.recv())
            except (EOFError, OSError):
                break
        worker.process.join(1)
        exitcode = worker.process.exitcode
        if exitcode is not None:
            worker.process.close()
        with self._changed:
            if worker in self._workers:
                self._workers.remove(worker)
            job, worker.job = worker.job, None
            worker.conn.close()
            cancelled = job is not None and job.run_id in self._cancelled_runs
            if not self._closed:
                if not worker.ready:
                    self._startup_failures += 1
                if self._startup_failures >= MAX_STARTUP_FAILURES:
                    self._broken = (f"compute target '{self.name}': worker processes exit while starting "
                                    f"({describe_exit(exitcode)}); their error is on this process's stderr. "
                                    f"A script that uses this target must start it under "
                                    f"`if __name__ == \"__main__\":`")
                    failed, self._queue = list(self._queue), deque()
                else:
                    failed = []
                    self._start_worker_locked()
            else:
                failed = []
            self._changed.notify_all()
        for queued in failed:
            queued.future.set_exception(TargetUnavailable(self._broken))
        if job is not None:
            if cancelled:
                job.future.set_exception(Cancelled("run cancelled"))
            else:
                job.future.set_exception(WorkerProcessDied(
                    f"the worker process running this node died ({describe_exit(exitcode)}); the component "
                    f"crashed it (a segfault in native code, os._exit, or running out of memory). "
                    f"Other nodes are unaffected and the pool has started a new worker."))

    def _stop_after_grace(self, running: list[tuple[_Worker, _Job]]) -> None:
        """Give cancelled components `cancel_grace` seconds to stop by themselves, then SIGTERM, then SIGKILL."""
        def still_running() -> list[_Worker]:
            with self._lock:
                return [w for w, job in running if w.job is job and not w.dead]

        for signal_name, wait_seconds in (("terminate", self.cancel_grace), ("kill", KILL_AFTER_SECONDS)):
            deadline = time.monotonic() + wait_seconds
            while still_running() and time.monotonic() < deadline:
                time.sleep(0.02)
            with self._lock:
                for worker in [w for w, job in running if w.job is job and not w.dead]:
                    getattr(worker.process, signal_name)()


def _loaded_component_modules() -> list[str]:
    # Only the catalogue's own modules: a lazily imported heavy module (torch) stays out of every worker.
    return sorted(name for name in list(sys.modules)
                  if name.startswith("components.") and not any(p.startswith("_") for p in name.split(".")))


def from_settings(name: str, settings: dict) -> ProcessTarget:
    return ProcessTarget(name, workers=int(settings.get("workers") or DEFAULT_WORKERS),
                         cancel_grace=float(settings.get("cancel_grace_seconds", CANCEL_GRACE_SECONDS)))

