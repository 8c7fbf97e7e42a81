"""The pipelines list: each graph's kind, and an import beside a same-named graph gets a distinct name."""
from __future__ import annotations

import json
from pathlib import Path

from designer.graph.names import distinct_name

EXAMPLE = json.loads((Path(__file__).resolve().parents[2] / "examples" / "iris-classification.json").read_text())


def test_importing_a_graph_whose_name_exists_numbers_it(app_client):
    first = app_client.post("/api/graphs/import", json=EXAMPLE).get_json()["id"]
    second = app_client.post("/api/graphs/import", json=EXAMPLE).get_json()["id"]
    third = app_client.post("/api/graphs/import", json=EXAMPLE).get_json()["id"]
    names = [app_client.get(f"/api/graphs/{g}").get_json()["name"] for g in (first, second, third)]
    assert names == ["Iris classification", "Iris classification (2)", "Iris classification (3)"]


def test_distinct_name_counts_on_from_a_numbered_name():
    assert distinct_name("Iris (2)", ["Iris", "Iris (2)"]) == "Iris (3)"
    assert distinct_name("iris", ["Iris"]) == "iris (2)"
    assert distinct_name("New", []) == "New"


def test_the_list_tells_training_realtime_and_batch_graphs_apart(app_client):
    app_client.post("/api/graphs", json=EXAMPLE)
    realtime = {**EXAMPLE, "name": "Iris real-time", "metadata": {"inference": {"kind": "realtime"}}}
    batch = {**EXAMPLE, "name": "Iris batch", "metadata": {"inference": {"kind": "batch"}}}
    app_client.post("/api/graphs", json=realtime)
    app_client.post("/api/graphs", json=batch)
    kinds = {g["name"]: g["kind"] for g in app_client.get("/api/graphs").get_json()["graphs"]}
    assert kinds == {"Iris classification": "training", "Iris real-time": "realtime", "Iris batch": "batch"}
    listed = app_client.get("/api/graphs").get_json()["graphs"][0]
    assert listed["nodes"] == len(EXAMPLE["nodes"]) and listed["created_at"]
