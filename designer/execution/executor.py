"""The executor: runs a plan in dependency order, reusing cached outputs and isolating failures.

It knows compute targets only through `ComputeTarget.submit`, the store only
through its cache index, and the outside world only through `emit(event)`.
"""
from __future__ import annotations

import queue
import threading
import time
import traceback
from collections import deque
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from typing import Callable, Mapping

from canvas_store.artifacts import ArtifactStore
from components.context import Cancelled
from components.roles import Kind
from components.spec import ComponentError
from designer.compute.base import ComputeTarget, TargetUnavailable
from designer.execution.caching import cache_key, datastore_fingerprint
from designer.execution.node_task import NodeTask
from designer.execution.plan import RunPlan

Emit = Callable[[dict], None]
#: At most this many progress events per node per second reach listeners.
PROGRESS_EVENTS_PER_SECOND = 10


@dataclass
class NodeResult:
    status: str = "queued"
    cached: bool = False
    seconds: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    error: str | None = None
    traceback: str | None = None
    outputs: dict = field(default_factory=dict)
    metrics: dict | None = None
    compute: str | None = None
    cache_key: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class RunResult:
    run_id: str
    status: str
    nodes: dict  # node_id -> NodeResult
    error: str | None = None

    def to_json(self) -> dict:
        return {"run_id": self.run_id, "status": self.status, "error": self.error,
                "nodes": {n: r.to_json() for n, r in self.nodes.items()}}


class Executor:
    def __init__(self, store: ArtifactStore, targets: Mapping[str, ComputeTarget] | Callable[[str], ComputeTarget],
                 datastore: str | None = None):
        self.store = store
        self._targets = targets
        self.datastore = datastore
        self._cancel_events: dict[str, threading.Event] = {}
        self._running_targets: dict[str, set] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------ public
    def run(self, plan: RunPlan, run_id: str, emit: Emit | None = None) -> RunResult:
        emit = emit or (lambda event: None)
        with self._lock:
            cancel = self._cancel_events.setdefault(run_id, threading.Event())
            self._running_targets[run_id] = set()
        try:
            return _Run(self, plan, run_id, emit, cancel).execute()
        finally:
            with self._lock:
                self._cancel_events.pop(run_id, None)
                self._running_targets.pop(run_id, None)

    def cancel(self, run_id: str) -> bool:
        """Ask a run to stop: queued nodes are cancelled, running ones are told to stop."""
        with self._lock:
            event = self._cancel_events.get(run_id)
            targets = list(self._running_targets.get(run_id, ()))
        if event is None:
            return False
        event.set()
        for target in targets:
            target.cancel_run(run_id)
        return True

    def target(self, name: str) -> ComputeTarget:
        if callable(self._targets) and not isinstance(self._targets, Mapping):
            return self._targets(name)
        try:
            return self._targets[name]
        except KeyError:
            raise TargetUnavailable(f"compute target '{name}' does not exist") from None

    def _using(self, run_id: str, target: ComputeTarget) -> None:
        with self._lock:
            if run_id in self._running_targets:
                self._running_targets[run_id].add(target)


