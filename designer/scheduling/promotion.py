"""Retrain → redeploy: a run's promotion rule registers its trained model and swaps it into an endpoint if better.

A rule is {"model_name", "node", "metric": "NODE.METRIC", "goal", "endpoint"}. It is
checked against the graph when saved (the metric's node must evaluate, the trained
node must give a model, the endpoint must exist). When the run completes, the model
of `node` is registered as `model_name`; the endpoint is switched to an inference
graph of the new run, keeping its name, URL and key, only when the run's metric
beats the one of the run that trained what the endpoint serves now.
"""
from __future__ import annotations

import logging
import threading

from canvas_store.repository import NotFound
from components.roles import Role
from components.evaluation import METRIC_GOALS

log = logging.getLogger(__name__)
RULE_FIELDS = ("model_name", "node", "metric", "goal", "endpoint")


class RuleError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = f"promote.{field}" if field else "promote"
        self.message = message


def check_promotion_rule(rule, document: dict, store) -> dict:
    """The rule with its goal filled in; RuleError naming the field that cannot work with this graph."""
    if not isinstance(rule, dict):
        raise RuleError("", "'promote' must be an object {\"model_name\", \"node\", \"metric\", \"goal\", \"endpoint\"}")
    unknown = sorted(set(rule) - set(RULE_FIELDS))
    if unknown:
        raise RuleError(unknown[0], f"'promote' has unknown field(s) {', '.join(unknown)}")
    for name in ("model_name", "node", "metric", "endpoint"):
        if not isinstance(rule.get(name), str) or not rule[name].strip():
            raise RuleError(name, f"'promote.{name}' is required (text)")
    nodes = {n.get("id"): n for n in document.get("nodes") or [] if isinstance(n, dict)}
    trained = nodes.get(rule["node"])
    if trained is None:
        raise RuleError("node", f"the graph has no node '{rule['node']}' to take the trained model from")
    if not _gives_trained_model(trained):
        raise RuleError("node", f"node '{rule['node']}' ({trained.get('component')}) gives no trained model")
    node_id, dot, metric = rule["metric"].partition(".")
    if not dot or not metric:
        raise RuleError("metric", f"'promote.metric' is NODE.METRIC, e.g. 'eval.accuracy' (got {rule['metric']!r})")
    evaluator = nodes.get(node_id)
    if evaluator is None or Role.EVALUATES not in _spec_of(evaluator).roles:
        raise RuleError("metric", f"the graph has no evaluation node '{node_id}', so it does not produce "
                        f"{rule['metric']!r}")
    if metric not in METRIC_GOALS:
        raise RuleError("metric", f"evaluation does not produce '{metric}' (it can give: "
                        f"{', '.join(sorted(METRIC_GOALS))})")
    goal = rule.get("goal") or METRIC_GOALS[metric]
    if goal not in ("maximize", "minimize"):
        raise RuleError("goal", f"'promote.goal' is 'maximize' or 'minimize' (got {goal!r})")
    try:
        store.get_endpoint(rule["endpoint"])
    except NotFound:
        raise RuleError("endpoint", f"there is no endpoint '{rule['endpoint']}' to promote into") from None
    return {name: rule[name] for name in ("model_name", "node", "metric", "endpoint")} | {"goal": goal}


def _spec_of(node: dict):
    """The node's component spec, or an empty stand-in for an unknown component (no roles, no outputs)."""
    import types

    import components

    spec = components.catalogue().get(node.get("component"))
    return spec if spec is not None else types.SimpleNamespace(roles=frozenset(), outputs={})


def _gives_trained_model(node: dict) -> bool:
    return any(t.name == "TrainedModel" for t in _spec_of(node).outputs.values())


def metric_of(run: dict, metric: str) -> float | None:
    node_id, _, name = metric.partition(".")
    value = ((run.get("nodes") or {}).get(node_id) or {}).get("metrics") or {}
    number = value.get(name)
    return float(number) if isinstance(number, (int, float)) and not isinstance(number, bool) else None


