"""Runs across the workspace over HTTP: filters, metric sort, labels, experiments, environment, compare, clone."""
from __future__ import annotations

import platform

import pytest


def runs(client, query: str = "") -> list[dict]:
    response = client.get(f"/api/runs?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["runs"]


def test_runs_filter_by_experiment_graph_status_tag_and_trigger(client, workspace):
    wine = {workspace.runs["wine-3"], workspace.runs["wine-5"]}
    assert {r["run_id"] for r in runs(client, "experiment=wine-exp")} == wine
    assert [r["run_id"] for r in runs(client, f"graph_id={workspace.graphs['iris']}")] == [workspace.runs["iris"]]
    assert {r["run_id"] for r in runs(client, "tag=team:deep")} == wine
    assert [r["run_id"] for r in runs(client, "tag=size")] == [workspace.runs["wine-3"]]
    assert runs(client, "tag=size:large") == []
    assert {r["run_id"] for r in runs(client, "status=completed&trigger=manual")} >= wine | {workspace.runs["iris"]}
    assert runs(client, "status=failed&experiment=wine-exp") == []
    assert [r["run_id"] for r in runs(client, "search=THREE")] == [workspace.runs["wine-3"]]


def test_runs_sort_by_a_metric_either_way_with_the_metric_shown(client, workspace):
    down = runs(client, "experiment=wine-exp&sort=metric:eval.log_loss&order=desc")
    up = runs(client, "experiment=wine-exp&sort=metric:eval.log_loss&order=asc")
    falling = [r["metrics"]["eval.log_loss"] for r in down]
    rising = [r["metrics"]["eval.log_loss"] for r in up]
    assert len(falling) == 2 and falling[0] != falling[1]
    assert falling == sorted(falling, reverse=True) and rising == sorted(rising)
    assert [r["run_id"] for r in up] == [r["run_id"] for r in reversed(down)]


def test_runs_without_the_sorted_metric_come_last(client, workspace):
    listed = runs(client, "sort=metric:eval.accuracy&order=asc&limit=500")
    with_metric = [r for r in listed if "eval.accuracy" in r["metrics"]]
    assert listed[:len(with_metric)] == with_metric


def test_runs_list_pages_with_total(client, workspace):
    first = client.get("/api/runs?limit=1").get_json()
    second = client.get("/api/runs?limit=1&offset=1").get_json()
    assert first["total"] >= 3 and len(first["runs"]) == 1
    assert first["runs"][0]["run_id"] != second["runs"][0]["run_id"]


@pytest.mark.parametrize("query, parameter", [("sort=colour", "sort"), ("sort=metric:", "sort"),
                                              ("order=sideways", "order"), ("limit=0", "limit"),
                                              ("offset=-1", "offset"), ("limit=ten", "limit")])
def test_a_bad_runs_query_is_400_naming_the_parameter(client, query, parameter):
    response = client.get(f"/api/runs?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["details"]["parameter"] == parameter


def test_a_run_display_name_description_and_tags_are_editable(client, workspace):
    run_id = workspace.runs["iris"]
    response = client.patch(f"/api/runs/{run_id}", json={"display_name": "baseline", "description": "first",
                                                         "tags": {"team": "tabular", "reviewed": "yes"}})
    assert response.status_code == 200
    shown = client.get(f"/api/runs/{run_id}").get_json()
    assert (shown["display_name"], shown["description"]) == ("baseline", "first")
    assert shown["tags"] == {"team": "tabular", "reviewed": "yes"}
    assert [r["run_id"] for r in runs(client, "tag=reviewed:yes")] == [run_id]


@pytest.mark.parametrize("body, status", [({"status": "completed"}, 400), ({"tags": ["a"]}, 400),
                                          ({"display_name": 3}, 400), ({"tags": {"a": {"b": 1}}}, 400)])
def test_a_bad_run_edit_is_refused(client, workspace, body, status):
    assert client.patch(f"/api/runs/{workspace.runs['iris']}", json=body).status_code == status


def test_editing_an_unknown_run_is_404_with_its_id(client):
    response = client.patch("/api/runs/" + "f" * 32, json={"display_name": "x"})
    assert response.status_code == 404 and "f" * 32 in response.get_json()["error"]["message"]


def test_experiments_list_run_counts_and_the_last_run(client, workspace):
    experiments = {e["name"]: e for e in client.get("/api/experiments").get_json()["experiments"]}
    assert experiments["wine-exp"]["runs"] == 2
    assert experiments["wine-exp"]["last_run"]["run_id"] == workspace.runs["wine-5"]
    assert experiments["iris-exp"]["runs"] >= 1


def test_a_run_records_the_environment_it_started_in(client, workspace):
    environment = client.get(f"/api/runs/{workspace.runs['wine-3']}").get_json()["environment"]
    assert environment["python"] == platform.python_version()
    assert "scikit-learn" in environment["packages"] and "torch" in environment["packages"]


def test_compare_shows_differing_parameters_metrics_and_per_epoch_curves(client, workspace):
    three, five = workspace.runs["wine-3"], workspace.runs["wine-5"]
    response = client.post("/api/runs/compare", json={"run_ids": [three, five]})
    assert response.status_code == 200
    result = response.get_json()
    assert [r["run_id"] for r in result["runs"]] == [three, five]
    assert set(result["differing"]) == {"nn.epochs", "nn.learning_rate"}
    assert result["parameters"]["nn.epochs"] == {three: 3, five: 5}
    assert result["parameters"]["split.seed"] == {three: 11, five: 11}
    accuracy = result["metrics"]["eval.accuracy"]
    assert set(accuracy) == {three, five} and all(0 <= v <= 1 for v in accuracy.values())
    loss = result["curves"]["train.loss"]
    assert len(loss[three]) == 3 and len(loss[five]) == 5
    assert "eval.accuracy" not in result["curves"]
    assert set(result["roc"]["eval"]) == {three, five}


@pytest.mark.parametrize("body, status", [({"run_ids": []}, 400), ({"run_ids": "abc"}, 400), ({}, 400),
                                          ({"run_ids": ["0" * 32]}, 404)])
def test_compare_refuses_bad_run_lists(client, body, status):
    assert client.post("/api/runs/compare", json=body).status_code == status


def test_clone_run_to_draft_opens_the_exact_document_it_ran(client, workspace):
    run_id = workspace.runs["wine-3"]
    response = client.post(f"/api/runs/{run_id}/clone")
    assert response.status_code == 201
    draft = client.get(f"/api/graphs/{response.get_json()['id']}").get_json()
    ran = workspace.designer.store.get_run(run_id)["document"]
    assert draft["document"]["nodes"] == ran["nodes"] and draft["document"]["edges"] == ran["edges"]
    assert draft["name"].endswith(f"(run {run_id[:8]})")
    assert client.post("/api/runs/" + "0" * 32 + "/clone").status_code == 404


def test_submitting_a_run_takes_its_experiment_display_name_and_tags(client, workspace):
    shown = client.get(f"/api/runs/{workspace.runs['wine-3']}").get_json()
    assert (shown["experiment"], shown["display_name"]) == ("wine-exp", "three epochs")
    assert shown["tags"] == {"team": "deep", "size": "small"} and shown["trigger"] == "manual"
    default = client.get(f"/api/runs/{workspace.runs['iris']}").get_json()
    assert default["experiment"] == "iris-exp"
    bad = client.post(f"/api/graphs/{workspace.graphs['iris']}/runs", json={"tags": "x"})
    assert bad.status_code == 400


def test_metric_keys_name_what_runs_can_be_sorted_by(client):
    keys = client.get("/api/runs/metric-keys?experiment=wine-exp").get_json()["keys"]
    assert "eval.accuracy" in keys and keys == sorted(keys)
    assert client.get("/api/runs/metric-keys?experiment=no-such-experiment").get_json()["keys"] == []
