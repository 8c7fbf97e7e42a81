"""Automated ML's pure part: which catalogue learners fit a task, a learner's training graph, the winner's
graph, and the leaderboard as text. No threads, no store."""
from __future__ import annotations

from components.calling import call_component
from components.models import Learner
from designer.sweeps import standard

TASKS = ("classification", "regression")
METRIC = {"classification": "accuracy", "regression": "r2"}
TEST_FRACTION = 0.25
#: A numeric label with more distinct values than this is a quantity to predict (regression).
MAX_CLASSES = 20


def learners_for(task: str, catalogue: dict) -> list[tuple[str, dict]]:
    """(component id, params) of every learner component that can do `task`, in catalogue order."""
    found = []
    for spec in catalogue.values():
        if spec.inputs or [t.name for t in spec.outputs.values()] != ["UntrainedModel"]:
            continue
        params = {}
        task_param = spec.params.get("task")
        if task_param is not None and task_param.choices and task in task_param.choices:
            params["task"] = task
        try:
            value = next(iter(call_component(spec, {}, params).values()))
        except Exception:  # a learner that cannot be built with its defaults is not offered
            continue
        if isinstance(value, Learner) and value.task == task:
            found.append((spec.id, params))
    return found


def guess_task(table, label: str) -> str:
    import pandas as pd

    values = table[label].dropna()
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values) \
            and values.nunique() > MAX_CLASSES:
        return "regression"
    return "classification"


def learner_graph(nodes: list[dict], edges: list[dict], source: tuple[str, str], label: str, task: str,
                  component_id: str, params: dict, space_defaults: dict, seed: int, name: str) -> dict:
    """The training graph of one learner; each swept setting is a pipeline parameter."""
    node, port = source
    learner_params = dict(params)
    parameters = []
    for setting, default in space_defaults.items():
        parameters.append({"name": setting, "type": type(default).__name__, "default": default})
        learner_params[setting] = {"$param": setting}
    split = {"test_fraction": TEST_FRACTION, "seed": seed}
    if task == "classification":
        split["stratify_column"] = label
    return {
        "format": "designer-graph/1", "name": name,
        "description": f"Written by automated ML: {component_id} predicting '{label}' ({task}).",
        "parameters": parameters,
        "nodes": [*nodes,
                  {"id": "split", "component": standard.row_splitter(), "params": split},
                  {"id": "learner", "component": component_id, "params": learner_params},
                  {"id": "train", "component": standard.trainer(), "params": {"label_column": label}},
                  {"id": "score", "component": standard.scorer(), "params": {}},
                  {"id": "eval", "component": standard.evaluator(), "params": {}}],
        "edges": [*edges,
                  {"source": node, "source_port": port, "target": "split", "target_port": "dataset"},
                  {"source": "split", "source_port": "train", "target": "train", "target_port": "dataset"},
                  {"source": "learner", "source_port": "model", "target": "train", "target_port": "untrained_model"},
                  {"source": "split", "source_port": "test", "target": "score", "target_port": "dataset"},
                  {"source": "train", "source_port": "trained_model", "target": "score",
                   "target_port": "trained_model"},
                  {"source": "score", "source_port": "scored_dataset", "target": "eval",
                   "target_port": "scored_dataset"}],
    }


def winner_graph(document: dict, parameters: dict) -> dict:
    """The learner's graph with the best values written into its node: an ordinary graph to open and deploy."""
    nodes = []
    for node in document["nodes"]:
        params = {k: (parameters.get(v["$param"], v) if isinstance(v, dict) and "$param" in v else v)
                  for k, v in (node.get("params") or {}).items()}
        nodes.append({**node, "params": params})
    return {**document, "parameters": [], "nodes": nodes}


def leaderboard_lines(view: dict) -> list[str]:
    version = f" version {view['dataset_version']}" if view.get("dataset_version") else ""
    lines = [(f"automl {view['automl_id'][:8]}  {view['status']}  {view['task']} of '{view['label']}' "
              f"from {view['data']}{version} (metric {view['metric']})")]
    for rank, row in enumerate(view["leaderboard"], 1):
        metric = "" if row["metric"] is None else f"{row['metric']:.4f}"
        place = "   " if row["metric"] is None else f"{rank:>2}."  # a learner without a result is not ranked
        lines.append(f"{place} {row['learner']:<24} {row['status']:<10} {metric}".rstrip())
    if view.get("winner"):
        lines.append(f"winner: {view['winner']['learner']} → graph {view['winner']['graph_id']}")
    if view.get("error"):
        lines.append(f"error: {view['error']}")
    return lines


def job_view(record: dict) -> dict:
    """A stored job as GET /api/automl/<id> shows it: the leaderboard ranked, its best so far, and the winner."""
    config = record.get("config") or {}
    rows = [{k: c[k] for k in ("learner", "status", "sweep_id", "metric", "parameters", "run_id", "error",
                               "started_at", "finished_at")} for c in record["candidates"]]
    # Both metrics (accuracy, r2) are better higher; learners without a result go last, in catalogue order.
    rows.sort(key=lambda r: (r["metric"] is None, -(r["metric"] or 0)))
    best = next(({k: r[k] for k in ("learner", "metric", "parameters", "run_id", "sweep_id")}
                 for r in rows if r["metric"] is not None), None)
    winner = None
    if record.get("winner_learner"):
        row = next((r for r in rows if r["learner"] == record["winner_learner"]), {})
        winner = {"learner": record["winner_learner"], "graph_id": record.get("winner_graph_id"),
                  "parameters": row.get("parameters"), "metric": row.get("metric"), "run_id": row.get("run_id")}
    source = {k: config.get(k) for k in ("dataset", "sample", "graph_id", "node", "port") if config.get(k)}
    return {"automl_id": record["automl_id"], "id": record["automl_id"], "status": record["status"],
            "task": record["task"], "label": record["label"], "data": record["data"], "source": source,
            "dataset": config.get("dataset"), "dataset_version": record.get("dataset_version"),
            "metric": record["primary_metric"], "primary_metric": record["primary_metric"], "goal": "maximize",
            "trials_per_learner": config.get("trials"), "compute": config.get("compute"),
            "seed": config.get("seed"), "error": record.get("error"), "created_at": record.get("created_at"),
            "updated_at": record.get("updated_at"), "finished_at": record.get("finished_at"),
            "best": best, "winner": winner, "leaderboard": rows}
