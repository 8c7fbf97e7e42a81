"""Runs through HTTP: submit, poll, cancel, and open each node's log, metrics and outputs."""
from __future__ import annotations

import csv
import io
import json
import time
import zipfile

import pytest

from server_components import table_document


def test_a_submitted_run_completes_with_per_node_status_timings_outputs_and_metrics(app_client, finished_run, iris):
    graph_id, run = finished_run(iris)
    assert run["status"] == "completed" and run["graph_id"] == graph_id and run["revision"] == 1
    assert run["document"] == iris and run["compute"] == "local"
    assert run["created_at"] and run["started_at"] and run["finished_at"] and run["error"] is None
    assert set(run["nodes"]) == {n["id"] for n in iris["nodes"]}
    for node in run["nodes"].values():
        assert node["status"] == "completed" and node["cached"] is False and node["seconds"] >= 0
        assert {"started_at", "finished_at", "error", "traceback", "progress", "outputs", "metrics",
                "compute"} <= set(node)
    assert run["nodes"]["split"]["outputs"]["train"]["type"] == "DataFrame"
    assert run["nodes"]["eval"]["metrics"]["accuracy"] > 0.8
    assert run["experiment"] == iris["name"] and run["trigger"] == "manual"


def test_a_run_records_the_python_platform_and_packages_it_started_with(finished_run, iris):
    import platform
    from importlib import metadata

    _, run = finished_run(iris)

    environment = run["environment"]
    assert environment["python"] == platform.python_version()
    assert environment["packages"]["scikit-learn"] == metadata.version("scikit-learn")
    assert environment["packages"]["pandas"] == metadata.version("pandas")


def test_a_second_run_reuses_every_node_from_cache_and_lists_newest_first(app_client, finished_run, iris,
                                                                        wait_for_run):
    graph_id, first = finished_run(iris)
    second_id = app_client.post(f"/api/graphs/{graph_id}/runs", json={"parameters": {}}).json["run_id"]
    second = wait_for_run(second_id)
    assert {n["status"] for n in second["nodes"].values()} == {"cached"}
    runs = app_client.get(f"/api/graphs/{graph_id}/runs").json["runs"]
    assert [r["run_id"] for r in runs] == [second_id, first["run_id"]]
    assert runs[0]["metrics"]["eval"]["accuracy"] == first["nodes"]["eval"]["metrics"]["accuracy"]
    assert {"run_id", "status", "compute", "parameters", "created_at", "started_at", "finished_at"} <= set(runs[0])
    assert app_client.get(f"/api/graphs/{graph_id}/runs?limit=1").json["runs"][0]["run_id"] == second_id
    assert app_client.get(f"/api/graphs/{graph_id}/runs?limit=zero").status_code == 400
    listed = app_client.get("/api/graphs").json["graphs"][0]["last_run"]
    assert listed["run_id"] == second_id and listed["status"] == "completed"


def test_run_options_parameters_to_and_rerun_reach_the_executor(app_client, finished_run, iris, wait_for_run):
    graph_id, _ = finished_run(iris, parameters={"test_fraction": 0.5}, to="split")
    run = app_client.get(f"/api/graphs/{graph_id}/runs").json["runs"][0]
    assert run["parameters"] == {"test_fraction": 0.5}
    full = app_client.get(f"/api/runs/{run['run_id']}").json
    assert set(full["nodes"]) == {"iris", "split"}
    rerun_id = app_client.post(f"/api/graphs/{graph_id}/runs",
                               json={"parameters": {"test_fraction": 0.5}, "to": "split", "rerun": ["split"]}).json
    statuses = {n: v["status"] for n, v in wait_for_run(rerun_id["run_id"])["nodes"].items()}
    assert statuses == {"iris": "cached", "split": "completed"}


def test_running_an_invalid_graph_is_a_400_naming_node_and_port(app_client, saved_graph, iris):
    broken = {**iris, "edges": [e for e in iris["edges"] if e["target"] != "train"]}
    graph_id = saved_graph(broken)
    response = app_client.post(f"/api/graphs/{graph_id}/runs", json={})
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "invalid-graph"
    assert {(e["node"], e["port"], e["code"]) for e in error["details"]["errors"]} == \
        {("train", "dataset", "missing-input"), ("train", "untrained_model", "missing-input")}
    assert all(set(e) == {"node", "port", "code", "message"} for e in error["details"]["errors"])
    assert app_client.get(f"/api/graphs/{graph_id}/runs").json["runs"] == []


