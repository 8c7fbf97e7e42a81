"""Endpoints that outlive a model: Azure-ML-style score.py deployments and swaps under load with zero failures."""
from __future__ import annotations

import threading
import time

import pytest

from workspace_support import AZURE_DOCS_SCORE_PY, bearer, deploy

IRIS_ROW = {"sepal length (cm)": 5.1, "sepal width (cm)": 3.5, "petal length (cm)": 1.4, "petal width (cm)": 0.2}

FAILING_INIT = '''
def init():
    raise RuntimeError("the model file is missing")


def run(raw_data):
    return []
'''


def test_an_azure_ml_docs_score_py_serves_a_registered_model_unchanged(client, iris_model):
    model, X = iris_model
    deployed = deploy(client, "azure-docs", model, AZURE_DOCS_SCORE_PY)
    assert deployed["deployment"] == {"kind": "entry-script", "model": model}
    response = client.post("/endpoints/azure-docs/score", json={"data": X[[0, 60, 120]].tolist()},
                           headers=bearer(deployed["key"]))
    assert response.status_code == 200 and response.get_json() == [0, 1, 2]
    assert client.post("/endpoints/azure-docs/score", json={"data": []}).status_code == 401
    assert client.get("/api/endpoints/azure-docs").get_json()["deployment"]["model"] == model
    client.delete("/api/endpoints/azure-docs")


def test_a_script_failing_in_init_is_a_400_with_its_traceback_and_nothing_is_deployed(client, iris_model):
    response = client.post("/api/endpoints", json={"name": "broken-init", "model": iris_model[0],
                                                   "entry_script": FAILING_INIT})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "init-failed" and "the model file is missing" in error["message"]
    assert "line 3, in init" in error["details"]["traceback"]
    assert client.get("/api/endpoints/broken-init").status_code == 404


def test_a_failing_init_on_redeploy_keeps_the_old_deployment_serving(client, iris_model):
    model, X = iris_model
    key = deploy(client, "keeps-serving", model, AZURE_DOCS_SCORE_PY)["key"]
    refused = client.put("/api/endpoints/keeps-serving", json={"model": model, "entry_script": FAILING_INIT})
    assert refused.status_code == 400 and "the model file is missing" in refused.get_json()["error"]["message"]
    response = client.post("/endpoints/keeps-serving/score", json={"data": X[:2].tolist()}, headers=bearer(key))
    assert response.status_code == 200 and response.get_json() == [0, 0]
    client.delete("/api/endpoints/keeps-serving")


def test_an_error_in_run_is_a_400_with_the_scripts_traceback(client, iris_model):
    model, _ = iris_model
    key = deploy(client, "bad-rows", model, AZURE_DOCS_SCORE_PY)["key"]
    response = client.post("/endpoints/bad-rows/score", json={"rows": []}, headers=bearer(key))
    assert response.status_code == 400
    assert "KeyError: 'data'" in response.get_json()["error"]["message"]
    client.delete("/api/endpoints/bad-rows")


@pytest.mark.parametrize("body, status", [
    ({"name": "x-1", "model": "never-registered:1", "entry_script": AZURE_DOCS_SCORE_PY}, 404),
    ({"name": "x-2", "model": "iris-logistic:1", "entry_script": ""}, 400),
    ({"name": "x-4", "model": "bad:ref:x", "entry_script": AZURE_DOCS_SCORE_PY}, 400),
    ({"name": "x-5", "model": 3, "entry_script": AZURE_DOCS_SCORE_PY}, 400),
])
def test_deploying_a_model_refuses_bad_input(client, iris_model, body, status):
    assert client.post("/api/endpoints", json=body).status_code == status


