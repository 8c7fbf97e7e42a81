"""Run selected nodes: `to` names several nodes; the run holds them and what they need, nothing else."""
from __future__ import annotations

import pytest


def test_running_two_selected_nodes_runs_them_and_their_ancestors_only(finished_run, iris):
    _, run = finished_run(iris, to=["split", "algo"])
    assert run["status"] == "completed"
    assert set(run["nodes"]) == {"iris", "split", "algo"}


@pytest.mark.parametrize("to,code", [([], "invalid-field"), ([1], "invalid-field"), (7, "invalid-field"),
                                     (["split", "ghost"], "invalid-graph")])
def test_bad_selections_are_400s(app_client, saved_graph, iris, to, code):
    graph_id = saved_graph(iris)
    response = app_client.post(f"/api/graphs/{graph_id}/runs", json={"to": to})
    assert response.status_code == 400 and response.json["error"]["code"] == code
