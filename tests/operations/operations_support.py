"""Helpers for the operations tests: a settable clock, waiting for runs, training and deploying iris."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from pathlib import Path
from api_calls import bearer, wait_for_run  # noqa: F401  (the folder's tests import them from here)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class FakeClock:
    """A UTC clock that moves only when told to."""

    def __init__(self, start: datetime):
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self.now += timedelta(seconds=seconds)
            return self.now


def iris_document(C: float | None = None) -> dict:
    document = json.loads((EXAMPLES / "iris-classification.json").read_text())
    if C is not None:
        next(n for n in document["nodes"] if n["id"] == "algo")["params"]["C"] = C
    return document


def train_and_deploy(client, name: str, C: float | None = None) -> dict:
    """Train iris (C sets how well), make its real-time graph and deploy it as endpoint `name`."""
    graph_id = client.post("/api/graphs", json=iris_document(C)).get_json()["id"]
    run_id = client.post(f"/api/graphs/{graph_id}/runs", json={}).get_json()["run_id"]
    run = wait_for_run(client, run_id)
    assert run["status"] == "completed", run
    made = client.post(f"/api/graphs/{graph_id}/inference-graph", json={"kind": "realtime", "run_id": run_id})
    assert made.status_code == 201, made.get_json()
    deployed = client.post("/api/endpoints", json={"name": name, "graph_id": made.get_json()["graph_id"]})
    assert deployed.status_code == 201, deployed.get_json()
    return {"graph_id": graph_id, "run_id": run_id, "run": run, "key": deployed.get_json()["key"], "name": name}


