"""Tune Model Hyperparameters and Cross Validate Model in a pipeline: they run, and the tuned model becomes
the inference pipeline's frozen model (both are training-only)."""
from __future__ import annotations

import time

TUNING = {"format": "designer-graph/1", "name": "tuned iris", "nodes": [
    {"id": "iris", "component": "sample-dataset", "params": {"name": "iris"}},
    {"id": "split", "component": "split-data", "params": {"test_fraction": 0.3, "seed": 1}},
    {"id": "lr", "component": "logistic-regression", "params": {}},
    {"id": "tune", "component": "tune-model-hyperparameters",
     "params": {"label_column": "species", "search_space": "C=loguniform(0.01, 10)", "max_trials": 3}},
    {"id": "cv", "component": "cross-validate-model", "params": {"label_column": "species", "folds": 3}},
    {"id": "score", "component": "score-model", "params": {}},
    {"id": "eval", "component": "evaluate-model", "params": {}}],
    "edges": [
        {"source": "iris", "source_port": "dataset", "target": "split", "target_port": "dataset"},
        {"source": "split", "source_port": "train", "target": "tune", "target_port": "training_dataset"},
        {"source": "lr", "source_port": "model", "target": "tune", "target_port": "untrained_model"},
        {"source": "lr", "source_port": "model", "target": "cv", "target_port": "untrained_model"},
        {"source": "split", "source_port": "train", "target": "cv", "target_port": "dataset"},
        {"source": "split", "source_port": "test", "target": "score", "target_port": "dataset"},
        {"source": "tune", "source_port": "trained_best_model", "target": "score", "target_port": "trained_model"},
        {"source": "score", "source_port": "scored_dataset", "target": "eval", "target_port": "scored_dataset"}]}


def test_a_tuned_model_is_frozen_into_the_inference_pipeline(client):
    graph_id = client.post("/api/graphs", json=TUNING).json["id"]
    run_id = client.post(f"/api/graphs/{graph_id}/runs", json={}).json["run_id"]
    deadline = time.monotonic() + 120
    while (run := client.get(f"/api/runs/{run_id}").json)["status"] not in ("completed", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert run["status"] == "completed", run
    assert run["nodes"]["eval"]["metrics"]["accuracy"] > 0.85
    results = client.get(f"/api/runs/{run_id}/nodes/tune/outputs/sweep_results").json
    assert results["table"]["total_rows"] == 3 and {"trial", "C", "accuracy"} <= set(results["table"]["columns"])
    made = client.post(f"/api/graphs/{graph_id}/inference-graph", json={"kind": "realtime", "run_id": run_id})
    assert made.status_code == 201, made.json
    nodes = client.get(f"/api/graphs/{made.json['id']}").json["document"]["nodes"]
    components = {n["component"] for n in nodes}
    assert "trained-model" in components and "score-model" in components
    assert not components & {"tune-model-hyperparameters", "cross-validate-model", "evaluate-model"}
