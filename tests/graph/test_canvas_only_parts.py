"""Groups, notes, component definitions and edge routes are canvas-only: valid, and never part of a run."""
from __future__ import annotations

import json
from pathlib import Path

import components
from designer.execution.plan import make_plan
from designer.graph.document import load_graph
from designer.graph.validation import validate

IRIS = json.loads((Path(__file__).resolve().parents[2] / "examples" / "iris-classification.json").read_text())


def organised() -> dict:
    document = json.loads(json.dumps(IRIS))
    document["edges"][0]["route"] = [{"x": 300, "y": 80}, {"x": 300, "y": 120}]
    document["groups"] = [{"id": "group-1", "title": "Train and score", "nodes": ["algo", "train", "score"],
                           "component": "train-and-score", "collapsed": True}]
    document["notes"] = [{"id": "note-1", "text": "Stratified on species", "position": {"x": 10, "y": 10}}]
    document["subgraphs"] = [{"id": "train-and-score", "name": "Train and score",
                              "nodes": [n for n in IRIS["nodes"] if n["id"] in ("algo", "train", "score")],
                              "edges": [], "inputs": [{"name": "dataset", "node": "train", "port": "dataset"}],
                              "outputs": [{"name": "scored_dataset", "node": "score", "port": "scored_dataset"}]}]
    return document


def test_an_organised_document_is_valid_and_an_old_one_still_is():
    assert validate(organised(), components.catalogue()) == []
    assert validate(IRIS, components.catalogue()) == []


def test_canvas_only_parts_change_nothing_a_run_sees():
    catalogue = components.catalogue()
    plain, tidy = make_plan(load_graph(IRIS), catalogue), make_plan(load_graph(organised()), catalogue)
    assert plain.order == tidy.order
    assert {n: (p.params, p.inputs) for n, p in plain.nodes.items()} == \
        {n: (p.params, p.inputs) for n, p in tidy.nodes.items()}


def test_a_malformed_group_is_refused_naming_where():
    document = organised()
    document["groups"][0]["nodes"] = "algo"
    problems = validate(document, catalogue=components.catalogue())
    assert problems and all(p.code == "invalid-document" for p in problems)
    assert any("groups/0/nodes" in p.message for p in problems)
