"""The sweep runner: asks the sampler for trials, starts each as an ordinary run, stops those the policy condemns.

Thin on purpose: what to try (sampling), whom to stop (policies), what the request means
(config) are pure modules; this one only wires them to `Designer.start_run`, the runs'
live events and the store. One thread per sweep; policy decisions are taken in the event
listener itself, so a trial is told to stop before its next epoch starts.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field

from designer.sweeps.config import (SweepConfig, check_against_graph, parse_config, sample_values,
                                    shared_nodes, sweep_view, trial_inputs)
from designer.sweeps.policies import TrialCurve, should_terminate
from components.trial_sampling import TrialSampler

log = logging.getLogger(__name__)

RUN_FINISHED = ("completed", "failed", "cancelled")
NODE_DONE = ("completed", "cached", "failed", "skipped", "cancelled")
#: Intermediate values reach the store at most this often per trial (and always when it finishes).
FLUSH_SECONDS = 0.5


class SweepNotActive(Exception):
    """Cancel or resume asked of a sweep in a state that does not allow it."""

    def __init__(self, message: str, status: str):
        super().__init__(message)
        self.status = status


@dataclass
class _Trial:
    number: int
    optuna_number: int
    run_id: str | None = None
    primary: float | None = None
    metric_events: list = field(default_factory=list)
    curve: TrialCurve = field(default_factory=TrialCurve)
    stopping: bool = False
    flushed_at: float = 0.0
    flushed_values: int = 0


class SweepManager:
    """Starts, cancels, resumes and recovers the sweeps of one Designer (one per Designer)."""

    def __init__(self, designer):
        self.designer = designer
        self._runs: dict[str, "_SweepRun"] = {}
        self._lock = threading.Lock()

    @property
    def store(self):
        return self.designer.store

    def submit(self, document: dict, body: dict, *, graph_id: str | None = None,
               revision: int | None = None) -> str:
        """Check the request and the graph (SweepConfigError, GraphInvalid), record the sweep, start it."""
        config = parse_config(body)
        check_against_graph(config, document)
        trial_document, parameters = trial_inputs(document, sample_values(config.dimensions))
        self.designer.plan(trial_document, compute=config.compute, parameters=parameters)
        sweep_id = self.store.create_sweep(document, config.to_json(), graph_id=graph_id, revision=revision)
        self._launch(sweep_id, document, config, graph_id, revision)
        return sweep_id

    def view(self, sweep_id: str) -> dict:
        return sweep_view(self.store.get_sweep(sweep_id))

    def cancel(self, sweep_id: str) -> None:
        with self._lock:
            run = self._runs.get(sweep_id)
        if run is None or not run.is_alive():
            status = self.store.get_sweep(sweep_id)["status"]
            if status == "interrupted":
                self.store.set_sweep_status(sweep_id, "cancelled")
                return
            raise SweepNotActive(f"the sweep is not running here (it is {status})", status)
        run.cancel()

    def resume(self, sweep_id: str) -> None:
        """Continue an interrupted sweep: its finished trials are kept, half-done ones are tried again."""
        record = self.store.get_sweep(sweep_id)
        with self._lock:
            running = sweep_id in self._runs and self._runs[sweep_id].is_alive()
        if running or record["status"] != "interrupted":
            raise SweepNotActive(f"only an interrupted sweep can be resumed (this one is "
                                 f"{'running' if running else record['status']})", record["status"])
        config = parse_config(record["config"])
        self.store.discard_unfinished_trials(sweep_id)
        self.store.set_sweep_status(sweep_id, "running")
        self._launch(sweep_id, record["document"], config, record.get("graph_id"), record.get("revision"))

    def recover(self, resume: bool = True) -> list[str]:
        """On start-up: sweeps a stopped server was running become interrupted, and continue when `resume`."""
        interrupted = self.store.mark_unfinished_sweeps_interrupted()
        if resume:
            for sweep_id in interrupted:
                try:
                    self.resume(sweep_id)
                except Exception:  # one damaged sweep must not stop the server
                    log.exception("could not resume sweep %s", sweep_id)
        return interrupted

    def wait(self, sweep_id: str, timeout: float | None = None) -> bool:
        """Block until the sweep's thread ends; True when it has."""
        with self._lock:
            run = self._runs.get(sweep_id)
        if run is not None:
            run.join(timeout)
            return not run.is_alive()
        return True

    def close(self, timeout: float = 2.0) -> None:
        """The server stops: sweeps stop starting trials and leave their records as they are, so the next
        start finds them running and continues them (their half-done trials are tried again)."""
        with self._lock:
            runs = list(self._runs.values())
        for run in runs:
            run.shutdown.set()
            run.events.put(("tick",))
        for run in runs:
            run.join(timeout)

    def _launch(self, sweep_id, document, config, graph_id, revision) -> None:
        run = _SweepRun(self, sweep_id, document, config, graph_id, revision)
        with self._lock:
            self._runs[sweep_id] = run
        run.start()


