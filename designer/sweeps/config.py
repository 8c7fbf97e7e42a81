"""A sweep's settings (DESIGN contract 6) read from plain JSON and checked against the graph it sweeps.

Pure: no database, no threads. Also here: which nodes every trial shares (so they run once),
the parameters each trial's run gets, and the sweep as the API shows it (with its best trial).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from components.search_space import Dimension, SearchSpaceError, grid_size, parse_search_space
from designer.sweeps.policies import GOALS, Policy, PolicyError, parse_policy
from components.trial_sampling import SAMPLINGS, check_sampling

DEFAULT_TRIALS = 10
DEFAULT_CONCURRENT = 2
MAX_TRIALS = 1000


class SweepConfigError(ValueError):
    """The request cannot start a sweep; `field` names what to fix (a search-space parameter, a setting)."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class MetricName:
    node: str
    metric: str

    @classmethod
    def parse(cls, text: Any, field_name: str) -> "MetricName":
        if not isinstance(text, str) or "." not in text.strip(".") or text.startswith("."):
            raise SweepConfigError(field_name, f"{field_name} must be NODE.METRIC, such as \"eval.accuracy\"")
        node, _, metric = text.rpartition(".")
        return cls(node, metric)

    def __str__(self) -> str:
        return f"{self.node}.{self.metric}"


@dataclass(frozen=True)
class SweepConfig:
    search_space: dict  # name -> expression text, as given
    dimensions: dict  # name -> Dimension
    sampling: str
    primary_metric: MetricName
    goal: str
    max_total_trials: int
    max_concurrent_trials: int
    policy: Policy | None
    intermediate_metric: MetricName
    intermediate_goal: str
    compute: str | None
    seed: int | None

    def to_json(self) -> dict:
        return {"search_space": dict(self.search_space), "sampling": self.sampling,
                "primary_metric": str(self.primary_metric), "goal": self.goal,
                "max_total_trials": self.max_total_trials, "max_concurrent_trials": self.max_concurrent_trials,
                "early_termination": self.policy.to_json() if self.policy else None,
                "intermediate_metric": str(self.intermediate_metric), "intermediate_goal": self.intermediate_goal,
                "compute": self.compute, "seed": self.seed}


def _whole(body: dict, key: str, default: int, lo: int, hi: int) -> int:
    value = body.get(key, default)
    if value is None:
        value = default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
        raise SweepConfigError(key, f"{key} must be a whole number")
    if not lo <= value <= hi:
        raise SweepConfigError(key, f"{key} must be between {lo} and {hi}")
    return int(value)


def parse_config(body: dict) -> SweepConfig:
    """The contract's request body → SweepConfig; SweepConfigError names the field (or the parameter)."""
    if not isinstance(body, dict):
        raise SweepConfigError("", "the sweep settings must be a JSON object")
    known = {"search_space", "sampling", "primary_metric", "goal", "max_total_trials", "max_concurrent_trials",
             "early_termination", "intermediate_metric", "intermediate_goal", "compute", "seed"}
    unknown = sorted(set(body) - known)
    if unknown:
        raise SweepConfigError(unknown[0], f"unknown sweep setting(s): {', '.join(unknown)}")
    if "search_space" not in body:
        raise SweepConfigError("search_space", "search_space is required: {\"PARAMETER\": \"uniform(0, 1)\"}")
    space = body["search_space"]
    if not isinstance(space, (dict, str)):
        raise SweepConfigError("search_space", "search_space must be an object of PARAMETER: EXPRESSION")
    try:
        dimensions = parse_search_space(space)
    except SearchSpaceError as error:
        raise SweepConfigError(error.parameter or "search_space", str(error)) from None
    sampling = body.get("sampling") or "random"
    if sampling not in SAMPLINGS:
        raise SweepConfigError("sampling", f"sampling must be one of {', '.join(SAMPLINGS)}, not {sampling!r}")
    try:
        check_sampling(sampling, dimensions)
    except SearchSpaceError as error:
        raise SweepConfigError(error.parameter or "sampling", str(error)) from None
    if "primary_metric" not in body:
        raise SweepConfigError("primary_metric", "primary_metric is required (NODE.METRIC, e.g. \"eval.accuracy\")")
    primary = MetricName.parse(body["primary_metric"], "primary_metric")
    goal = body.get("goal") or "maximize"
    if goal not in GOALS:
        raise SweepConfigError("goal", f"goal must be maximize or minimize, not {goal!r}")
    total = _whole(body, "max_total_trials", DEFAULT_TRIALS, 1, MAX_TRIALS)
    if sampling == "grid":
        total = min(total, grid_size(dimensions))
    concurrent = _whole(body, "max_concurrent_trials", DEFAULT_CONCURRENT, 1, 100)
    try:
        policy = parse_policy(body.get("early_termination"))
    except PolicyError as error:
        raise SweepConfigError(f"early_termination.{error.field}", str(error)) from None
    intermediate = (MetricName.parse(body["intermediate_metric"], "intermediate_metric")
                    if body.get("intermediate_metric") else primary)
    intermediate_goal = body.get("intermediate_goal") or goal
    if intermediate_goal not in GOALS:
        raise SweepConfigError("intermediate_goal", "intermediate_goal must be maximize or minimize")
    compute = body.get("compute")
    if compute is not None and (not isinstance(compute, str) or not compute.strip()):
        raise SweepConfigError("compute", "compute must be the name of a compute target")
    seed = body.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise SweepConfigError("seed", "seed must be a whole number")
    text_space = space if isinstance(space, dict) else {n: d.expression() for n, d in dimensions.items()}
    return SweepConfig({str(k).strip(): v for k, v in text_space.items()}, dimensions, sampling, primary, goal,
                       total, min(concurrent, total), policy, intermediate, intermediate_goal,
                       compute.strip() if compute else None, seed)


