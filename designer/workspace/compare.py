"""Side-by-side comparison of runs: parameters (and which differ), final metrics, per-epoch curves (pure)."""
from __future__ import annotations

from typing import Any

#: Metric names where smaller is better (everything else: larger is better).
_LOWER_IS_BETTER = ("loss", "error", "mae", "mse", "rmse", "inertia", "davies", "seconds")
#: Keys of a metric event that index it rather than measure something.
_INDEX_KEYS = ("epoch", "step", "iteration", "batch")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def node_parameters(run: dict) -> dict[str, Any]:
    """{"NAME": value} of the run's pipeline parameters and {"NODE.PARAM": value} of each node's params,
    with `$param` references replaced by the value the run used."""
    values = dict(run.get("parameters") or {})
    found: dict[str, Any] = dict(values)
    for node in (run.get("document") or {}).get("nodes") or []:
        if not isinstance(node, dict):
            continue
        for name, value in (node.get("params") or {}).items():
            if isinstance(value, dict) and set(value) == {"$param"}:
                value = values.get(value["$param"])
            found[f"{node.get('id')}.{name}"] = value
    return found


def final_metrics(run: dict) -> dict[str, float]:
    found = {}
    for node_id, node in (run.get("nodes") or {}).items():
        for name, value in (node.get("metrics") or {}).items():
            if _number(value):
                found[f"{node_id}.{name}"] = value
    return found


def epoch_curves(run: dict) -> dict[str, list]:
    """{"NODE.METRIC": [value per epoch]} from each node's metric events that carry an epoch (or repeat)."""
    curves: dict[str, list] = {}
    for node_id, node in (run.get("nodes") or {}).items():
        events = [e for e in node.get("metric_events") or [] if isinstance(e, dict)]
        if not events or not (len(events) > 1 or any(k in events[0] for k in _INDEX_KEYS)):
            continue
        names = [k for k in dict.fromkeys(k for e in events for k in e) if k not in _INDEX_KEYS]
        for name in names:
            series = [e.get(name) if _number(e.get(name)) else None for e in events if name in e]
            if any(v is not None for v in series):
                curves[f"{node_id}.{name}"] = series
    return curves


def lower_is_better(metric: str) -> bool:
    name = metric.rsplit(".", 1)[-1].lower()
    return any(word in name for word in _LOWER_IS_BETTER)


def compare_runs(runs: list[dict]) -> dict:
    """The compare object of DESIGN contract 5 for full run records (store.get_run), in the order given.

    Adds "best": {"NODE.METRIC": run_id} (smaller wins for losses and errors, larger otherwise).
    """
    ids = [r["run_id"] for r in runs]
    per_run = {r["run_id"]: node_parameters(r) for r in runs}
    names = list(dict.fromkeys(name for params in per_run.values() for name in params))
    parameters = {name: {run_id: per_run[run_id].get(name) for run_id in ids} for name in names}
    differing = [name for name, values in parameters.items() if len({repr(v) for v in values.values()}) > 1]

    metrics: dict[str, dict] = {}
    for run in runs:
        for key, value in final_metrics(run).items():
            metrics.setdefault(key, {run_id: None for run_id in ids})[run["run_id"]] = value
    curves: dict[str, dict] = {}
    for run in runs:
        for key, series in epoch_curves(run).items():
            curves.setdefault(key, {})[run["run_id"]] = series
    best = {}
    for key, values in metrics.items():
        present = {run_id: v for run_id, v in values.items() if v is not None}
        if len(present) > 1 and len(set(present.values())) > 1:
            pick = min if lower_is_better(key) else max
            best[key] = pick(present, key=present.get)
    summaries = [{k: v for k, v in r.items() if k not in ("document", "nodes", "environment")} for r in runs]
    return {"runs": summaries, "parameters": parameters, "differing": differing, "metrics": metrics,
            "curves": curves, "best": best}