@pytest.mark.parametrize("body,code", [
    ({"compute": "nowhere"}, "invalid-graph"),
    ({"parameters": {"no_such_parameter": 1}}, "invalid-graph"),
    ({"parameters": {"test_fraction": "lots"}}, "invalid-graph"),
    ({"to": "ghost"}, "invalid-graph"),
    ({"parameters": [1]}, "invalid-field"),
    ({"compute": 3}, "invalid-field"),
    ({"rerun": "split"}, "invalid-field"),
    ({"rerun": [1]}, "invalid-field"),
    ({"params": {}}, "unknown-field"),
])
def test_bad_run_options_are_400s(app_client, saved_graph, iris, body, code):
    graph_id = saved_graph(iris)
    response = app_client.post(f"/api/graphs/{graph_id}/runs", json=body)
    assert response.status_code == 400
    assert response.json["error"]["code"] == code


def test_a_run_body_must_be_a_json_object(app_client, saved_graph, iris):
    graph_id = saved_graph(iris)
    assert app_client.post(f"/api/graphs/{graph_id}/runs", json=[]).status_code == 400
    malformed = app_client.post(f"/api/graphs/{graph_id}/runs", data="{", content_type="application/json")
    assert malformed.json["error"]["code"] == "invalid-json"
    assert app_client.post(f"/api/graphs/{graph_id}/runs", data="{}", content_type="text/plain").status_code == 415


def test_a_failed_node_fails_the_run_with_its_traceback(finished_run):
    document = table_document()
    document["nodes"][1]["component"] = "server-test-fail"
    _, run = finished_run(document)
    assert run["status"] == "failed"
    assert run["nodes"]["table"]["status"] == "completed"
    assert run["nodes"]["chatty"]["status"] == "failed"
    assert run["nodes"]["chatty"]["error"] == "column 'nope' does not exist"
    assert "ComponentError" in run["nodes"]["chatty"]["traceback"]


def test_node_log_and_metrics_are_served(app_client, finished_run):
    _, run = finished_run(table_document())
    base = f"/api/runs/{run['run_id']}/nodes/chatty"
    assert "hello from chatty" in app_client.get(f"{base}/log").json["log"]
    metrics = app_client.get(f"{base}/metrics").json
    assert metrics["events"] == [{"epoch": 1, "loss": 0.5}, {"epoch": 2, "loss": 0.25}]
    assert metrics["final"] is None


def test_final_metrics_of_an_evaluation_node(app_client, finished_run, iris):
    _, run = finished_run(iris)
    metrics = app_client.get(f"/api/runs/{run['run_id']}/nodes/eval/metrics").json
    assert metrics["final"]["accuracy"] == run["nodes"]["eval"]["metrics"]["accuracy"]


def test_a_table_output_is_paged_with_a_column_profile(app_client, finished_run):
    _, run = finished_run(table_document(rows=12))
    response = app_client.get(f"/api/runs/{run['run_id']}/nodes/table/outputs/table?offset=10&limit=5")
    assert response.status_code == 200
    body = response.json
    assert body["type"] == "DataFrame" and body["digest"] == run["nodes"]["table"]["outputs"]["table"]["digest"]
    assert body["meta"]["rows"] == 12
    table = body["table"]
    assert table["columns"] == ["x", "colour", "day", "flag"]
    assert table["rows"] == [[10.0, "green", "2024-01-11T00:00:00", True], [11.0, None, "2024-01-12T00:00:00", False]]
    assert (table["offset"], table["limit"], table["total_rows"]) == (10, 5, 12)
    profile = {p["name"]: p for p in body["profile"]}
    assert profile["x"]["histogram"]["counts"] == [2, 1, 1, 1, 1, 1, 1, 1, 1, 2]
    assert profile["colour"]["missing"] == 4 and profile["colour"]["top"] == [["red", 4], ["green", 4]]


def test_metrics_and_model_outputs_are_previewed_by_type(app_client, finished_run, iris):
    _, run = finished_run(iris)
    base = f"/api/runs/{run['run_id']}/nodes"
    metrics = app_client.get(f"{base}/eval/outputs/metrics").json
    assert metrics["type"] == "Metrics"
    assert metrics["metrics"]["metrics"]["accuracy"] == run["nodes"]["eval"]["metrics"]["accuracy"]
    assert "confusion_matrix" in metrics["metrics"]["charts"]
    model = app_client.get(f"{base}/train/outputs/trained_model").json
    assert model["type"] == "TrainedModel"
    assert model["summary"]["classes"] == ["setosa", "versicolor", "virginica"]
    assert model["summary"]["algorithm"] == "logistic-regression"


