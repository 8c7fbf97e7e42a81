"""The designer's core service: validate, plan and run graphs against one home; CLI and server both use it."""
from __future__ import annotations

import threading
from typing import Any, Callable, Iterable

import components
from canvas_store.artifacts import ArtifactStore
from components.roles import Role
from designer.compute.registry import TargetRegistry
from designer.environment import run_environment
from designer.execution.executor import Executor, RunResult
from designer.execution.plan import RunPlan, make_plan
from designer.execution.recording import RunRecorder
from designer.graph.document import load_graph
from designer.graph.validation import ParameterError, Problem, validate
from designer.home import Home

Listener = Callable[[dict], None]


class GraphInvalid(Exception):
    """The graph or the run's parameters are not acceptable; `problems` name node and port."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class Designer:
    def __init__(self, home: Home, store=None):
        from canvas_store.repository import Store

        self.home = home
        self.store = store or Store.for_home(home.path, home.db_url)
        self.artifacts = ArtifactStore(home.artifacts)
        self.targets = TargetRegistry(self._target_records)
        self.executor = Executor(self.artifacts, self.targets, datastore=str(home.datastore))
        self.listeners: list[Listener] = []
        self._threads: dict[str, threading.Thread] = {}
        self._results: dict[str, RunResult] = {}
        self._lock = threading.Lock()
        self._sweeps = None
        self._automl = None

    @property
    def sweeps(self):
        """The SweepManager of this Designer (hyperparameter sweeps run as ordinary runs of it)."""
        from designer.sweeps.runner import SweepManager

        with self._lock:
            if self._sweeps is None:
                self._sweeps = SweepManager(self)
            return self._sweeps

    @property
    def automl(self):
        """The AutomlManager of this Designer (automated ML: a sweep per learner, the winner as a graph)."""
        from designer.automl import AutomlManager

        with self._lock:
            if self._automl is None:
                self._automl = AutomlManager(self)
            return self._automl

    def _target_records(self) -> dict:
        return {r["name"]: (r["kind"], r.get("settings") or {}) for r in self.store.list_compute_targets()}

    # ------------------------------------------------------------ graphs
    def validate(self, document: Any) -> list[Problem]:
        return validate(document, components.catalogue(), known_computes=self.targets.names())

    def plan(self, document: dict, *, compute: str | None = None, parameters: dict | None = None,
             to: str | None = None, rerun: Iterable[str] = ()) -> RunPlan:
        problems = self.validate(document)
        if compute is not None and compute not in self.targets.names():
            problems.append(Problem(None, None, "unknown-compute", f"compute target '{compute}' does not exist "
                                    f"(known: {', '.join(self.targets.names())})"))
        if problems:
            raise GraphInvalid(problems)
        try:
            return make_plan(load_graph(document), components.catalogue(), parameters=parameters,
                             compute=compute, to=to, rerun=tuple(rerun))
        except ParameterError as exc:
            raise GraphInvalid(exc.problems) from None

    # ------------------------------------------------------------ runs
    def start_run(self, document: dict, *, graph_id: str | None = None, revision: int | None = None,
                  compute: str | None = None, parameters: dict | None = None, to: str | None = None,
                  rerun: Iterable[str] = (), listeners: Iterable[Listener] = (), kind: str = "manual",
                  pipeline_id: str | None = None, pipeline_version: int | None = None,
                  trigger: str | None = None, experiment: str | None = None, display_name: str | None = None,
                  description: str | None = None, tags: dict | None = None) -> str:
        """Validate and plan now (raising GraphInvalid), then run in a background thread; returns the run id.

        `trigger` says what started it (manual, published, schedule:<id>, sweep:<id>); `experiment`
        groups runs for comparison (default: the graph's name). The environment is recorded now.
        """
        plan = self.plan(document, compute=compute, parameters=parameters, to=to, rerun=rerun)
        run_id = self.store.create_run(document, graph_id=graph_id, revision=revision,
                                       compute=compute or document.get("default_compute") or "local",
                                       parameters=plan.parameters, kind=kind, pipeline_id=pipeline_id,
                                       pipeline_version=pipeline_version, trigger=trigger,
                                       experiment=experiment, display_name=display_name,
                                       description=description, tags=tags,
                                       environment=run_environment(),
                                       evaluation_nodes=[n for n, p in plan.nodes.items()
                                                         if Role.EVALUATES in p.spec.roles])
        thread = threading.Thread(target=self._execute, args=(plan, run_id, list(listeners)),
                                  name=f"run-{run_id[:8]}", daemon=True)
        with self._lock:
            self._threads[run_id] = thread
        thread.start()
        return run_id

    def run(self, document: dict, **options) -> RunResult:
        """Run to completion in the caller's thread (the CLI)."""
        run_id = self.start_run(document, **options)
        return self.wait(run_id)

    def wait(self, run_id: str, timeout: float | None = None) -> RunResult | None:
        with self._lock:
            thread = self._threads.get(run_id)
        if thread is not None:
            thread.join(timeout)
        with self._lock:
            return self._results.get(run_id)

    def cancel_run(self, run_id: str) -> bool:
        return self.executor.cancel(run_id)

    def is_active(self, run_id: str) -> bool:
        with self._lock:
            thread = self._threads.get(run_id)
        return thread is not None and thread.is_alive()

    def _execute(self, plan: RunPlan, run_id: str, listeners: list[Listener]) -> None:
        output_types = {n: {port: t.name for port, t in p.spec.outputs.items()} for n, p in plan.nodes.items()}
        recorder = RunRecorder(self.store, run_id, output_types)
        sinks = [recorder, *listeners, *self.listeners]

        def emit(event: dict) -> None:
            for sink in sinks:
                try:
                    sink(event)
                except Exception:  # a broken listener (closed socket) must not break the run
                    if sink is recorder:
                        raise

        try:
            result = self.executor.run(plan, run_id, emit)
        except Exception as exc:  # pragma: no cover - executor bugs still end the run as failed
            recorder.flush()
            self.store.set_run_status(run_id, "failed", error=f"internal error: {exc}")
            result = RunResult(run_id, "failed", {}, error=str(exc))
        finally:
            recorder.close()
        with self._lock:
            self._results[run_id] = result
            self._threads.pop(run_id, None)
            while len(self._results) > 100:  # the store keeps every run; this only serves wait()
                self._results.pop(next(iter(self._results)))

    def close(self) -> None:
        if self._sweeps is not None:
            self._sweeps.close()
        self.targets.close()
        self.store.close()
