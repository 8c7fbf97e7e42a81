"""`designer serve-endpoint` serves every kind of endpoint `designer serve` does, with its answers, and follows changes.

A registered model with an Azure-ML-style score.py, and an endpoint whose traffic
is split between a real-time graph and that entry script, are served by two
gunicorn workers; each answer must be the in-process server's own, and a traffic
change or a swapped entry script made through the workspace reaches the workers.
"""
from __future__ import annotations

import collections
import io
import time

import joblib
import pytest
import requests
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from serving_support import IRIS_ROW, serve_endpoint_command

pytestmark = pytest.mark.timeout(240)

#: The scikit-learn score.py of Azure ML's "deploy a model" documentation.
SCORE_PY = '''
import json
import os

import joblib
import numpy as np


def init():
    global model
    model = joblib.load(os.path.join(os.getenv("AZUREML_MODEL_DIR"), "model.pkl"))


def run(raw_data):
    data = np.array(json.loads(raw_data)["data"])
    return model.predict(data).tolist()
'''
#: For the split: rows as objects too, as the graph deployment beside it takes them.
ROWS_PY = SCORE_PY.replace('data = np.array(json.loads(raw_data)["data"])',
                           'data = np.array([list(r.values()) if isinstance(r, dict) else r '
                           'for r in json.loads(raw_data)["data"]])')
SWAPPED_PY = SCORE_PY.replace("return model.predict(data).tolist()", 'return {"swapped": model.predict(data).tolist()}')
FEATURES = [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3], [7.7, 3.0, 6.1, 2.3]]


