"""A graph's history: list, open one, the diff between revisions (a pure function), restore as the newest."""
from __future__ import annotations

import copy

from designer.graph.diff import diff_documents
from workspace_support import example


def test_diff_names_nodes_edges_and_parameters_added_removed_and_changed():
    old = example("iris-classification")
    new = copy.deepcopy(old)
    new["nodes"] = [n for n in new["nodes"] if n["id"] != "eval"]
    new["edges"] = [e for e in new["edges"] if e["target"] != "eval"]
    split = next(n for n in new["nodes"] if n["id"] == "split")
    split["params"]["seed"] = 99
    split["position"] = {"x": 1, "y": 2}
    new["nodes"].append({"id": "clean", "component": "clean-missing-data", "params": {}})
    new["parameters"] = [{"name": "fraction", "type": "float", "default": 0.2}]
    diff = diff_documents(old, new)
    assert [n["id"] for n in diff["nodes"]["added"]] == ["clean"]
    assert [n["id"] for n in diff["nodes"]["removed"]] == ["eval"]
    changed = {c["id"]: c for c in diff["nodes"]["changed"]}
    assert changed["split"]["params"]["seed"]["new"] == 99 and changed["split"]["moved"]
    assert diff["edges"]["removed"] and all(e["target"] == "eval" for e in diff["edges"]["removed"])
    assert [p["name"] for p in diff["parameters"]["added"]] == ["fraction"]
    assert not diff["empty"]
    assert diff_documents(old, copy.deepcopy(old))["empty"]


def test_moving_a_node_only_is_an_empty_diff():
    old = example("iris-classification")
    new = copy.deepcopy(old)
    new["nodes"][0]["position"] = {"x": 999, "y": 999}
    diff = diff_documents(old, new)
    assert diff["empty"] and diff["nodes"]["changed"] == [{"id": new["nodes"][0]["id"], "moved": True}]


def _graph_with_history(client) -> str:
    document = example("iris-classification")
    created = client.post("/api/graphs", json=document).get_json()
    changed = copy.deepcopy(document)
    next(n for n in changed["nodes"] if n["id"] == "split")["params"]["seed"] = 42
    response = client.put(f"/api/graphs/{created['id']}", json={**changed, "revision": 1})
    assert response.status_code == 200, response.get_json()
    return created["id"]


def test_history_lists_opens_and_diffs_revisions(client):
    graph_id = _graph_with_history(client)
    revisions = client.get(f"/api/graphs/{graph_id}/revisions").get_json()["revisions"]
    assert [r["revision"] for r in revisions] == [2, 1]
    first = client.get(f"/api/graphs/{graph_id}/revisions/1").get_json()
    assert first["revision"] == 1 and next(n for n in first["document"]["nodes"] if n["id"] == "split")["params"]["seed"] == 7
    diff = client.get(f"/api/graphs/{graph_id}/revisions/2/diff").get_json()
    assert diff["from"] == 1 and diff["diff"]["nodes"]["changed"][0]["params"]["seed"] == {"old": 7, "new": 42}
    against_current = client.get(f"/api/graphs/{graph_id}/revisions/1/diff?against=current").get_json()
    assert against_current["from"] == 2
    assert client.get(f"/api/graphs/{graph_id}/revisions/1/diff?against=yesterday").status_code == 400


def test_restoring_an_old_revision_makes_it_the_newest(client):
    graph_id = _graph_with_history(client)
    response = client.post(f"/api/graphs/{graph_id}/revisions/1/restore")
    assert response.status_code == 201 and response.get_json()["revision"] == 3
    current = client.get(f"/api/graphs/{graph_id}").get_json()
    assert current["revision"] == 3
    assert next(n for n in current["document"]["nodes"] if n["id"] == "split")["params"]["seed"] == 7
    assert len(client.get(f"/api/graphs/{graph_id}/revisions").get_json()["revisions"]) == 3


def test_unknown_graph_or_revision_is_404(client):
    graph_id = _graph_with_history(client)
    assert client.get(f"/api/graphs/{graph_id}/revisions/9").status_code == 404
    assert client.post(f"/api/graphs/{graph_id}/revisions/9/restore").status_code == 404
    assert client.get("/api/graphs/" + "0" * 32 + "/revisions/1").status_code == 404
