"""The layered layout used for graphs the designer writes itself (inference graphs)."""
from __future__ import annotations

import json
from pathlib import Path

from designer.graph.layout import COLUMN_WIDTH, layered

IRIS = Path(__file__).resolve().parents[2] / "examples" / "iris-classification.json"


def test_every_edge_points_left_to_right_and_no_two_nodes_share_a_place():
    document = json.loads(IRIS.read_text())
    laid_out = layered(document)
    at = {n["id"]: (n["position"]["x"], n["position"]["y"]) for n in laid_out["nodes"]}
    assert len(set(at.values())) == len(at)
    for edge in laid_out["edges"]:
        assert at[edge["source"]][0] < at[edge["target"]][0], edge


def test_a_source_sits_just_before_the_node_it_feeds():
    laid_out = {n["id"]: n["position"] for n in layered(json.loads(IRIS.read_text()))["nodes"]}
    assert laid_out["train"]["x"] - laid_out["algo"]["x"] == COLUMN_WIDTH


def test_layout_leaves_the_input_document_and_everything_but_positions_alone():
    document = json.loads(IRIS.read_text())
    before = json.dumps(document, sort_keys=True)
    laid_out = layered(document)
    assert json.dumps(document, sort_keys=True) == before
    strip = lambda d: [{k: v for k, v in n.items() if k != "position"} for n in d["nodes"]]  # noqa: E731
    assert strip(laid_out) == strip(document) and laid_out["edges"] == document["edges"]
