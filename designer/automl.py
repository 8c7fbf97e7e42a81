"""Automated ML: sweep every catalogue learner that fits the task over one split, rank them, and write the
winner as an ordinary training graph.

The learners are found in the catalogue by what they declare (no input, one UntrainedModel output whose
value is a tabular Learner for the task); each gets a small search space read from its parameters. Each
learner's trials are an ordinary sweep, so they share the cache (the data and the split run once). Jobs and
their leaderboards are workspace records (canvas_store/automl.py), written as each learner finishes, so any
Designer on the store lists them and a restart finds a job it was running and marks it interrupted.
"""
from __future__ import annotations

import logging
import threading
import time

import components
from canvas_store.errors import NotFound
from components._learner_tuning import default_search_space
from components.calling import call_component
from components.roles import Kind
from designer.sweeps import standard
from designer.sweeps.learners import (METRIC, TASKS, guess_task, job_view, leaderboard_lines, learner_graph,
                                      learners_for, winner_graph)

log = logging.getLogger(__name__)

__all__ = ["AutomlError", "AutomlManager", "AutomlNotActive", "leaderboard_lines", "learners_for"]

#: How often a job waiting on a learner's sweep looks up to see whether the server is stopping.
POLL_SECONDS = 0.5


class AutomlError(ValueError):
    """The request cannot start: no data, no such label, no learner for the task."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class AutomlNotActive(Exception):
    """Cancel asked of a job that is not running in this process."""

    def __init__(self, message: str, status: str):
        super().__init__(message)
        self.status = status


def data_nodes(source: dict, store) -> tuple[list[dict], list[dict], str, str]:
    """(nodes, edges, node id, port) that produce the table: a sample, a registered dataset, or a node of a graph."""
    if source.get("sample"):
        return [{"id": "data", "component": standard.sample_data(), "params": {"name": source["sample"]}}], [], \
            "data", "dataset"
    if source.get("dataset"):
        reader = standard.registered_table()
        param = components.get(reader).params_of_kind(Kind.DATASET)[0].name
        return [{"id": "data", "component": reader, "params": {param: source["dataset"]}}], [], "data", "dataset"
    if source.get("graph_id") and source.get("node"):
        document = store.get_graph(source["graph_id"])["document"]
        nodes = {n["id"]: n for n in document.get("nodes") or []}
        if source["node"] not in nodes:
            raise AutomlError(f"the graph has no node '{source['node']}'", "node")
        keep, frontier = {source["node"]}, [source["node"]]
        while frontier:
            current = frontier.pop()
            for edge in document.get("edges") or []:
                if edge["target"] == current and edge["source"] not in keep:
                    keep.add(edge["source"])
                    frontier.append(edge["source"])
        spec = components.get(nodes[source["node"]]["component"])
        tables = [p for p, t in (spec.outputs.items() if spec else ()) if t.name == "DataFrame"]
        port = source.get("port") or (tables[0] if tables else None)
        if port is None:
            raise AutomlError(f"node '{source['node']}' gives no table to learn from", "node")
        kept_nodes = [{k: v for k, v in n.items() if k != "position"} for n in document["nodes"] if n["id"] in keep]
        edges = [e for e in document.get("edges") or [] if e["source"] in keep and e["target"] in keep]
        return kept_nodes, edges, source["node"], port
    raise AutomlError("say what to learn from: a dataset, a sample, or a graph_id and node", "dataset")


class AutomlManager:
    """Starts, follows, cancels and recovers the automated-ML jobs of one Designer (the records are the store's)."""

    def __init__(self, designer):
        self.designer = designer
        self._runs: dict[str, _AutomlRun] = {}
        self._lock = threading.Lock()

    @property
    def store(self):
        return self.designer.store

    def start(self, *, label: str, dataset: str | None = None, sample: str | None = None,
              graph_id: str | None = None, node: str | None = None, port: str | None = None,
              task: str | None = None, trials: int = 3, compute: str | None = None, seed: int = 0) -> str:
        """Check the request and read the data now (AutomlError), record the job, try the learners in a thread."""
        if not label:
            raise AutomlError("label is required: the column to predict", "label")
        if task is not None and task not in TASKS:
            raise AutomlError(f"task must be classification or regression, not {task!r}", "task")
        if not isinstance(trials, int) or isinstance(trials, bool) or not 1 <= trials <= 100:
            raise AutomlError("trials must be a whole number from 1 to 100", "trials")
        if compute is not None and compute not in self.designer.targets.names():
            raise AutomlError(f"compute target '{compute}' does not exist", "compute")
        version = None
        reference = dataset
        if dataset and not sample:
            from designer.graph.dataset_checks import choose_version

            record, why = choose_version(dataset, self.designer.dataset_versions, "tabular")
            if record is None:
                raise AutomlError(f"the data cannot be read: {why}", "dataset")
            # Every learner reads the version there was when the job started, even if a newer one arrives.
            version, reference = record["version"], f"{record['name']}:{record['version']}"
        nodes, edges, source_node, source_port = data_nodes(
            {"sample": sample, "dataset": reference, "graph_id": graph_id, "node": node, "port": port},
            self.store)
        table = self._read_table(nodes, edges, source_node, source_port)
        if label not in table.columns:
            raise AutomlError(f"the data has no column '{label}' (columns: {', '.join(map(str, table.columns))})",
                              "label")
        task = task or guess_task(table, label)
        learners = learners_for(task, components.catalogue())
        if not learners:
            raise AutomlError(f"no learner in the catalogue does {task}", "task")
        config = {"dataset": dataset, "sample": sample, "graph_id": graph_id, "node": node,
                  "port": port if graph_id else None, "trials": trials, "compute": compute, "seed": seed}
        job_id = self.store.create_automl_job(task=task, label=label, data=sample or dataset or node,
                                              config=config, primary_metric=f"eval.{METRIC[task]}",
                                              candidates=learners, dataset_version=version)
        run = _AutomlRun(self, job_id, config, task, label, sample or dataset or node, nodes, edges,
                         (source_node, source_port), learners)
        with self._lock:
            self._runs[job_id] = run
        run.start()
        return job_id

    def _read_table(self, nodes, edges, node, port):
        from designer.graph.problems import GraphInvalid

        document = {"format": "designer-graph/1", "name": "automl data", "nodes": nodes, "edges": edges}
        try:
            result = self.designer.run(document, to=node, trigger="automl")
        except GraphInvalid as error:
            raise AutomlError(f"the data cannot be read: {error.problems[0]}", "dataset") from None
        outcome = result.nodes.get(node) if result else None
        if result is None or result.status != "completed" or outcome is None or port not in outcome.outputs:
            reason = (outcome.error if outcome is not None else None) or (result.error if result else "no result")
            raise AutomlError(f"the data cannot be read: {reason}", "dataset")
        return self.designer.artifacts.get(outcome.outputs[port])

    def view(self, job_id: str) -> dict:
        """The job as GET /api/automl/<id> shows it (NotFound for an unknown id)."""
        return job_view(self.store.get_automl_job(job_id))

    def list(self, limit: int = 100, status: str | None = None) -> list[dict]:
        """Every job of the workspace, newest first, whichever process ran it."""
        return [job_view(record) for record in self.store.list_automl_jobs(limit=limit, status=status)]

    def cancel(self, job_id: str) -> None:
        """Stop trying learners: the running sweep is cancelled, the rest are never started (no winner)."""
        with self._lock:
            run = self._runs.get(job_id)
        if run is None or not run.is_alive():
            status = self.store.get_automl_job(job_id)["status"]
            if status == "interrupted":
                self.store.finish_automl_job(job_id, "cancelled")
                return
            raise AutomlNotActive(f"the job is not running here (it is {status})", status)
        run.cancel()

    def recover(self) -> list[str]:
        """On start-up, before the sweeps recover: jobs a stopped server was running become interrupted. The sweep
        each was in stops too (interrupted, resumable on its own page), or, when it had finished meanwhile, its
        outcome goes on the leaderboard. Returns the interrupted jobs' ids."""
        from designer.sweeps.config import sweep_view

        cut_short = self.store.mark_unfinished_automl_jobs_interrupted()
        for candidate in cut_short:
            try:
                record = self.store.get_sweep(candidate["sweep_id"])
                if record["status"] == "running":
                    self.store.set_sweep_status(candidate["sweep_id"], "interrupted",
                                                error="its automated ML job stopped with the server")
                elif record["status"] != "interrupted":
                    self.store.update_automl_candidate(candidate["automl_id"], candidate["position"],
                                                       finished_at=record["finished_at"],
                                                       **sweep_outcome(self.store, sweep_view(record)))
            except NotFound:  # the sweep's record is gone: the candidate stays interrupted
                log.warning("sweep %s of an interrupted automl job is gone", candidate["sweep_id"])
        return sorted({c["automl_id"] for c in cut_short})

    def wait(self, job_id: str, timeout: float | None = None) -> bool:
        """Block until the job's thread ends; True when it has (or it runs in no thread here)."""
        with self._lock:
            run = self._runs.get(job_id)
        if run is not None:
            run.join(timeout)
            return not run.is_alive()
        return True

    def close(self, timeout: float = 2.0) -> None:
        """The server stops: jobs stop where they are and stay running in the store (the next start marks
        them interrupted)."""
        with self._lock:
            runs = list(self._runs.values())
        for run in runs:
            run.shutdown.set()
        for run in runs:
            run.join(timeout)


class _AutomlRun(threading.Thread):
    """One job: each learner in turn, as a sweep (or one run when it has nothing to tune), then the winner."""

    def __init__(self, manager: AutomlManager, job_id: str, config: dict, task: str, label: str, data: str,
                 nodes: list, edges: list, source: tuple[str, str], learners: list[tuple[str, dict]]):
        super().__init__(name=f"automl-{job_id[:8]}", daemon=True)
        self.designer, self.store = manager.designer, manager.store
        self.job_id, self.config, self.task, self.label, self.data = job_id, config, task, label, data
        self.nodes, self.edges, self.source, self.learners = nodes, edges, source, learners
        self.metric = f"eval.{METRIC[task]}"
        self.cancelled = threading.Event()
        self.shutdown = threading.Event()
        self._lock = threading.Lock()
        self._current: tuple[str, str] | None = None  # ("sweep" | "run", id) being waited on

    def run(self) -> None:
        try:
            self._drive()
        except Exception as error:  # pragma: no cover - a bug ends the job visibly
            log.exception("automl job %s failed", self.job_id)
            self.store.finish_automl_job(self.job_id, "failed", error=f"internal error: {error}")

    def _drive(self) -> None:
        best = None
        for position, (component_id, params) in enumerate(self.learners):
            if self.cancelled.is_set() or self.shutdown.is_set():
                break
            outcome = self._try_learner(position, component_id, params)
            if outcome and (best is None or outcome[1] > best[1]):
                best = outcome
        if self.shutdown.is_set() and not self.cancelled.is_set():
            return  # left running in the store: the next start marks it interrupted
        if self.cancelled.is_set():
            self.store.finish_automl_job(self.job_id, "cancelled")
        elif best is None:
            self.store.finish_automl_job(self.job_id, "failed", error="no learner completed a trial")
        else:
            document, _, parameters, learner = best
            # Saved without positions: the browser lays it out when it is first opened, as it does the examples.
            graph = self.store.create_graph(winner_graph(document, parameters))
            self.store.finish_automl_job(self.job_id, "completed", winner_learner=learner,
                                         winner_graph_id=graph["id"])

    def cancel(self) -> None:
        from designer.sweeps.runner import SweepNotActive

        self.cancelled.set()
        with self._lock:
            current = self._current
        if current is None:
            return
        kind, ident = current
        if kind == "run":
            self.designer.cancel_run(ident)
            return
        try:
            self.designer.sweeps.cancel(ident)
        except SweepNotActive:
            pass  # it has just finished

    def _follow(self, kind: str, ident: str, wait) -> bool:
        """Wait for the sweep or run; False when the server stopped first."""
        with self._lock:
            self._current = (kind, ident)
        if self.cancelled.is_set():
            self.cancel()
        try:
            while not wait(ident, POLL_SECONDS):
                if self.shutdown.is_set():
                    return False
            return True
        finally:
            with self._lock:
                self._current = None

    def _try_learner(self, position, component_id, params):
        from designer.graph.problems import GraphInvalid
        from designer.sweeps.config import SweepConfigError

        spec = components.get(component_id)
        learner = next(iter(call_component(spec, {}, params).values()))
        space = default_search_space(spec, learner.hyperparameters)
        defaults = {name: spec.params[name].default for name in space}
        seed, compute = self.config["seed"], self.config["compute"]
        document = learner_graph(self.nodes, self.edges, self.source, self.label, self.task, component_id, params,
                                 defaults, seed, f"AutoML: {spec.name} on {self.data}")
        self.store.update_automl_candidate(self.job_id, position, status="running", started_at=time.time())
        if not space:
            return self._single_run(position, component_id, document, compute)
        body = {"search_space": space, "sampling": "random", "primary_metric": self.metric,
                "goal": "maximize", "max_total_trials": self.config["trials"], "max_concurrent_trials": 2,
                "seed": seed, "compute": compute}
        try:
            sweep_id = self.designer.sweeps.submit(document, body)
        except (SweepConfigError, GraphInvalid) as error:
            self._finish(position, "failed", error=str(error))
            return None
        self.store.update_automl_candidate(self.job_id, position, sweep_id=sweep_id)
        if not self._follow("sweep", sweep_id, lambda i, t: self.designer.sweeps.wait(i, t)):
            return None
        view = self.designer.sweeps.view(sweep_id)
        outcome = sweep_outcome(self.store, view)
        self._finish(position, **outcome)
        if outcome["metric"] is None:
            return None
        return document, outcome["metric"], outcome["parameters"], component_id

    def _single_run(self, position, component_id, document, compute):
        from designer.graph.problems import GraphInvalid

        try:
            run_id = self.designer.start_run(document, compute=compute, trigger="automl")
        except GraphInvalid as error:
            self._finish(position, "failed", error=str(error.problems[0]))
            return None
        self.store.update_automl_candidate(self.job_id, position, run_id=run_id)
        if not self._follow("run", run_id, lambda i, t: self.designer.wait(i, t) is not None):
            return None
        result = self.designer.wait(run_id)
        outcome = result.nodes.get("eval") if result else None
        metric = ((outcome.metrics or {}) if outcome else {}).get(self.metric.split(".", 1)[1])
        status = result.status if result else "failed"
        self._finish(position, status, metric=metric, parameters={} if metric is not None else None,
                     run_id=run_id, error=(result.error if result else None) or None)
        return (document, metric, {}, component_id) if metric is not None else None

    def _finish(self, position: int, status: str, **fields) -> None:
        self.store.update_automl_candidate(self.job_id, position, status=status, finished_at=time.time(),
                                           **fields)


def sweep_outcome(store, view: dict) -> dict:
    """A learner's leaderboard fields from its finished sweep: its best trial, or why none completed (in the
    failing node's words) and the run that shows it."""
    best = view["best"]
    if best:
        return {"status": view["status"], "metric": best["metric"], "parameters": best["parameters"],
                "run_id": best["run_id"], "error": None if view["status"] == "completed" else view["error"]}
    failed = next((t for t in view["trials"] if t["status"] == "failed"), None)
    reason = view["error"] or (failed or {}).get("error")
    if failed and failed.get("run_id"):
        try:
            nodes = store.get_run(failed["run_id"])["nodes"]
        except NotFound:  # the run's record is gone: the sweep's words will do
            nodes = {}
        node_id, node = next(((k, n) for k, n in nodes.items() if n.get("error")), (None, None))
        if node is not None:
            reason = f"{node_id}: {node['error']}"
    return {"status": view["status"], "metric": None, "parameters": None, "run_id": (failed or {}).get("run_id"),
            "error": reason}