def test_downloads_are_csv_for_tables_json_for_metrics_and_zip_otherwise(app_client, finished_run, iris):
    _, run = finished_run(iris)
    base = f"/api/runs/{run['run_id']}/nodes"
    table = app_client.get(f"{base}/split/outputs/test/download")
    assert table.mimetype == "text/csv"
    assert table.headers["Content-Disposition"] == "attachment; filename=split-test.csv"
    rows = list(csv.reader(io.StringIO(table.get_data(as_text=True))))
    assert rows[0][-1] == "species" and len(rows) == 1 + 45
    metrics = app_client.get(f"{base}/eval/outputs/metrics/download")
    assert metrics.mimetype == "application/json"
    assert json.loads(metrics.data)["metrics"]["accuracy"] == run["nodes"]["eval"]["metrics"]["accuracy"]
    model = app_client.get(f"{base}/train/outputs/trained_model/download")
    assert model.mimetype == "application/zip"
    assert "meta.json" in zipfile.ZipFile(io.BytesIO(model.data)).namelist()


@pytest.mark.parametrize("suffix,code", [
    ("/nodes/ghost/log", "not-found"),
    ("/nodes/ghost/metrics", "not-found"),
    ("/nodes/split/outputs/nothing", "no-output"),
    ("/nodes/split/outputs/nothing/download", "no-output"),
])
def test_unknown_nodes_and_ports_of_a_run_are_404s(app_client, finished_run, iris, suffix, code):
    _, run = finished_run(iris)
    response = app_client.get(f"/api/runs/{run['run_id']}{suffix}")
    assert response.status_code == 404
    assert response.json["error"]["code"] == code


@pytest.mark.parametrize("query", ["offset=-1", "limit=0", "limit=100000", "offset=abc"])
def test_bad_paging_of_an_output_is_a_400(app_client, finished_run, query):
    _, run = finished_run(table_document())
    response = app_client.get(f"/api/runs/{run['run_id']}/nodes/table/outputs/table?{query}")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid-query"


@pytest.mark.parametrize("method,suffix", [
    ("get", ""), ("post", "/cancel"), ("get", "/nodes/a/log"), ("get", "/nodes/a/metrics"),
    ("get", "/nodes/a/outputs/p"), ("get", "/nodes/a/outputs/p/download"),
])
def test_unknown_run_ids_are_json_404s(app_client, method, suffix):
    response = getattr(app_client, method)(f"/api/runs/0123456789abcdef{suffix}")
    assert response.status_code == 404
    assert response.json["error"]["details"]["what"] == "run"


def test_cancel_stops_a_running_run_and_a_finished_run_cannot_be_cancelled(app_client, saved_graph, wait_for_run):
    graph_id = saved_graph({"format": "designer-graph/1", "name": "slow", "edges": [],
                            "nodes": [{"id": "slow", "component": "server-test-slow", "params": {}}]})
    run_id = app_client.post(f"/api/graphs/{graph_id}/runs", json={}).json["run_id"]
    started = time.monotonic()
    response = app_client.post(f"/api/runs/{run_id}/cancel", json={})
    assert response.status_code == 202
    assert response.json == {"run_id": run_id, "status": "cancelling"}
    run = wait_for_run(run_id)
    assert run["status"] == "cancelled" and run["nodes"]["slow"]["status"] == "cancelled"
    assert time.monotonic() - started < 10
    again = app_client.post(f"/api/runs/{run_id}/cancel")
    assert again.status_code == 409
    assert again.json["error"] == {"code": "run-finished", "message": "the run has already finished (cancelled)",
                                   "details": {"status": "cancelled"}}


def test_runs_left_unfinished_by_a_previous_server_are_marked_failed_on_start(make_app, home):
    app = make_app()
    store = app.extensions["designer"].store
    run_id = store.create_run({"format": "designer-graph/1", "nodes": [], "edges": []})
    store.set_run_status(run_id, "running")
    restarted = make_app().test_client()
    run = restarted.get(f"/api/runs/{run_id}").json
    assert run["status"] == "failed" and run["error"]
