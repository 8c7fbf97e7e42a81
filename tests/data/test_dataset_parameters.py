"""A pipeline parameter of type dataset: chosen per run, per published-pipeline call, and made by batch inference."""
from __future__ import annotations

from data_support import IRIS_CSV, wait_run

SCORING_GRAPH = {
    "format": "designer-graph/1", "name": "Own iris scoring",
    "parameters": [{"name": "training_data", "type": "dataset", "default": "flowers:1"}],
    "nodes": [
        {"id": "data", "component": "registered-dataset", "params": {"dataset": {"$param": "training_data"}}},
        {"id": "algo", "component": "logistic-regression", "params": {}},
        {"id": "train", "component": "train-model", "params": {"label_column": "species"}},
        {"id": "score", "component": "score-model", "params": {}}],
    "edges": [
        {"source": "data", "source_port": "dataset", "target": "train", "target_port": "dataset"},
        {"source": "algo", "source_port": "model", "target": "train", "target_port": "untrained_model"},
        {"source": "data", "source_port": "dataset", "target": "score", "target_port": "dataset"},
        {"source": "train", "source_port": "trained_model", "target": "score", "target_port": "trained_model"}]}


def two_versions(client, workspace):
    (workspace / "flowers.csv").write_text(IRIS_CSV)
    client.post("/api/datasets", json={"name": "flowers", "path": "flowers.csv"})
    lines = IRIS_CSV.splitlines()
    (workspace / "flowers.csv").write_text("\n".join(lines + lines[1:]) + "\n")
    client.post("/api/datasets", json={"name": "flowers", "path": "flowers.csv"})


def scored_rows(client, run):
    return client.get(f"/api/runs/{run['run_id']}/nodes/score/outputs/scored_dataset").get_json()["table"]["total_rows"]


def test_dataset_parameter_picks_the_version_of_a_run(client, workspace):
    two_versions(client, workspace)
    graph = client.post("/api/graphs", json=SCORING_GRAPH).get_json()["id"]
    default = wait_run(client, client.post(f"/api/graphs/{graph}/runs", json={}).get_json()["run_id"])
    chosen = wait_run(client, client.post(f"/api/graphs/{graph}/runs",
                                          json={"parameters": {"training_data": "flowers:2"}}).get_json()["run_id"])
    assert (scored_rows(client, default), scored_rows(client, chosen)) == (9, 18)
    lineage = client.get("/api/datasets/flowers/versions/2").get_json()["lineage"]
    assert [r["run_id"] for r in lineage["runs"]] == [chosen["run_id"]]


def test_dataset_parameter_through_a_published_pipeline(client, workspace):
    two_versions(client, workspace)
    graph = client.post("/api/graphs", json=SCORING_GRAPH).get_json()["id"]
    published = client.post(f"/api/graphs/{graph}/publish", json={}).get_json()
    headers = {"Authorization": f"Bearer {published['key']}"}
    response = client.post(f"/pipelines/{published['pipeline_id']}/runs",
                           json={"parameters": {"training_data": "flowers:2"}}, headers=headers)
    assert response.status_code == 202, response.get_json()
    run = wait_run(client, response.get_json()["run_id"])
    assert run["status"] == "completed" and scored_rows(client, run) == 18
    bad = client.post(f"/pipelines/{published['pipeline_id']}/runs",
                      json={"parameters": {"training_data": "flowers:9"}}, headers=headers)
    assert bad.status_code == 400 and "no version 9" in bad.get_data(as_text=True)
    malformed = client.post(f"/pipelines/{published['pipeline_id']}/runs",
                            json={"parameters": {"training_data": "../etc"}}, headers=headers)
    assert malformed.status_code == 400


def test_batch_inference_graph_takes_its_input_as_a_dataset_parameter(client, workspace):
    two_versions(client, workspace)
    document = dict(SCORING_GRAPH, parameters=[])
    document["nodes"] = [dict(n) for n in document["nodes"]]
    document["nodes"][0] = {"id": "data", "component": "registered-dataset", "params": {"dataset": "flowers:1"}}
    graph = client.post("/api/graphs", json=document).get_json()["id"]
    run = wait_run(client, client.post(f"/api/graphs/{graph}/runs", json={}).get_json()["run_id"])
    made = client.post(f"/api/graphs/{graph}/inference-graph", json={"kind": "batch", "run_id": run["run_id"]})
    assert made.status_code == 201, made.get_json()
    parameters = {p["name"]: p for p in made.get_json()["parameters"]}
    assert parameters["dataset"]["type"] == "dataset" and parameters["dataset"]["default"] == "flowers:1"
    batch = client.get(f"/api/graphs/{made.get_json()['id']}").get_json()["document"]
    source = next(n for n in batch["nodes"] if n["component"] == "registered-dataset")
    assert source["params"]["dataset"] == {"$param": "dataset"}
    scored = wait_run(client, client.post(f"/api/graphs/{made.get_json()['id']}/runs",
                                          json={"parameters": {"dataset": "flowers:2"}}).get_json()["run_id"])
    assert scored["status"] == "completed", scored
