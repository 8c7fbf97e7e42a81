"""Automated ML: sweep every catalogue learner that fits the task over one split, rank them, and write the
winner as an ordinary training graph.

The learners are found in the catalogue by what they declare (no input, one UntrainedModel output whose
value is a tabular Learner for the task); each gets a small search space read from its parameters. Each
learner's trials are an ordinary sweep, so they share the cache (the data and the split run once).
"""
from __future__ import annotations

import logging
import threading
import uuid

import components
from components._learner_tuning import default_search_space
from components.calling import call_component
from components.roles import Kind
from designer.sweeps import standard
from designer.sweeps.learners import (METRIC, TASKS, guess_task, leaderboard_lines, learner_graph, learners_for,
                                      winner_graph)

log = logging.getLogger(__name__)

__all__ = ["AutomlError", "AutomlManager", "leaderboard_lines", "learners_for"]


class AutomlError(ValueError):
    """The request cannot start: no data, no such label, no learner for the task."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


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
    """Runs automated-ML jobs of one Designer (kept in memory; their sweeps and the winner graph are stored)."""

    def __init__(self, designer):
        self.designer = designer
        self._jobs: dict[str, dict] = {}
        self._lock = threading.Lock()

    def start(self, *, label: str, dataset: str | None = None, sample: str | None = None,
              graph_id: str | None = None, node: str | None = None, port: str | None = None,
              task: str | None = None, trials: int = 3, compute: str | None = None, seed: int = 0) -> str:
        if not label:
            raise AutomlError("label is required: the column to predict", "label")
        if task is not None and task not in TASKS:
            raise AutomlError(f"task must be classification or regression, not {task!r}", "task")
        if not isinstance(trials, int) or isinstance(trials, bool) or not 1 <= trials <= 100:
            raise AutomlError("trials must be a whole number from 1 to 100", "trials")
        if compute is not None and compute not in self.designer.targets.names():
            raise AutomlError(f"compute target '{compute}' does not exist", "compute")
        nodes, edges, source_node, source_port = data_nodes(
            {"sample": sample, "dataset": dataset, "graph_id": graph_id, "node": node, "port": port},
            self.designer.store)
        table = self._read_table(nodes, edges, source_node, source_port)
        if label not in table.columns:
            raise AutomlError(f"the data has no column '{label}' (columns: {', '.join(map(str, table.columns))})",
                              "label")
        task = task or guess_task(table, label)
        learners = learners_for(task, components.catalogue())
        if not learners:
            raise AutomlError(f"no learner in the catalogue does {task}", "task")
        what = sample or dataset or node
        job_id = uuid.uuid4().hex
        job = {"automl_id": job_id, "status": "running", "task": task, "label": label, "data": what,
               "metric": f"eval.{METRIC[task]}", "trials_per_learner": trials, "error": None, "winner": None,
               "leaderboard": [{"learner": c, "status": "queued", "sweep_id": None, "metric": None,
                                "parameters": None, "run_id": None} for c, _ in learners]}
        with self._lock:
            self._jobs[job_id] = job
        threading.Thread(target=self._run, name=f"automl-{job_id[:8]}", daemon=True,
                         args=(job, nodes, edges, (source_node, source_port), learners, compute, seed)).start()
        return job_id

    def _read_table(self, nodes, edges, node, port):
        from designer.service import GraphInvalid

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
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise KeyError(job_id)
            view = {**job, "leaderboard": [dict(row) for row in job["leaderboard"]]}
        # Both metrics (accuracy, r2) are better higher; learners without a result go last.
        view["leaderboard"].sort(key=lambda r: (r["metric"] is None, -(r["metric"] or 0)))
        return view

    def list(self) -> list[dict]:
        with self._lock:
            ids = list(self._jobs)
        return [self.view(i) for i in reversed(ids)]

    def _run(self, job, nodes, edges, source, learners, compute, seed) -> None:
        try:
            best = None
            for row, (component_id, params) in zip(job["leaderboard"], learners):
                outcome = self._sweep_learner(job, row, nodes, edges, source, component_id, params, compute, seed)
                if outcome and (best is None or outcome[1] > best[1]):
                    best = outcome
            if best is None:
                job.update(status="failed", error="no learner completed a trial")
                return
            document, metric, parameters, row = best
            # Saved without positions: the browser lays it out when it is first opened, as it does the examples.
            graph = self.designer.store.create_graph(winner_graph(document, parameters))
            job["winner"] = {"learner": row["learner"], "graph_id": graph["id"], "parameters": parameters,
                             "metric": metric, "run_id": row["run_id"]}
            job["status"] = "completed"
        except Exception as error:  # pragma: no cover - a bug ends the job visibly
            log.exception("automl job %s failed", job["automl_id"])
            job.update(status="failed", error=f"internal error: {error}")

    def _sweep_learner(self, job, row, nodes, edges, source, component_id, params, compute, seed):
        spec = components.get(component_id)
        learner = next(iter(call_component(spec, {}, params).values()))
        space = default_search_space(spec, learner.hyperparameters)
        defaults = {name: spec.params[name].default for name in space}
        document = learner_graph(nodes, edges, source, job["label"], job["task"], component_id, params,
                                 defaults, seed, f"AutoML: {spec.name} on {job['data']}")
        row["status"] = "running"
        trials = job["trials_per_learner"] if space else 1
        body = {"search_space": space or {}, "sampling": "random", "primary_metric": job["metric"],
                "goal": "maximize", "max_total_trials": trials, "max_concurrent_trials": 2, "seed": seed,
                "compute": compute}
        if not space:
            return self._single_run(job, row, document, compute)
        sweep_id = self.designer.sweeps.submit(document, body)
        row["sweep_id"] = sweep_id
        self.designer.sweeps.wait(sweep_id)
        view = self.designer.sweeps.view(sweep_id)
        row["status"] = view["status"]
        if not view["best"]:
            return None
        row.update(metric=view["best"]["metric"], parameters=view["best"]["parameters"],
                   run_id=view["best"]["run_id"])
        return document, view["best"]["metric"], view["best"]["parameters"], row

    def _single_run(self, job, row, document, compute):
        result = self.designer.run(document, compute=compute, trigger="automl")
        metric = ((result.nodes.get("eval").metrics or {}) if result and result.nodes.get("eval") else {}).get(
            job["metric"].split(".", 1)[1])
        row.update(status=result.status if result else "failed", metric=metric, parameters={},
                   run_id=result.run_id if result else None)
        return (document, metric, {}, row) if metric is not None else None
