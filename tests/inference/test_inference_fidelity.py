"""An inference graph scores exactly as the training run did: same rows in, bit-identical predictions out."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from components.models import ASSIGNMENTS, SCORED_LABELS, SCORED_PROBABILITIES
from inference_support import RAW_TEST_ROWS, bearer

EXAMPLES = sorted(RAW_TEST_ROWS)


def _request_rows(trained, name: str) -> tuple[list[dict], pd.DataFrame]:
    """The raw rows the run scored, minus the label, as a request would send them; and the run's scored table."""
    node, port = RAW_TEST_ROWS[name]
    raw = trained.artifact(name, node, port)
    scored = trained.artifact(name, "score", "scored_dataset")
    label = raw.attrs.get("designer_roles", {}).get("label")
    features = raw.drop(columns=[label]) if label in raw.columns else raw
    return features.to_dict(orient="records"), scored


def _scored_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if c in (SCORED_LABELS, ASSIGNMENTS) or c.startswith(SCORED_PROBABILITIES)]


@pytest.mark.parametrize("name", EXAMPLES)
def test_endpoint_predictions_equal_the_training_runs_scores_exactly(trained, scoring_client, name):
    endpoint, key = trained.endpoint(name)
    rows, scored = _request_rows(trained, name)
    response = scoring_client.post(f"/endpoints/{endpoint}/score", json={"data": rows}, headers=bearer(key))
    assert response.status_code == 200, response.get_json()
    predictions = response.get_json()["predictions"]
    assert len(predictions) == len(scored)
    probability_columns = [c for c in scored.columns if c.startswith(SCORED_PROBABILITIES)]
    if probability_columns:
        assert [p["label"] for p in predictions] == scored[SCORED_LABELS].tolist()
        for column in probability_columns:
            cls = column[len(SCORED_PROBABILITIES):]
            assert [p["probabilities"][cls] for p in predictions] == scored[column].tolist()
    elif SCORED_LABELS in scored.columns:
        assert predictions == scored[SCORED_LABELS].tolist()
    else:
        assert predictions == scored[ASSIGNMENTS].tolist()


@pytest.mark.parametrize("name", ["iris-classification", "diabetes-regression"])
def test_azure_shaped_requests_get_the_scored_rows_back(trained, scoring_client, name):
    endpoint, key = trained.endpoint(name)
    rows, scored = _request_rows(trained, name)
    response = scoring_client.post(f"/endpoints/{endpoint}/score", headers=bearer(key),
                                   json={"Inputs": {"WebServiceInput0": rows}, "GlobalParameters": {}})
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["Results"]["WebServiceOutput0"]
    assert len(results) == len(scored)
    for column in _scored_columns(scored):
        assert [row[column] for row in results] == scored[column].tolist()
    assert {k: v for k, v in results[0].items() if k in rows[0]} == rows[0]


@pytest.mark.parametrize("name", EXAMPLES)
def test_batch_graph_output_equals_the_training_runs_scores(trained, name):
    node, port = RAW_TEST_ROWS[name]
    raw = trained.artifact(name, node, port)
    datastore = trained.designer.home.datastore
    run = trained.run_batch(name, raw, f"{name}-scored.csv")

    expected = trained.artifact(name, "score", "scored_dataset")
    columns = _scored_columns(expected)
    batch_scored = trained.designer.artifacts.get(run["nodes"]["score"]["outputs"]["scored_dataset"]["digest"])
    pd.testing.assert_frame_equal(batch_scored[columns].reset_index(drop=True),
                                  expected[columns].reset_index(drop=True), check_exact=True)
    written = pd.read_csv(datastore / "fidelity" / f"{name}-scored.csv", float_precision="round_trip")
    for column in columns:
        assert written[column].tolist() == expected[column].tolist()


def test_batch_graph_default_dataset_is_the_training_data(trained):
    graph = trained.client.get(f"/api/graphs/{trained.inference_graph('iris-classification', 'batch')}").get_json()
    default = next(p["default"] for p in graph["document"]["parameters"] if p["name"] == "dataset_path")
    exported = pd.read_parquet(trained.designer.home.datastore / default)
    pd.testing.assert_frame_equal(exported, trained.artifact("iris-classification", "iris", "dataset"),
                                  check_exact=True)



#: Examples whose endpoints score small requests on the row path (the wine network normalizes first: tables).
ROW_PATH_EXAMPLES = {"iris-classification", "iris-clustering", "diabetes-regression", "breast-cancer-boosted-tree"}


def _both_paths(trained, endpoint: str, key: str, body) -> tuple:
    """(row path answer, table path answer) of one request, through the one function both servers call."""
    from designer.serving.scoring import score_request

    runtimes = trained.app.extensions["designer.endpoints"]
    raw = json.dumps(body).encode()
    return (score_request(runtimes, endpoint, f"Bearer {key}", raw, rows=True),
            score_request(runtimes, endpoint, f"Bearer {key}", raw, rows=False))


@pytest.mark.parametrize("name", EXAMPLES)
def test_one_row_requests_answer_exactly_as_the_table_path(trained, name):
    from designer.serving.fast_rows import row_path_of

    endpoint, key = trained.endpoint(name)
    rows, _ = _request_rows(trained, name)
    runtimes = trained.app.extensions["designer.endpoints"]
    assert (row_path_of(runtimes.get(endpoint)) is not None) == (name in ROW_PATH_EXAMPLES)
    for row in rows[:: max(1, len(rows) // 15)]:
        for body in ({"data": [row]}, {"Inputs": {"WebServiceInput0": [row]}}):
            fast, table = _both_paths(trained, endpoint, key, body)
            assert fast.status == table.status == 200
            assert fast.body == table.body


@pytest.mark.parametrize("name", sorted(ROW_PATH_EXAMPLES))
def test_small_requests_of_random_rows_answer_exactly_as_the_table_path(trained, name):
    from designer.serving.fast_rows import row_path_of

    endpoint, key = trained.endpoint(name)
    rows, _ = _request_rows(trained, name)
    columns = list(rows[0])
    path = row_path_of(trained.app.extensions["designer.endpoints"].get(endpoint))
    generator = np.random.default_rng(16)
    for size in [1, 2, 3, 7, 16, 33, 64]:
        picked = [rows[i] for i in generator.integers(0, len(rows), size)]
        noisy = [{c: float(v) * float(generator.uniform(0.5, 1.5)) for c, v in row.items()} for row in picked]
        noisy[0][columns[0]] = int(noisy[0][columns[0]])  # integers are numbers too
        fast, table = _both_paths(trained, endpoint, key, {"data": noisy})
        assert fast.status == table.status == 200
        assert fast.body == table.body
        path.score({"WebServiceInput0": noisy})  # the row path answered it (NotForRows would mean a fallback)