@pytest.fixture(scope="module")
def kinds(home):
    """(entry-script endpoint, split endpoint, the split's key) deployed in the session's home."""
    client = home.client
    X, y = load_iris(return_X_y=True)
    buffer = io.BytesIO()
    joblib.dump(LogisticRegression(max_iter=1000).fit(X, y), buffer)
    uploaded = client.post("/api/models", data={"name": "serve-kinds", "flavor": "sklearn",
                                                "file": (io.BytesIO(buffer.getvalue()), "model.pkl")},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.get_json()
    model = f"serve-kinds:{uploaded.get_json()['version']}"
    script = client.post("/api/endpoints", json={"name": "kinds-script", "model": model, "entry_script": SCORE_PY})
    assert script.status_code == 201, script.get_json()
    split = client.post("/api/endpoints", json={"name": "kinds-split", "graph_id": home.realtime["id"]})
    assert split.status_code == 201, split.get_json()
    added = client.post("/api/endpoints/kinds-split/deployments",
                        json={"name": "green", "model": model, "entry_script": ROWS_PY, "traffic": 50})
    assert added.status_code == 201, added.get_json()
    yield {"script": script.get_json()["key"], "split": split.get_json()["key"], "model": model}
    for name in ("kinds-script", "kinds-split"):
        client.delete(f"/api/endpoints/{name}")


def in_process(home, name: str, body, key: str):
    return home.client.post(f"/endpoints/{name}/score", json=body, headers={"Authorization": f"Bearer {key}"})


def test_an_entry_script_endpoint_answers_as_designer_serve(home, kinds, served):
    server = served(serve_endpoint_command(home.path, "kinds-script", workers=2))
    for body in ({"data": FEATURES}, {"data": FEATURES[:1]}):
        response = server.score("kinds-script", body, kinds["script"])
        expected = in_process(home, "kinds-script", body, kinds["script"])
        assert response.status_code == expected.status_code == 200, response.text
        assert response.json() == expected.get_json() == [0, 1, 2][:len(body["data"])]
    broken = server.score("kinds-script", {"rows": []}, kinds["script"])
    expected = in_process(home, "kinds-script", {"rows": []}, kinds["script"])
    assert broken.status_code == expected.status_code == 400
    assert broken.json()["error"]["code"] == expected.get_json()["error"]["code"] == "scoring-failed"
    assert "KeyError: 'data'" in broken.json()["error"]["details"]["traceback"]
    assert server.score("kinds-script", {"data": FEATURES}, "wrong").status_code == 401
    swagger = requests.get(f"{server.url}/endpoints/kinds-script/swagger.json", timeout=5).json()
    assert swagger == home.client.get("/endpoints/kinds-script/swagger.json").get_json() | {
        "servers": swagger["servers"]}
    assert kinds["model"] in swagger["info"]["title"]


def test_an_entry_script_swapped_through_the_workspace_reaches_every_worker(home, kinds, served):
    server = served(serve_endpoint_command(home.path, "kinds-script", workers=2))
    assert server.score("kinds-script", {"data": FEATURES[:1]}, kinds["script"]).json() == [0]
    swapped = home.client.put("/api/endpoints/kinds-script", json={"model": kinds["model"],
                                                                   "entry_script": SWAPPED_PY})
    assert swapped.status_code == 200, swapped.get_json()
    try:
        answers = _answers_of_both_workers(server, "kinds-script", {"data": FEATURES[:1]}, kinds["script"],
                                           until=lambda r: r.json() == {"swapped": [0]})
        assert all(a["json"] == {"swapped": [0]} for a in answers)
        assert in_process(home, "kinds-script", {"data": FEATURES[:1]}, kinds["script"]).get_json() == \
            {"swapped": [0]}
    finally:
        home.client.put("/api/endpoints/kinds-script", json={"model": kinds["model"], "entry_script": SCORE_PY})


def test_a_traffic_split_answers_with_each_deployments_own_answer_and_follows_a_new_split(home, kinds, served):
    server = served(serve_endpoint_command(home.path, "kinds-split", workers=2))
    body = {"data": [IRIS_ROW]}
    expected, served_by = {}, collections.Counter()
    for _ in range(40):  # what `designer serve` answers, per deployment
        response = in_process(home, "kinds-split", body, kinds["split"])
        assert response.status_code == 200, response.get_json()
        expected.setdefault(response.headers["X-Deployment"], response.get_json())
    assert set(expected) == {"blue", "green"} and expected["green"] == [0]
    assert expected["blue"] == home.in_process(body).get_json()  # the graph deployment answers as the graph
    for _ in range(40):
        response = server.score("kinds-split", body, kinds["split"])
        assert response.status_code == 200, response.text
        served_by[response.headers["X-Deployment"]] += 1
        assert response.json() == expected[response.headers["X-Deployment"]]
    assert served_by["blue"] > 3 and served_by["green"] > 3, served_by
    swagger = requests.get(f"{server.url}/endpoints/kinds-split/swagger.json", timeout=5).json()
    assert swagger == home.client.get("/endpoints/kinds-split/swagger.json").get_json() | {
        "servers": swagger["servers"]}

    moved = home.client.put("/api/endpoints/kinds-split/traffic", json={"blue": 0, "green": 100})
    assert moved.status_code == 200, moved.get_json()
    try:
        answers = _answers_of_both_workers(server, "kinds-split", body, kinds["split"],
                                           until=lambda r: r.headers["X-Deployment"] == "green")
        assert all(a["deployment"] == "green" and a["json"] == expected["green"] for a in answers)
    finally:
        home.client.put("/api/endpoints/kinds-split/traffic", json={"blue": 50, "green": 50})


def _answers_of_both_workers(server, name, body, key, *, until, seconds: float = 30.0) -> list[dict]:
    """Once a change has reached both workers (each answered `until` on a fresh connection), ten more answers."""
    settled, deadline = set(), time.monotonic() + seconds
    while len(settled) < 2:
        assert time.monotonic() < deadline, f"the change did not reach both workers (settled: {settled})"
        response = server.score(name, body, key)
        if until(response):
            settled.add(response.headers["X-Designer-Worker"])
        time.sleep(0.05)
    answers = []
    for _ in range(10):
        response = server.score(name, body, key)
        assert response.status_code == 200, response.text
        answers.append({"worker": response.headers["X-Designer-Worker"], "json": response.json(),
                        "deployment": response.headers.get("X-Deployment")})
    return answers
