"""Published pipelines: versions frozen at publish time, key-protected runs with parameters, and every refusal."""
from __future__ import annotations

import json

import pytest

from inference_support import EXAMPLES, bearer, wait_for_run


@pytest.fixture
def iris_graph(client):
    """A fresh draft graph of the iris example (each test edits or publishes its own)."""
    document = json.loads((EXAMPLES / "iris-classification.json").read_text())
    return client.post("/api/graphs", json=document).get_json()["id"]


@pytest.fixture
def published(client, iris_graph):
    body = client.post(f"/api/graphs/{iris_graph}/publish", json={"name": "Iris scoring"}).get_json()
    return {**body, "graph_id": iris_graph}


def run_pipeline(client, pipeline_id, key, body=None):
    return client.post(f"/pipelines/{pipeline_id}/runs", json=body or {}, headers=bearer(key) if key else {})


def error_of(response) -> dict:
    return response.get_json()["error"]


def test_publishing_answers_id_version_url_and_key(client, iris_graph):
    response = client.post(f"/api/graphs/{iris_graph}/publish", json={})
    assert response.status_code == 201
    body = response.get_json()
    assert body["version"] == 1 and body["url"].endswith(f"/pipelines/{body['pipeline_id']}/runs")
    assert len(body["key"]) >= 32 and body["name"] == "Iris classification"


def test_a_published_pipeline_runs_with_its_key_and_new_parameters(client, published):
    response = run_pipeline(client, published["pipeline_id"], published["key"],
                            {"parameters": {"test_fraction": 0.5}})
    assert response.status_code == 202
    run_id = response.get_json()["run_id"]
    run = wait_for_run(client, run_id)
    assert run["status"] == "completed"
    assert (run["kind"], run["pipeline_id"], run["pipeline_version"]) == ("published", published["pipeline_id"], 1)
    assert run["parameters"]["test_fraction"] == 0.5
    status = client.get(f"/pipelines/{published['pipeline_id']}/runs/{run_id}", headers=bearer(published["key"]))
    assert status.status_code == 200 and status.get_json()["status"] == "completed"
    detail = client.get(f"/api/pipelines/{published['pipeline_id']}").get_json()
    assert [r["run_id"] for r in detail["runs"]] == [run_id]


def test_later_draft_edits_do_not_change_the_published_version(client, published):
    graph = client.get(f"/api/graphs/{published['graph_id']}").get_json()
    edited = json.loads(json.dumps(graph["document"]))
    next(n for n in edited["nodes"] if n["id"] == "algo")["params"]["C"] = 0.01
    assert client.put(f"/api/graphs/{published['graph_id']}",
                      json={"revision": graph["revision"], "document": edited}).status_code == 200
    run_id = run_pipeline(client, published["pipeline_id"], published["key"]).get_json()["run_id"]
    run = wait_for_run(client, run_id)
    algo = next(n for n in run["document"]["nodes"] if n["id"] == "algo")
    assert "C" not in algo["params"]
    assert run["revision"] == 1


def test_new_versions_become_the_default_only_when_asked(client, published):
    again = client.post(f"/api/graphs/{published['graph_id']}/publish",
                        json={"pipeline_id": published["pipeline_id"]})
    assert again.status_code == 201 and again.get_json()["version"] == 2 and "key" not in again.get_json()
    pipeline = client.get(f"/api/pipelines/{published['pipeline_id']}").get_json()
    assert pipeline["default_version"] == 1 and [v["version"] for v in pipeline["versions"]] == [1, 2]
    explicit = run_pipeline(client, published["pipeline_id"], published["key"], {"version": 2})
    assert explicit.get_json()["version"] == 2
    wait_for_run(client, explicit.get_json()["run_id"])
    assert client.post(f"/api/pipelines/{published['pipeline_id']}/default-version",
                       json={"version": 2}).status_code == 200
    implicit = run_pipeline(client, published["pipeline_id"], published["key"])
    assert implicit.get_json()["version"] == 2
    wait_for_run(client, implicit.get_json()["run_id"])
    missing = client.post(f"/api/pipelines/{published['pipeline_id']}/default-version", json={"version": 9})
    assert missing.status_code == 404


def test_pipelines_are_listed_with_their_urls(client, published):
    listed = client.get("/api/pipelines").get_json()["pipelines"]
    mine = next(p for p in listed if p["pipeline_id"] == published["pipeline_id"])
    assert mine["url"] == published["url"] and mine["name"] == "Iris scoring" and "key" not in mine