class _Run:
    """The state of one run while the executor drives it."""

    def __init__(self, executor: Executor, plan: RunPlan, run_id: str, emit: Emit, cancel: threading.Event):
        self.executor, self.plan, self.run_id, self.emit, self.cancel = executor, plan, run_id, emit, cancel
        self.store = executor.store
        self.results = {n: NodeResult(compute=plan.nodes[n].compute) for n in plan.order}
        # Each node waits for its distinct parents; when the count reaches zero it is ready.
        self.children: dict[str, list[str]] = {n: [] for n in plan.order}
        self.waiting_on: dict[str, int] = {}
        for node_id in plan.order:
            parents = {src for src, _ in plan.nodes[node_id].inputs.values()}
            self.waiting_on[node_id] = len(parents)
            for parent in parents:
                self.children[parent].append(node_id)
        self.pending = set(plan.order)  # not started yet
        self.ready = deque(n for n in plan.order if self.waiting_on[n] == 0)
        self.running: dict[Future, str] = {}
        self.done: queue.SimpleQueue = queue.SimpleQueue()
        self.checked: set[str] = set()  # targets asked once whether they can take work
        self.aborted: str | None = None  # why the run stopped early (a target that cannot be reached)

    def execute(self) -> RunResult:
        self.emit({"event": "run.status", "run_id": self.run_id, "status": "running"})
        for node_id in self.plan.order:
            self._node_event(node_id, "queued")
        try:
            targets = self._resolve_targets()
        except TargetUnavailable as exc:
            return self._finish_without_running(str(exc))
        while True:
            if self.cancel.is_set():
                self._cancel_pending()
            else:
                self._start_ready(targets)
            if not self.running:
                break
            try:
                node_id, future = self.done.get(timeout=0.2)
            except queue.Empty:
                continue  # look at the cancel flag again
            self.running.pop(future, None)
            self._finish(node_id, future)
        for node_id in sorted(self.pending):  # only reachable when a parent never produced its outputs
            self._set(node_id, "skipped")
        return self._result()

    # ------------------------------------------------------------ scheduling
    def _resolve_targets(self) -> dict[str, ComputeTarget]:
        # Names only: a target is asked whether it can take work when a node first needs it,
        # so a fully cached run never starts (or waits for) a cluster.
        targets = {}
        for name in sorted({n.compute for n in self.plan.nodes.values()}):
            target = self.executor.target(name)
            targets[name] = target
            self.executor._using(self.run_id, target)
        return targets

    def _abort(self, node_id: str, message: str) -> None:
        """A target cannot be reached: nothing more starts, running nodes are told to stop."""
        self.aborted = message
        self.pending.add(node_id)
        for waiting in [n for n in self.plan.order if n in self.pending]:
            self.pending.discard(waiting)
            self.results[waiting].error = message
            self._set(waiting, "skipped")
        self.ready.clear()
        if self.running:
            self.executor.cancel(self.run_id)

    def _keyed_params(self, planned) -> dict:
        """The node's parameters, plus what the datastore files its read-path parameters name hold now.

        Write paths are left out: the file a node writes is its result, not its input, so an
        unchanged graph ending in export-data comes from cache.
        """
        paths = {param.name: datastore_fingerprint(self.executor.datastore, planned.params.get(param.name))
                 for param in planned.spec.params_of_kind(Kind.READ_PATH)}
        paths = {name: print_ for name, print_ in paths.items() if print_}
        return {**planned.params, "$datastore": paths} if paths else planned.params

    def _completed(self, node_id: str) -> None:
        for child in self.children[node_id]:
            self.waiting_on[child] -= 1
            if self.waiting_on[child] == 0 and child in self.pending:
                self.ready.append(child)

    def _start_ready(self, targets: dict[str, ComputeTarget]) -> None:
        while self.ready and not self.cancel.is_set():
            node_id = self.ready.popleft()
            if node_id not in self.pending:
                continue
            self.pending.discard(node_id)
            planned = self.plan.nodes[node_id]
            inputs = {port: self.results[src].outputs[out] for port, (src, out) in planned.inputs.items()}
            for port in planned.spec.inputs:
                inputs.setdefault(port, None)
            key = cache_key(planned.spec.id, planned.spec.version, self._keyed_params(planned), inputs)
            result = self.results[node_id]
            result.cache_key = key
            cached = None if node_id in self.plan.rerun else self.store.cached_outputs(key)
            if cached is not None:
                now = time.time()
                result.outputs, result.cached, result.seconds = cached, True, 0.0
                result.started_at = result.finished_at = now
                self._read_metrics(node_id)
                self._set(node_id, "cached")
                self._completed(node_id)
                continue
            target = targets[planned.compute]
            if planned.compute not in self.checked:
                try:
                    target.check_available()
                except TargetUnavailable as exc:
                    self._abort(node_id, str(exc))
                    return
                self.checked.add(planned.compute)
            task = NodeTask(self.run_id, node_id, planned.spec.id, planned.params, inputs, key,
                            str(self.store.root), self.executor.datastore)
            result.started_at = time.time()
            self._set(node_id, "running")
            try:
                future = target.submit(task, self._reporter(node_id))
            except TargetUnavailable as exc:
                self._fail(node_id, str(exc), None)
                continue
            self.running[future] = node_id
            future.add_done_callback(lambda f, n=node_id: self.done.put((n, f)))

    def _finish(self, node_id: str, future: Future) -> None:
        result = self.results[node_id]
        result.finished_at = time.time()
        result.seconds = result.finished_at - (result.started_at or result.finished_at)
        try:
            outcome = future.result()
        except Cancelled:
            self._set(node_id, "cancelled")
            return
        except ComponentError as exc:
            self._fail(node_id, str(exc), traceback.format_exc())
            return
        except BaseException as exc:  # a component bug: the node fails, the run goes on
            if self.cancel.is_set():
                self._set(node_id, "cancelled")
                return
            self._fail(node_id, f"{type(exc).__name__}: {exc}", traceback.format_exc())
            return
        result.outputs = outcome.outputs
        if outcome.started_at is not None and outcome.finished_at is not None:
            result.started_at, result.finished_at = outcome.started_at, outcome.finished_at
            result.seconds = outcome.finished_at - outcome.started_at
        self._read_metrics(node_id)
        self._set(node_id, "completed")
        self._completed(node_id)

    def _fail(self, node_id: str, message: str, trace: str | None) -> None:
        result = self.results[node_id]
        result.error, result.traceback = message, trace
        self._set(node_id, "failed", error=message)
        for child in self._descendants(node_id):
            if child in self.pending:
                self.pending.discard(child)
                self._set(child, "skipped")

    def _descendants(self, node_id: str) -> list[str]:
        found, frontier = set(), [node_id]
        while frontier:
            for child in self.children[frontier.pop()]:
                if child not in found:
                    found.add(child)
                    frontier.append(child)
        return [n for n in self.plan.order if n in found]

    def _cancel_pending(self) -> None:
        for node_id in [n for n in self.plan.order if n in self.pending]:
            self.pending.discard(node_id)
            self._set(node_id, "cancelled")
        self.ready.clear()

    def _finish_without_running(self, message: str) -> RunResult:
        for node_id in self.plan.order:
            self.results[node_id].error = message
            self._set(node_id, "skipped")
        self.pending.clear()
        self.ready.clear()
        result = RunResult(self.run_id, "failed", self.results, error=message)
        self.emit({"event": "run.status", "run_id": self.run_id, "status": "failed", "error": message})
        return result

    def _result(self) -> RunResult:
        if self.aborted:
            self.emit({"event": "run.status", "run_id": self.run_id, "status": "failed", "error": self.aborted})
            return RunResult(self.run_id, "failed", self.results, self.aborted)
        statuses = {r.status for r in self.results.values()}
        if "failed" in statuses:
            status = "failed"
        elif self.cancel.is_set() or "cancelled" in statuses:
            status = "cancelled"
        else:
            status = "completed"
        failed = [n for n, r in self.results.items() if r.status == "failed"]
        error = f"{len(failed)} node(s) failed: {', '.join(failed)}" if failed else None
        event = {"event": "run.status", "run_id": self.run_id, "status": status}
        if error:
            event["error"] = error
        self.emit(event)
        return RunResult(self.run_id, status, self.results, error)

    # ------------------------------------------------------------ events
    def _set(self, node_id: str, status: str, **extra) -> None:
        self.results[node_id].status = status
        self._node_event(node_id, status, **extra)

    def _node_event(self, node_id: str, status: str, **extra) -> None:
        result = self.results[node_id]
        event = {"event": "node.status", "run_id": self.run_id, "node_id": node_id, "status": status,
                 "cached": result.cached, "compute": result.compute, **extra}
        if status in ("completed", "cached", "failed", "cancelled"):
            event.update(seconds=result.seconds, started_at=result.started_at, finished_at=result.finished_at,
                         outputs=result.outputs, cache_key=result.cache_key)
            if result.metrics is not None:
                event["metrics"] = result.metrics
            if result.traceback:
                event["traceback"] = result.traceback
        elif status == "running":
            event["started_at"] = result.started_at
        self.emit(event)

    def _reporter(self, node_id: str) -> Callable[[str, dict], None]:
        last_progress = [0.0]
        interval = 1.0 / PROGRESS_EVENTS_PER_SECOND

        def report(kind: str, payload: dict) -> None:
            if kind == "node.progress":
                now = time.monotonic()
                if now - last_progress[0] < interval and payload.get("fraction", 0) < 1.0:
                    return
                last_progress[0] = now
            self.emit({**payload, "event": kind, "run_id": self.run_id, "node_id": node_id})

        return report

    def _read_metrics(self, node_id: str) -> None:
        """Keep the numbers of a Metrics output on the node result (the CLI and run history show them)."""
        planned = self.plan.nodes[node_id]
        for port, port_type in planned.spec.outputs.items():
            if port_type.name == "Metrics" and port in self.results[node_id].outputs:
                try:
                    value = self.store.get(self.results[node_id].outputs[port])
                except Exception:  # a damaged artifact must not fail a finished node
                    continue
                if isinstance(value, dict):
                    numbers = value.get("metrics", value)
                    self.results[node_id].metrics = {k: v for k, v in numbers.items()
                                                     if isinstance(v, (int, float)) and not isinstance(v, bool)}