def test_a_model_deployed_without_a_script_gets_the_default_one_for_its_flavor(workspace, iris_model):
    client = workspace.client
    model, X = iris_model
    key = client.post("/api/endpoints", json={"name": "default-sklearn", "model": model}).get_json()["key"]
    response = client.post("/endpoints/default-sklearn/score", json={"data": X[[0, 120]].tolist()}, headers=bearer(key))
    assert response.status_code == 200 and response.get_json() == {"predictions": [0, 2]}
    registered = client.post("/api/models", json={"name": "iris-trained", "run_id": workspace.runs["iris"],
                                                  "node": "train"}).get_json()
    deployed = client.post("/api/endpoints", json={"name": "default-designer",
                                                   "model": f"iris-trained:{registered['version']}"})
    assert deployed.status_code == 201, deployed.get_json()
    response = client.post("/endpoints/default-designer/score", json={"data": [IRIS_ROW]},
                           headers=bearer(deployed.get_json()["key"]))
    assert response.status_code == 200
    assert response.get_json()["predictions"][0]["Scored Labels"] == "setosa"
    for name in ("default-sklearn", "default-designer"):
        client.delete(f"/api/endpoints/{name}")


def test_swapping_an_unknown_endpoint_is_404_and_a_swap_without_a_target_is_400(client, iris_model):
    missing = client.put("/api/endpoints/never-deployed", json={"model": iris_model[0],
                                                                "entry_script": AZURE_DOCS_SCORE_PY})
    assert missing.status_code == 404 and "never-deployed" in missing.get_json()["error"]["message"]
    deploy(client, "swap-refusals", iris_model[0], AZURE_DOCS_SCORE_PY)
    assert client.put("/api/endpoints/swap-refusals", json={}).status_code == 400
    assert client.put("/api/endpoints/swap-refusals", json={"colour": "blue"}).status_code == 400
    assert client.put("/api/endpoints/swap-refusals", json={"graph_id": "0" * 32}).status_code == 404
    client.delete("/api/endpoints/swap-refusals")


def hammer(app, name, key, body, stop: threading.Event, results: list):
    client = app.test_client()
    while not stop.is_set():
        response = client.post(f"/endpoints/{name}/score", json=body, headers=bearer(key))
        results.append((response.status_code, response.get_json()))


def swap_under_load(app, name, key, body, swaps):
    stop, results = threading.Event(), []
    thread = threading.Thread(target=hammer, args=(app, name, key, body, stop, results))
    thread.start()
    try:
        time.sleep(0.2)
        for swap in swaps:
            response = app.test_client().put(f"/api/endpoints/{name}", json=swap)
            assert response.status_code == 200, response.get_json()
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join()
    return results


def test_swapping_the_entry_script_under_load_fails_no_request(workspace, iris_model):
    model, X = iris_model
    key = deploy(workspace.client, "hot-swap", model, AZURE_DOCS_SCORE_PY)["key"]
    wrapped = AZURE_DOCS_SCORE_PY.replace("return y_hat.tolist()", 'return {"labels": y_hat.tolist()}')
    swaps = [{"model": model, "entry_script": script} for script in (wrapped, AZURE_DOCS_SCORE_PY, wrapped)]
    results = swap_under_load(workspace.app, "hot-swap", key, {"data": X[:1].tolist()}, swaps)
    failures = [r for r in results if r[0] != 200]
    assert len(results) > 20 and failures == []
    assert {repr(body) for _, body in results} == {"[0]", "{'labels': [0]}"}
    after = workspace.client.post("/endpoints/hot-swap/score", json={"data": X[:1].tolist()}, headers=bearer(key))
    assert after.get_json() == {"labels": [0]}
    workspace.client.delete("/api/endpoints/hot-swap")


