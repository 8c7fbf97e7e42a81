"""Graphs and helpers the compute target tests share: built from the test components and the examples."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

import components
import compute_components  # noqa: F401 - registers the test components
from designer.execution.executor import Executor
from designer.execution.plan import make_plan
from designer.graph.document import load_graph
from designer.graph.validation import validate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
IRIS_COMPONENTS = ("sample-dataset", "split-data", "logistic-regression", "train-model", "score-model",
                   "evaluate-model")


def graph(nodes, edges, default_compute="local"):
    """nodes: (id, component, params[, compute]); edges: (source, source_port, target, target_port)."""
    document = {
        "format": "designer-graph/1", "name": "compute test", "default_compute": default_compute,
        "nodes": [{"id": n[0], "component": n[1], "params": n[2], **({"compute": n[3]} if len(n) > 3 else {})}
                  for n in nodes],
        "edges": [{"source": s, "source_port": sp, "target": t, "target_port": tp} for s, sp, t, tp in edges],
    }
    problems = validate(document, components.catalogue(), known_computes=["local", "process", "dask"])
    assert problems == []
    return document


def iris_document(compute: str) -> dict:
    missing = [c for c in IRIS_COMPONENTS if components.get(c) is None]
    if missing or not (EXAMPLES / "iris-classification.json").exists():
        pytest.skip(f"the iris example needs components not installed yet: {missing}")
    document = json.loads((EXAMPLES / "iris-classification.json").read_text())
    document["default_compute"] = compute
    for node in document["nodes"]:
        node.pop("compute", None)
    return document


def run(executor: Executor, document: dict, events: list | None = None, run_id: str | None = None, **options):
    plan = make_plan(load_graph(document), components.catalogue(), **options)
    return executor.run(plan, run_id or uuid.uuid4().hex, events.append if events is not None else None)


def output(executor: Executor, result, node_id: str, port: str = "value"):
    return executor.store.get(result.nodes[node_id].outputs[port])


def overlap(a: dict, b: dict) -> bool:
    """Whether two nodes' own recorded [started, finished] intervals overlap."""
    return a["started"] < b["finished"] and b["started"] < a["finished"]


def crash_graph(how: str, compute: str) -> dict:
    """A crashing branch beside a healthy one: root -> crash -> after ; root -> sibling."""
    return graph(
        [("root", "compute-number", {"value": 2.0}), ("crash", "compute-crash", {"how": how}),
         ("after", "compute-add", {}), ("sibling", "compute-add", {"offset": 1.0})],
        [("root", "value", "crash", "a"), ("crash", "value", "after", "a"), ("root", "value", "sibling", "a")],
        default_compute=compute)


def two_sleeping_branches(compute: str, seconds: float = 1.0) -> dict:
    return graph([("left", "compute-sleep", {"seconds": seconds, "label": "left"}),
                  ("right", "compute-sleep", {"seconds": seconds, "label": "right"})], [],
                 default_compute=compute)


