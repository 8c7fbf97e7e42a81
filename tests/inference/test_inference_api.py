"""POST /api/graphs/<id>/inference-graph: new graphs, registered models, and refusals with their codes."""
from __future__ import annotations

import json

from inference_support import EXAMPLES, wait_for_run


def error_of(response) -> dict:
    return response.get_json()["error"]


def make(client, graph_id, **body):
    return client.post(f"/api/graphs/{graph_id}/inference-graph", json=body)


def test_a_realtime_graph_is_stored_and_its_model_registered(client, trained):
    name = "breast-cancer-boosted-tree"
    response = make(client, trained.graphs[name], kind="realtime", run_id=trained.runs[name]["run_id"])
    assert response.status_code == 201
    body = response.get_json()
    assert body["graph_id"] == body["id"] and body["kind"] == "realtime"
    graph = client.get(f"/api/graphs/{body['graph_id']}").get_json()
    assert graph["name"].endswith("(real-time inference)")
    model_node = next(n for n in graph["document"]["nodes"] if n["component"] == "trained-model")
    registered_name, version = model_node["params"]["registry"].rsplit(":", 1)
    model = trained.designer.store.get_model(registered_name, int(version))
    assert model["digest"] == model_node["params"]["digest"] == body["models"][0]["digest"]
    assert (model["run_id"], model["node_id"]) == (trained.runs[name]["run_id"], "train")
    assert model["tags"]["graph_id"] == trained.graphs[name]
    valid = client.post(f"/api/graphs/{body['graph_id']}/validate", json={}).get_json()
    assert valid["valid"], valid["errors"]


def test_converting_the_same_run_again_reuses_the_registered_version(client, trained):
    name = "diabetes-regression"
    first = make(client, trained.graphs[name], kind="batch").get_json()
    second = make(client, trained.graphs[name], kind="realtime").get_json()
    assert first["models"][0]["registry"] == second["models"][0]["registry"]


def test_without_a_run_id_the_newest_run_is_used(client, trained):
    name = "iris-clustering"
    body = make(client, trained.graphs[name], kind="realtime").get_json()
    assert body["run_id"] == trained.runs[name]["run_id"]


def test_a_graph_that_never_ran_is_refused(client):
    document = json.loads((EXAMPLES / "iris-classification.json").read_text())
    graph_id = client.post("/api/graphs", json=document).get_json()["id"]
    response = make(client, graph_id, kind="realtime")
    assert response.status_code == 409 and error_of(response)["code"] == "never-run"


def test_a_failed_run_is_refused(client):
    document = json.loads((EXAMPLES / "iris-classification.json").read_text())
    next(n for n in document["nodes"] if n["id"] == "train")["params"]["label_column"] = "no-such-column"
    graph_id = client.post("/api/graphs", json=document).get_json()["id"]
    run_id = client.post(f"/api/graphs/{graph_id}/runs", json={}).get_json()["run_id"]
    assert wait_for_run(client, run_id)["status"] == "failed"
    response = make(client, graph_id, kind="realtime", run_id=run_id)
    assert response.status_code == 409 and error_of(response)["code"] == "run-failed"


def test_a_script_on_the_scoring_path_is_refused_naming_the_node(client):
    document = json.loads((EXAMPLES / "diabetes-regression.json").read_text())
    document["nodes"].append({"id": "script", "component": "execute-python-script", "params": {}})
    document["edges"] = [e for e in document["edges"] if e["target"] != "score" or e["target_port"] != "dataset"]
    document["edges"] += [
        {"source": "split", "source_port": "test", "target": "script", "target_port": "dataframe1"},
        {"source": "script", "source_port": "result_dataset", "target": "score", "target_port": "dataset"}]
    graph_id = client.post("/api/graphs", json=document).get_json()["id"]
    run_id = client.post(f"/api/graphs/{graph_id}/runs", json={}).get_json()["run_id"]
    assert wait_for_run(client, run_id)["status"] == "completed"
    response = make(client, graph_id, kind="batch", run_id=run_id)
    assert response.status_code == 400
    assert (error_of(response)["code"], error_of(response)["details"]["node"]) == ("no-inference-form", "script")


def test_a_run_of_another_graph_is_refused(client, trained):
    response = make(client, trained.graphs["iris-classification"], kind="realtime",
                    run_id=trained.runs["diabetes-regression"]["run_id"])
    assert response.status_code == 400 and error_of(response)["code"] == "run-of-another-graph"


def test_bad_requests_are_400_and_unknown_things_404(client, trained):
    graph_id = trained.graphs["iris-classification"]
    assert error_of(make(client, graph_id, kind="streaming"))["code"] == "invalid-kind"
    assert error_of(client.post(f"/api/graphs/{graph_id}/inference-graph", json={}))["code"] == "missing-field"
    assert make(client, "no-such-graph", kind="realtime").status_code == 404
    assert make(client, graph_id, kind="realtime", run_id="no-such-run").status_code == 404
