"""Helpers for the workspace tests: the examples, tiny wine networks, waiting for runs, the trained session home."""
from __future__ import annotations

import json
from pathlib import Path
import api_calls
from api_calls import bearer  # noqa: F401  (the folder's tests import them from here)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RUN_TIMEOUT = 180


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


def wine_document(epochs: int, learning_rate: float = 0.01) -> dict:
    document = example("wine-neural-network")
    for node in document["nodes"]:
        if node["id"] == "nn":
            node["params"].update(epochs=epochs, learning_rate=learning_rate)
    return document


def wait_for_run(client, run_id: str, timeout: float = RUN_TIMEOUT) -> dict:
    return api_calls.wait_for_run(client, run_id, timeout)


class Workspace:
    """The session's home: its client, graphs and completed runs by name."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.designer = app.extensions["designer"]
        self.graphs: dict[str, str] = {}
        self.runs: dict[str, str] = {}

    def run(self, key: str, document: dict, **options) -> str:
        graph_id = self.client.post("/api/graphs", json=document).get_json()["id"]
        response = self.client.post(f"/api/graphs/{graph_id}/runs", json=options)
        assert response.status_code == 202, response.get_json()
        run_id = response.get_json()["run_id"]
        run = wait_for_run(self.client, run_id)
        assert run["status"] == "completed", {n: r.get("error") for n, r in run["nodes"].items()}
        self.graphs[key], self.runs[key] = graph_id, run_id
        return run_id


#: The scikit-learn score.py of Azure ML's "deploy a model" documentation, unchanged but for the file name.
AZURE_DOCS_SCORE_PY = '''
import json
import numpy as np
import os
import joblib


def init():
    global model
    # AZUREML_MODEL_DIR is an environment variable created during deployment.
    # It is the path to the model folder (./azureml-models/$MODEL_NAME/$VERSION)
    model_path = os.path.join(os.getenv("AZUREML_MODEL_DIR"), "model.pkl")
    # deserialize the model file back into a sklearn model
    model = joblib.load(model_path)


def run(raw_data):
    data = np.array(json.loads(raw_data)["data"])
    # make prediction
    y_hat = model.predict(data)
    # you can return any data type as long as it is JSON-serializable
    return y_hat.tolist()
'''


def deploy(client, name, model, script):
    response = client.post("/api/endpoints", json={"name": name, "model": model, "entry_script": script})
    assert response.status_code == 201, response.get_json()
    return response.get_json()