def beats(new: float | None, old: float | None, goal: str) -> bool:
    """Whether `new` is strictly better than `old` (anything beats an endpoint with no known value)."""
    if new is None:
        return False
    if old is None:
        return True
    return new > old if goal == "maximize" else new < old


class Promoter:
    """A Designer listener: when a run with pending promotions finishes, decide each (in its own thread)."""

    def __init__(self, designer, swap):
        #: swap(endpoint name, graph id, revision, document): serve `document` under that name from now on.
        self.designer = designer
        self.swap = swap
        self._lock = threading.Lock()

    def attach(self, run_id: str, rule: dict) -> int:
        """Give run `run_id` a (checked) rule; decided at once when the run has already finished."""
        promotion_id = self.designer.store.add_promotion(run_id, rule["endpoint"], rule)
        if self.designer.store.get_run(run_id)["status"] in ("completed", "failed", "cancelled"):
            self.decide_all(run_id)
        return promotion_id

    def __call__(self, event: dict) -> None:
        if event.get("event") == "run.status" and event.get("status") in ("completed", "failed", "cancelled"):
            threading.Thread(target=self.decide_all, args=(event["run_id"],), daemon=True,
                             name=f"promote-{event['run_id'][:8]}").start()

    def decide_all(self, run_id: str) -> None:
        with self._lock:  # one decision at a time: two promotions into one endpoint compare in order
            for promotion in self.designer.store.pending_promotions(run_id):
                try:
                    self._decide(promotion)
                except Exception as exc:  # a failed promotion is recorded; it never breaks the run
                    log.exception("promotion %s failed", promotion["id"])
                    self.designer.store.decide_promotion(promotion["id"], "failed", reason=str(exc)[:2000])

    def _decide(self, promotion: dict) -> None:
        from designer.inference.making import make_inference_graph
        from designer.serving.deployment import resolve_registry_references

        store, rule = self.designer.store, promotion["rule"]
        self.designer.wait(promotion["run_id"], 60)
        run = store.get_run(promotion["run_id"])
        if run["status"] != "completed":
            store.decide_promotion(promotion["id"], "failed", reason=f"the run {run['status']}")
            return
        new_value = metric_of(run, rule["metric"])
        endpoint = store.get_endpoint(rule["endpoint"])
        source = ((endpoint.get("document") or {}).get("metadata") or {}).get("inference", {}).get("source_run_id")
        old_value = None
        if source:
            try:
                old_value = metric_of(store.get_run(source), rule["metric"])
            except NotFound:
                old_value = None
        output = ((run["nodes"].get(rule["node"]) or {}).get("outputs") or {})
        digest = next((o["digest"] for o in output.values() if o.get("type") == "TrainedModel"), None)
        model = store.register_model(rule["model_name"], digest, run_id=run["run_id"], node_id=rule["node"],
                                     tags={"metric": rule["metric"], "value": "" if new_value is None else
                                           str(new_value), "run_id": run["run_id"]}) if digest else None
        values = dict(new_value=new_value, old_value=old_value, model_name=model and model["name"],
                      model_version=model and model["version"])
        if not beats(new_value, old_value, rule["goal"]):
            store.decide_promotion(promotion["id"], "kept", reason=f"{rule['metric']} {new_value} does not beat "
                                   f"{old_value} ({rule['goal']})", **values)
            return
        if not run.get("graph_id"):
            store.decide_promotion(promotion["id"], "failed", reason="the run has no graph to make an "
                                   "inference graph from", **values)
            return
        made = make_inference_graph(self.designer, run["graph_id"], "realtime", run["run_id"])
        graph = store.get_graph(made["id"])
        self.swap(rule["endpoint"], made["id"], graph["revision"],
                  resolve_registry_references(graph["document"], store))
        store.decide_promotion(promotion["id"], "promoted", graph_id=made["id"],
                               reason=f"{rule['metric']} {new_value} beats {old_value} ({rule['goal']})", **values)
