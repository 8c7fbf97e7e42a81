"""Helpers for the inference tests: the examples' raw test rows, waiting for runs, keys, the trained session home."""
from __future__ import annotations

import json
from pathlib import Path
from api_calls import bearer, wait_for_run  # noqa: F401  (the folder's tests import them from here)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: example file → (node, port) holding the raw rows its score node scored (before any transformation).
RAW_TEST_ROWS = {
    "iris-classification": ("split", "test"),
    "wine-neural-network": ("split", "test"),
    "breast-cancer-boosted-tree": ("split", "test"),
    "diabetes-regression": ("split", "test"),
    "iris-clustering": ("iris", "dataset"),
}


class Trained:
    """The session's home: an app, its client, and each example's graph id and completed run."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.designer = app.extensions["designer"]
        self.graphs: dict[str, str] = {}
        self.runs: dict[str, dict] = {}
        self._inference: dict[tuple, str] = {}
        self._endpoints: dict[str, str] = {}

    def train(self, names) -> None:
        self.train_documents({name: json.loads((EXAMPLES / f"{name}.json").read_text()) for name in names})

    def train_documents(self, documents: dict) -> None:
        """Create and run each graph document (name → document), all runs started before any is awaited."""
        started = {}
        for name, document in documents.items():
            graph_id = self.client.post("/api/graphs", json=document).get_json()["id"]
            response = self.client.post(f"/api/graphs/{graph_id}/runs", json={})
            assert response.status_code == 202, response.get_json()
            self.graphs[name] = graph_id
            started[name] = response.get_json()["run_id"]
        for name, run_id in started.items():
            run = wait_for_run(self.client, run_id)
            assert run["status"] == "completed", (name, {n: r.get("error") for n, r in run["nodes"].items()})
            self.runs[name] = self.designer.store.get_run(run_id)

    def inference_graph(self, name: str, kind: str) -> str:
        """The id of the (cached per session) inference graph of example `name`."""
        if (name, kind) not in self._inference:
            response = self.client.post(f"/api/graphs/{self.graphs[name]}/inference-graph",
                                        json={"kind": kind, "run_id": self.runs[name]["run_id"]})
            assert response.status_code == 201, response.get_json()
            self._inference[(name, kind)] = response.get_json()["graph_id"]
        return self._inference[(name, kind)]

    def endpoint(self, name: str) -> tuple[str, str]:
        """(endpoint name, key) of the example's deployed real-time graph."""
        if name not in self._endpoints:
            response = self.client.post("/api/endpoints", json={"name": f"{name}-ep",
                                                                "graph_id": self.inference_graph(name, "realtime")})
            assert response.status_code == 201, response.get_json()
            self._endpoints[name] = response.get_json()["key"]
        return f"{name}-ep", self._endpoints[name]

    def run_batch(self, name: str, rows, output: str) -> dict:
        """Run example `name`'s batch graph on `rows` (written to the datastore) writing `output`; the run record."""
        datastore = self.designer.home.datastore
        (datastore / "fidelity").mkdir(exist_ok=True)
        rows.to_parquet(datastore / "fidelity" / f"{name}.parquet")
        response = self.client.post(f"/api/graphs/{self.inference_graph(name, 'batch')}/runs", json={"parameters": {
            "dataset_path": f"fidelity/{name}.parquet", "output_path": f"fidelity/{output}"}})
        assert response.status_code == 202, response.get_json()
        run = wait_for_run(self.client, response.get_json()["run_id"])
        assert run["status"] == "completed", {n: r["error"] for n, r in run["nodes"].items()}
        return run

    def artifact(self, name: str, node: str, port: str):
        digest = self.runs[name]["nodes"][node]["outputs"][port]["digest"]
        return self.designer.artifacts.get(digest)


