"""An image classifier's inference graphs score exactly as its training run did (pixel rows in, classes out)."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from components.models import SCORED_LABELS, SCORED_PROBABILITIES
from inference_support import EXAMPLES, bearer, wait_for_run


@pytest.fixture(scope="module")
def digits(trained):
    """The digits CNN example trained briefly (one epoch on a tenth of the images) in the session's home."""
    client = trained.client
    document = json.loads((EXAMPLES / "digits-cnn.json").read_text())
    graph_id = client.post("/api/graphs", json=document).get_json()["id"]
    response = client.post(f"/api/graphs/{graph_id}/runs", json={"parameters": {"epochs": 1, "test_fraction": 0.9}})
    run = wait_for_run(client, response.get_json()["run_id"])
    assert run["status"] == "completed", {n: r["error"] for n, r in run["nodes"].items()}
    designer = trained.designer
    scored = designer.artifacts.get(run["nodes"]["score"]["outputs"]["scored_dataset"]["digest"])
    table = designer.artifacts.get(run["nodes"]["digits"]["outputs"]["dataset"]["digest"])
    # convert-to-image-directory names image i of the table "<class>/<i>.png": the scored images' rows, in order.
    rows = [int(re.search(r"(\d+)\.png$", name).group(1)) for name in scored["image"]]
    raw = table.iloc[rows].reset_index(drop=True)
    return {"graph_id": graph_id, "run": run, "scored": scored, "raw": raw}


def test_digits_endpoint_predictions_equal_the_training_runs_scores(client, digits):
    made = client.post(f"/api/graphs/{digits['graph_id']}/inference-graph", json={"kind": "realtime"})
    assert made.status_code == 201, made.get_json()
    deployed = client.post("/api/endpoints", json={"name": "digits-cnn", "graph_id": made.get_json()["graph_id"]})
    assert deployed.status_code == 201, deployed.get_json()
    rows = digits["raw"].drop(columns=["digit"]).to_dict(orient="records")
    response = client.post("/endpoints/digits-cnn/score", json={"data": rows},
                           headers=bearer(deployed.get_json()["key"]))
    assert response.status_code == 200, response.get_json()
    predictions = response.get_json()["predictions"]
    scored = digits["scored"]
    assert [p["label"] for p in predictions] == scored[SCORED_LABELS].tolist()
    for column in [c for c in scored.columns if c.startswith(SCORED_PROBABILITIES)]:
        cls = column[len(SCORED_PROBABILITIES):]
        assert [p["probabilities"][cls] for p in predictions] == scored[column].tolist()


def test_digits_batch_graph_equals_the_training_runs_scores(client, trained, digits):
    made = client.post(f"/api/graphs/{digits['graph_id']}/inference-graph", json={"kind": "batch"}).get_json()
    digits["raw"].to_parquet(trained.designer.home.datastore / "digits-test.parquet")
    response = client.post(f"/api/graphs/{made['graph_id']}/runs", json={"parameters": {
        "dataset_path": "digits-test.parquet", "output_path": "digits-scored.parquet"}})
    run = wait_for_run(client, response.get_json()["run_id"])
    assert run["status"] == "completed", {n: r["error"] for n, r in run["nodes"].items()}
    batch = pd.read_parquet(trained.designer.home.datastore / "digits-scored.parquet")
    scored = digits["scored"]
    columns = [c for c in scored.columns if c == SCORED_LABELS or c.startswith(SCORED_PROBABILITIES)]
    pd.testing.assert_frame_equal(batch[columns], scored[columns].reset_index(drop=True), check_exact=True)
