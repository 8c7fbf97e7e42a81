"""The endpoint runtime keeps models warm and scores in memory; saved-model nodes; `designer deploy`."""
from __future__ import annotations

import copy
import threading

import pytest

from designer.cli import main as cli
from designer.serving import DeploymentError, Endpoint
from designer.serving.payloads import answer, parse_request
from inference_support import bearer, wait_for_run

IRIS_ROW = {"sepal length (cm)": 6.3, "sepal width (cm)": 2.9, "petal length (cm)": 5.6, "petal width (cm)": 1.8}


def realtime_document(trained, name="wine-neural-network"):
    return trained.client.get(f"/api/graphs/{trained.inference_graph(name, 'realtime')}").get_json()["document"]


def files_under(path):
    return sorted(p for p in path.rglob("*") if p.is_file())


def test_models_load_once_and_requests_write_nothing(trained):
    loads = []

    def load(digest):
        loads.append(digest)
        return trained.designer.artifacts.get(digest)

    document = realtime_document(trained)
    endpoint = Endpoint("wine-warm", document, load_artifact=load)
    assert len(loads) == 2  # the network and the normalization, nothing else
    rows = trained.artifact("wine-neural-network", "split", "test").drop(columns=["cultivar"])
    body = {"data": rows.head(3).to_dict(orient="records")}
    before = files_under(trained.designer.artifacts.root)
    for _ in range(20):
        shape, tables = parse_request(body, endpoint)
        assert len(answer(shape, endpoint, endpoint.score(tables))["predictions"]) == 3
    assert len(loads) == 2
    assert files_under(trained.designer.artifacts.root) == before


def test_concurrent_requests_get_the_same_answers(trained):
    endpoint = Endpoint("iris-threads", realtime_document(trained, "iris-classification"),
                        load_artifact=trained.designer.artifacts.get)
    body = {"data": [IRIS_ROW] * 4}
    expected = answer(*_scored(endpoint, body))
    answers, errors = [], []

    def worker():
        try:
            for _ in range(25):
                answers.append(answer(*_scored(endpoint, body)))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(answers) == 200 and all(a == expected for a in answers)


def _scored(endpoint, body):
    shape, tables = parse_request(body, endpoint)
    return shape, endpoint, endpoint.score(tables)


def test_a_realtime_graph_also_runs_as_an_ordinary_graph_on_its_sample_rows(client, trained):
    graph_id = trained.inference_graph("iris-classification", "realtime")
    run_id = client.post(f"/api/graphs/{graph_id}/runs", json={}).get_json()["run_id"]
    run = wait_for_run(client, run_id)
    assert run["status"] == "completed", {n: r["error"] for n, r in run["nodes"].items()}
    scored = trained.designer.artifacts.get(run["nodes"]["score"]["outputs"]["scored_dataset"]["digest"])
    assert len(scored) == 5 and "species" not in scored.columns and "Scored Labels" in scored.columns


def test_a_model_named_only_by_its_registry_entry_is_resolved_at_deploy(client, trained):
    document = copy.deepcopy(realtime_document(trained, "iris-classification"))
    model = next(n for n in document["nodes"] if n["component"] == "trained-model")
    reference = model["params"].pop("registry")
    digest = model["params"].pop("digest")
    model["params"]["registry"] = reference.split(":")[0]  # the newest version
    graph_id = client.post("/api/graphs", json=document).get_json()["id"]
    response = client.post("/api/endpoints", json={"name": "iris-by-registry", "graph_id": graph_id})
    assert response.status_code == 201, response.get_json()
    stored = trained.designer.store.get_endpoint("iris-by-registry")["document"]
    assert next(n for n in stored["nodes"] if n["component"] == "trained-model")["params"]["digest"] == digest
    scored = client.post("/endpoints/iris-by-registry/score", json={"data": [IRIS_ROW]},
                         headers=bearer(response.get_json()["key"]))
    assert scored.status_code == 200

    run = wait_for_run(client, client.post(f"/api/graphs/{graph_id}/runs", json={}).get_json()["run_id"])
    assert run["status"] == "failed" and "registry reference" in run["nodes"][model["id"]]["error"]


def test_deploying_a_graph_whose_model_is_gone_is_refused(client, trained):
    document = copy.deepcopy(realtime_document(trained, "iris-classification"))
    model = next(n for n in document["nodes"] if n["component"] == "trained-model")
    model["params"] = {"digest": "0" * 64}
    graph_id = client.post("/api/graphs", json=document).get_json()["id"]
    response = client.post("/api/endpoints", json={"name": "iris-no-model", "graph_id": graph_id})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "load-failed"
    model["params"] = {"registry": "no-such-model:3"}
    graph_id = client.post("/api/graphs", json=document).get_json()["id"]
    response = client.post("/api/endpoints", json={"name": "iris-no-model", "graph_id": graph_id})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "unknown-model"


def test_an_endpoint_without_web_service_nodes_is_not_servable(trained):
    with pytest.raises(DeploymentError) as refused:
        Endpoint("training", trained.runs["iris-classification"]["document"],
                 load_artifact=trained.designer.artifacts.get)
    assert refused.value.code == "not-realtime-graph"


def test_designer_deploy_prints_url_and_key(trained, capsys):
    graph_id = trained.inference_graph("diabetes-regression", "realtime")
    assert cli(["deploy", graph_id, "--name", "diabetes-cli", "--home", str(trained.home)]) == 0
    lines = dict(line.split(": ", 1) for line in capsys.readouterr().out.strip().splitlines())
    assert lines["url"] == "http://127.0.0.1:8765/endpoints/diabetes-cli/score"
    row = trained.artifact("diabetes-regression", "split", "test").drop(columns=["progression"]).iloc[0].to_dict()
    response = trained.client.post("/endpoints/diabetes-cli/score", json={"data": [row]}, headers=bearer(lines["key"]))
    assert response.status_code == 200 and isinstance(response.get_json()["predictions"][0], float)
    assert cli(["deploy", graph_id, "--name", "diabetes-cli", "--home", str(trained.home)]) == 2
    assert "already exists" in capsys.readouterr().err