def check_against_graph(config: SweepConfig, document: dict) -> None:
    """Every swept name is a pipeline parameter (or NODE.PARAM of a node); both metrics name graph nodes."""
    declared = {p.get("name") for p in document.get("parameters") or [] if isinstance(p, dict)}
    nodes = {n.get("id"): n for n in document.get("nodes") or [] if isinstance(n, dict)}
    for name in config.dimensions:
        if name in declared:
            continue
        node_id, _, param = name.rpartition(".")
        if node_id in nodes and param:
            continue
        choices = ", ".join(sorted(str(d) for d in declared if d)) or "none; add one, or write NODE.PARAM"
        raise SweepConfigError(name, f"{name} is not a pipeline parameter of this graph (its parameters: "
                                     f"{choices})")
    for field_name, metric in (("primary_metric", config.primary_metric),
                               ("intermediate_metric", config.intermediate_metric)):
        if metric.node not in nodes:
            raise SweepConfigError(field_name, f"{field_name} names node '{metric.node}', which is not in the "
                                               f"graph (nodes: {', '.join(sorted(map(str, nodes)))})")


def trial_inputs(document: dict, parameters: dict) -> tuple[dict, dict]:
    """(document, pipeline parameters) for one trial: NODE.PARAM names are written into the node."""
    declared = {p.get("name") for p in document.get("parameters") or [] if isinstance(p, dict)}
    pipeline = {k: v for k, v in parameters.items() if k in declared}
    direct = {k: v for k, v in parameters.items() if k not in declared}
    if not direct:
        return document, pipeline
    nodes = []
    for node in document.get("nodes") or []:
        changes = {k.rpartition(".")[2]: v for k, v in direct.items() if k.rpartition(".")[0] == node.get("id")}
        nodes.append({**node, "params": {**(node.get("params") or {}), **changes}} if changes else node)
    return {**document, "nodes": nodes}, pipeline


def shared_nodes(document: dict, swept: set[str]) -> set[str]:
    """Nodes no swept value reaches (directly or through an upstream node): every trial shares them."""
    nodes = {n["id"]: n for n in document.get("nodes") or [] if isinstance(n, dict) and "id" in n}
    parents: dict[str, set] = {n: set() for n in nodes}
    for edge in document.get("edges") or []:
        if edge.get("target") in parents and edge.get("source") in nodes:
            parents[edge["target"]].add(edge["source"])

    def touched(node: dict) -> bool:
        if any(f"{node['id']}.{name}" in swept for name in (node.get("params") or {})) or any(
                name.rpartition(".")[0] == node["id"] for name in swept):
            return True
        return any(isinstance(v, dict) and v.get("$param") in swept for v in (node.get("params") or {}).values())

    varying: dict[str, bool] = {}

    def varies(node_id: str, seen=()) -> bool:
        if node_id not in varying:
            if node_id in seen:
                return False
            varying[node_id] = touched(nodes[node_id]) or any(varies(p, (*seen, node_id)) for p in parents[node_id])
        return varying[node_id]

    return {n for n in nodes if not varies(n)}


def sample_values(dimensions: dict[str, Dimension]) -> dict:
    """One representative value per parameter, to check a trial's graph before the sweep starts."""
    values = {}
    for name, dim in dimensions.items():
        if dim.kind == "choice":
            values[name] = dim.args[0]
        elif dim.kind == "randint":
            values[name] = dim.args[0]
        elif dim.kind == "quniform":
            values[name] = dim.grid_values()[0]
        elif dim.kind == "normal":
            values[name] = dim.args[0]
        else:
            values[name] = float(dim.args[0])
    return values


def best_trial(trials: list[dict], goal: str) -> dict | None:
    scored = [t for t in trials if t.get("status") == "completed" and t.get("metric") is not None]
    if not scored:
        return None
    pick = max if goal == "maximize" else min
    best = pick(scored, key=lambda t: t["metric"])
    return {"trial": best["trial"], "parameters": best["parameters"], "run_id": best["run_id"],
            "metric": best["metric"]}


def sweep_view(record: dict) -> dict:
    """The sweep as GET /api/sweeps/<id> shows it (contract 6, plus its settings and timings)."""
    config = record.get("config") or {}
    trials = [{k: t[k] for k in ("trial", "parameters", "run_id", "status", "metric", "intermediate", "error",
                                 "started_at", "finished_at")} for t in record.get("trials") or []]
    return {"sweep_id": record["sweep_id"], "status": record["status"], "graph_id": record.get("graph_id"),
            "name": record.get("name"), "error": record.get("error"), "config": config,
            "created_at": record.get("created_at"), "finished_at": record.get("finished_at"),
            "trials": trials, "best": best_trial(trials, config.get("goal", "maximize"))}