def test_swapping_the_served_graph_under_load_keeps_url_and_key_and_fails_no_request(workspace):
    client = workspace.client
    graphs = []
    for _ in range(2):
        response = client.post(f"/api/graphs/{workspace.graphs['iris']}/inference-graph",
                               json={"kind": "realtime", "run_id": workspace.runs["iris"]})
        assert response.status_code == 201, response.get_json()
        graphs.append(response.get_json()["graph_id"])
    deployed = client.post("/api/endpoints", json={"name": "graph-swap", "graph_id": graphs[0]}).get_json()
    results = swap_under_load(workspace.app, "graph-swap", deployed["key"], {"data": [IRIS_ROW]},
                              [{"graph_id": graphs[1]}, {"graph_id": graphs[0]}, {"graph_id": graphs[1]}])
    assert len(results) > 20 and [r for r in results if r[0] != 200] == []
    shown = client.get("/api/endpoints/graph-swap").get_json()
    assert shown["graph_id"] == graphs[1] and shown["url"] == deployed["url"]
    assert client.post("/endpoints/graph-swap/score", json={"data": [IRIS_ROW]},
                       headers=bearer(deployed["key"])).status_code == 200


def test_a_run_that_never_answers_is_stopped_and_the_next_request_gets_a_fresh_process(client, iris_model, monkeypatch):
    from designer.serving import entry_script

    monkeypatch.setattr(entry_script, "RUN_TIMEOUT", 1)
    hanging = AZURE_DOCS_SCORE_PY.replace("def run(raw_data):", "def run(raw_data):\n    if 'hang' in raw_data:\n"
                                          "        import time\n        time.sleep(30)")
    key = deploy(client, "hangs", iris_model[0], hanging)["key"]
    stuck = client.post("/endpoints/hangs/score", json={"data": [], "hang": True}, headers=bearer(key))
    assert stuck.status_code == 504 and "did not answer within 1 seconds" in stuck.get_json()["error"]["message"]
    model, X = iris_model
    fine = client.post("/endpoints/hangs/score", json={"data": X[:1].tolist()}, headers=bearer(key))
    assert fine.status_code == 200 and fine.get_json() == [0]
    client.delete("/api/endpoints/hangs")


def test_the_azure_docs_score_py_also_serves_a_model_trained_in_a_run(workspace):
    client = workspace.client
    registered = client.post("/api/models", json={"name": "iris-run-model", "run_id": workspace.runs["iris"],
                                                  "node": "train"}).get_json()
    key = deploy(client, "azure-docs-run", f"iris-run-model:{registered['version']}", AZURE_DOCS_SCORE_PY)["key"]
    response = client.post("/endpoints/azure-docs-run/score", json={"data": [list(IRIS_ROW.values())]},
                           headers=bearer(key))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == [0]  # the bare estimator answers class codes, in the order of model.json "classes"
    client.delete("/api/endpoints/azure-docs-run")


def test_a_server_started_without_python_scripts_refuses_a_score_py_but_serves_the_built_in_one(workspace, iris_model):
    """`designer serve --no-python-script` turns off users' code: a score.py is users' code too."""
    model, X = iris_model
    app = workspace.client.application
    app.config["DESIGNER_PYTHON_SCRIPT"] = False
    try:
        refused = workspace.client.post("/api/endpoints", json={"name": "no-scripts", "model": model,
                                                                "entry_script": AZURE_DOCS_SCORE_PY})
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "scripts-turned-off"
        assert workspace.client.get("/api/endpoints/no-scripts").status_code == 404
        built_in = workspace.client.post("/api/endpoints", json={"name": "no-scripts", "model": model})
        assert built_in.status_code == 201
        swap = workspace.client.put("/api/endpoints/no-scripts", json={"model": model, "entry_script": AZURE_DOCS_SCORE_PY})
        assert swap.status_code == 403
        response = workspace.client.post("/endpoints/no-scripts/score", json={"data": X[[0]].tolist()},
                                         headers=bearer(built_in.get_json()["key"]))
        assert response.status_code == 200 and response.get_json() == {"predictions": [0]}
    finally:
        app.config["DESIGNER_PYTHON_SCRIPT"] = True
        workspace.client.delete("/api/endpoints/no-scripts")