class _SweepRun(threading.Thread):
    def __init__(self, manager: SweepManager, sweep_id: str, document: dict, config: SweepConfig,
                 graph_id: str | None, revision: int | None):
        super().__init__(name=f"sweep-{sweep_id[:8]}", daemon=True)
        self.manager, self.designer, self.store = manager, manager.designer, manager.store
        self.sweep_id, self.document, self.config = sweep_id, document, config
        self.graph_id, self.revision = graph_id, revision
        self.events: queue.SimpleQueue = queue.SimpleQueue()
        self.cancelled = threading.Event()
        self.shutdown = threading.Event()
        self.lock = threading.Lock()  # guards the trials' curves (listeners run on executor threads)
        self.trials: dict[int, _Trial] = {}
        self.curves: list[TrialCurve] = []
        self.active: dict[int, _Trial] = {}
        self.shared = shared_nodes(document, set(config.dimensions))
        # An evaluation node reports its metric once, when the trial is done: nothing is left to stop then.
        self.policy = None if _reports_once(document, config) else config.policy
        self.gate_trial: int | None = None
        self.shared_done: set[str] = set()

    # ------------------------------------------------------------ driving
    def run(self) -> None:
        try:
            self._drive()
        except Exception as error:  # pragma: no cover - a runner bug ends the sweep visibly, not silently
            log.exception("sweep %s failed", self.sweep_id)
            for trial in list(self.active.values()):
                self.designer.cancel_run(trial.run_id)
            self.store.set_sweep_status(self.sweep_id, "failed", error=f"internal error: {error}")

    def _drive(self) -> None:
        config = self.config
        sampler = TrialSampler(config.dimensions, config.sampling, config.goal, config.seed)
        finished = self.store.get_sweep(self.sweep_id)["trials"]
        for record in finished:
            value = record["metric"] if record["status"] == "completed" else None
            sampler.replay(record.get("sampler_state") or {}, value, record["intermediate"])
            self.curves.append(TrialCurve(list(record["intermediate"]), finished=True))
        next_number = max((t["trial"] for t in finished), default=-1) + 1
        started = len(finished)
        # A resumed sweep finds the shared nodes in the cache already.
        gate_open = started > 0 or not self.shared
        while True:
            if self.shutdown.is_set():
                return  # the sweep stays running in the store: the next server start continues it
            capacity = sampler.capacity
            while (not self.cancelled.is_set() and len(self.active) < config.max_concurrent_trials
                   and started < config.max_total_trials and (capacity is None or started < capacity)
                   and (gate_open or not self.active)):
                if not gate_open:
                    self.gate_trial = next_number  # before it starts: its first events may come at once
                self._start_trial(sampler, next_number)
                next_number += 1
                started += 1
            if not self.active:
                break
            try:
                event = self.events.get(timeout=FLUSH_SECONDS)
            except queue.Empty:
                event = ("tick",)
            if event[0] == "finished":
                self._finish_trial(sampler, *event[1:])
                if event[1] == self.gate_trial:
                    gate_open = True
            elif event[0] == "gate":
                gate_open = True
            elif event[0] == "intermediate":
                sampler.report(event[1], event[2], event[3])
            self._flush_intermediate()
        self._conclude()

    def _start_trial(self, sampler: TrialSampler, number: int) -> None:
        suggestion = sampler.ask()
        trial = _Trial(number, suggestion.number)
        with self.lock:
            self.trials[number] = trial
            self.curves.append(trial.curve)
        self.store.add_trial(self.sweep_id, number, suggestion.parameters, sampler_state=suggestion.state,
                             status="running")
        document, parameters = trial_inputs(self.document, suggestion.parameters)
        try:
            run_id = self.designer.start_run(
                document, graph_id=self.graph_id, revision=self.revision, compute=self.config.compute,
                parameters=parameters, listeners=[self._listener(trial)], trigger=f"sweep:{self.sweep_id}",
                display_name=f"{self.document.get('name') or 'Sweep'} · trial {number}",
                tags={"sweep": self.sweep_id, "trial": str(number)})
        except Exception as error:  # GraphInvalid: e.g. a sampled value outside the parameter's range
            trial.curve.finished = True
            sampler.tell(suggestion.number, None)
            self.store.update_trial(self.sweep_id, number, status="failed", error=str(error),
                                    finished_at=time.time())
            return
        trial.run_id = run_id
        self.active[number] = trial
        self.store.update_trial(self.sweep_id, number, run_id=run_id)

    def _finish_trial(self, sampler: TrialSampler, number: int, run_status: str, error: str | None) -> None:
        trial = self.active.pop(number, None)
        if trial is None:
            return
        self.designer.wait(trial.run_id)  # the run's record is complete once its thread has ended
        metric = trial.primary
        if metric is None:
            metric = _last(trial.metric_events, self.config.primary_metric.metric)
        if run_status == "completed" and metric is None:
            run_status = "failed"
            error = (f"the run finished without reporting {self.config.primary_metric} "
                     f"(check the node and metric names)")
        status = {"completed": "completed", "failed": "failed"}.get(run_status) or (
            "early_terminated" if trial.stopping else "cancelled")
        with self.lock:
            trial.curve.finished = True
            values = list(trial.curve.values)
        self.store.update_trial(self.sweep_id, number, status=status, error=error,
                                metric=metric if status == "completed" else None, intermediate=values,
                                finished_at=time.time())
        trial.flushed_values = len(values)
        sampler.tell(trial.optuna_number, metric if status == "completed" else None,
                     pruned=status == "early_terminated")

    def _flush_intermediate(self) -> None:
        now = time.monotonic()
        for trial in list(self.active.values()):
            with self.lock:
                values = list(trial.curve.values)
            if len(values) != trial.flushed_values and now - trial.flushed_at >= FLUSH_SECONDS:
                self.store.update_trial(self.sweep_id, trial.number, intermediate=values)
                trial.flushed_at, trial.flushed_values = now, len(values)

    def _conclude(self) -> None:
        trials = self.store.get_sweep(self.sweep_id)["trials"]
        if self.cancelled.is_set():
            self.store.set_sweep_status(self.sweep_id, "cancelled")
        elif any(t["status"] == "completed" for t in trials):
            self.store.set_sweep_status(self.sweep_id, "completed")
        else:
            reasons = [t["error"] for t in trials if t.get("error")]
            self.store.set_sweep_status(self.sweep_id, "failed",
                                        error="no trial completed" + (f": {reasons[0]}" if reasons else ""))

    def cancel(self) -> None:
        self.cancelled.set()
        for trial in list(self.active.values()):
            if trial.run_id:
                self.designer.cancel_run(trial.run_id)
        self.events.put(("tick",))

    # ------------------------------------------------------------ live events (executor threads)
    def _listener(self, trial: _Trial):
        primary, watched = self.config.primary_metric, self.config.intermediate_metric

        def listen(event: dict) -> None:
            kind, node = event.get("event"), event.get("node_id")
            if kind == "node.metrics":
                if node == primary.node:
                    trial.metric_events.append(event)
                if node == watched.node and _is_number(event.get(watched.metric)):
                    self._intermediate(trial, float(event[watched.metric]), event.get("run_id"))
            elif kind == "node.status":
                status = event.get("status")
                if node == primary.node and status in ("completed", "cached"):
                    value = (event.get("metrics") or {}).get(primary.metric)
                    if _is_number(value):
                        trial.primary = float(value)
                if trial.number == self.gate_trial and node in self.shared and status in NODE_DONE:
                    self.shared_done.add(node)
                    if self.shared_done >= self.shared:
                        self.events.put(("gate",))
            elif kind == "run.status" and event.get("status") in RUN_FINISHED:
                self.events.put(("finished", trial.number, event["status"], event.get("error")))

        return listen

    def _intermediate(self, trial: _Trial, value: float, run_id: str | None) -> None:
        with self.lock:
            trial.curve.values.append(value)
            stop = not trial.stopping and should_terminate(self.policy, self.config.intermediate_goal,
                                                           trial.curve, self.curves)
            if stop:
                trial.stopping = True
        self.events.put(("intermediate", trial.optuna_number, len(trial.curve.values), value))
        if stop and run_id:
            self.designer.cancel_run(run_id)


def _reports_once(document: dict, config: SweepConfig) -> bool:
    """Whether the watched metric is the primary metric of an evaluating node (its one and final value)."""
    import components
    from components.roles import Role

    if config.intermediate_metric != config.primary_metric:
        return False
    node = next((n for n in document.get("nodes") or [] if n.get("id") == config.primary_metric.node), None)
    spec = components.get(node.get("component")) if node else None
    return spec is not None and Role.EVALUATES in spec.roles


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _last(events: list, metric: str) -> float | None:
    for event in reversed(events):
        if _is_number(event.get(metric)):
            return float(event[metric])
    return None