def test_a_disabled_pipeline_refuses_runs_until_enabled(client, published):
    assert client.post(f"/api/pipelines/{published['pipeline_id']}/disable", json={}).get_json()["enabled"] is False
    response = run_pipeline(client, published["pipeline_id"], published["key"])
    assert response.status_code == 409 and error_of(response)["code"] == "pipeline-disabled"
    assert client.post(f"/api/pipelines/{published['pipeline_id']}/enable", json={}).status_code == 200
    response = run_pipeline(client, published["pipeline_id"], published["key"])
    assert response.status_code == 202
    wait_for_run(client, response.get_json()["run_id"])


def test_runs_need_the_pipelines_current_key(client, published):
    missing = run_pipeline(client, published["pipeline_id"], None)
    assert missing.status_code == 401 and error_of(missing)["code"] == "missing-key"
    wrong = run_pipeline(client, published["pipeline_id"], "wrong-key")
    assert wrong.status_code == 401 and error_of(wrong)["code"] == "invalid-key"
    new_key = client.post(f"/api/pipelines/{published['pipeline_id']}/rotate-key", json={}).get_json()["key"]
    assert run_pipeline(client, published["pipeline_id"], published["key"]).status_code == 401
    assert client.get(f"/pipelines/{published['pipeline_id']}/runs/x", headers=bearer(published["key"])) \
        .status_code == 401
    response = run_pipeline(client, published["pipeline_id"], new_key, {"parameters": {"test_fraction": 0.4}})
    assert response.status_code == 202
    wait_for_run(client, response.get_json()["run_id"])


def test_unknown_pipelines_versions_and_runs_are_404(client, published):
    assert run_pipeline(client, "no-such-pipeline", "any-key").status_code == 404
    assert run_pipeline(client, published["pipeline_id"], published["key"], {"version": 7}).status_code == 404
    assert client.get(f"/pipelines/{published['pipeline_id']}/runs/nope",
                      headers=bearer(published["key"])).status_code == 404
    assert client.post("/api/graphs/no-such-graph/publish", json={}).status_code == 404
    assert client.post("/api/graphs/{}/publish".format(published["graph_id"]),
                       json={"pipeline_id": "no-such-pipeline"}).status_code == 404


@pytest.mark.parametrize("body, code", [
    ({"parameters": {"test_fraction": 2.0}}, "invalid-parameters"),
    ({"parameters": {"nonsense": 1}}, "invalid-parameters"),
    ({"parameters": {"test_fraction": "lots"}}, "invalid-parameters"),
    ({"parameters": []}, "invalid-field"),
    ({"version": "two"}, "invalid-field"),
    ({"params": {}}, "unknown-field"),
])
def test_bad_run_requests_are_400(client, published, body, code):
    response = run_pipeline(client, published["pipeline_id"], published["key"], body)
    assert response.status_code == 400 and error_of(response)["code"] == code


def test_an_invalid_graph_cannot_be_published(client):
    document = {"format": "designer-graph/1", "name": "Broken", "nodes": [
        {"id": "score", "component": "score-model", "params": {}}], "edges": []}
    graph_id = client.post("/api/graphs", json=document).get_json()["id"]
    response = client.post(f"/api/graphs/{graph_id}/publish", json={})
    assert response.status_code == 400 and error_of(response)["code"] == "invalid-graph"
    assert {e["port"] for e in error_of(response)["details"]["errors"]} == {"dataset", "trained_model"}


def test_a_batch_inference_graph_publishes_as_a_parameterised_scoring_pipeline(client, trained):
    graph_id = trained.inference_graph("iris-classification", "batch")
    published = client.post(f"/api/graphs/{graph_id}/publish", json={}).get_json()
    response = run_pipeline(client, published["pipeline_id"], published["key"],
                            {"parameters": {"output_path": "published/iris-scored.parquet"}})
    assert response.status_code == 202
    run = wait_for_run(client, response.get_json()["run_id"])
    assert run["status"] == "completed", {n: r["error"] for n, r in run["nodes"].items()}
    assert (trained.designer.home.datastore / "published" / "iris-scored.parquet").exists()


def test_a_published_version_still_runs_after_its_draft_graph_is_deleted(client, published):
    assert client.delete(f"/api/graphs/{published['graph_id']}").status_code == 204
    response = run_pipeline(client, published["pipeline_id"], published["key"])
    assert response.status_code == 202, response.get_json()
    run = wait_for_run(client, response.get_json()["run_id"])
    assert run["status"] == "completed" and run["pipeline_id"] == published["pipeline_id"]
