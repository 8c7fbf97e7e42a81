"""The second-wave catalogue keeps the fidelity promise: real-time and batch graphs converted from a run of the
new examples (and of graphs using the other new components) score the run's test rows exactly as it did.

The rows sent are the raw rows of the graph's data source that the run scored: the source table split by the
run's own split-data settings (every step before the split keeps the rows and their order).
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

import components
from components.calling import call_component
from components.models import ANOMALY_PROBABILITY, ASSIGNMENTS, SCORED_LABELS, SCORED_PROBABILITIES
from components.roles import Kind
from designer.server import close_app, create_app
from inference_support import EXAMPLES, Trained, bearer


def _node(i, comp, params=None):
    return {"id": i, "component": comp, "params": params or {}}


def _edges(*links):
    return [{"source": s, "source_port": sp, "target": t, "target_port": tp} for s, sp, t, tp in links]


def _graph(name, nodes, edges):
    return {"format": "designer-graph/1", "name": name, "nodes": nodes, "edges": edges}


REVIEWS = json.loads((EXAMPLES / "text-classification.json").read_text())["nodes"][0]["params"]["data"]

GRAPHS = {
    "iris-prep-svm": _graph("iris prep", [
        _node("src", "sample-dataset", {"name": "iris"}),
        _node("norm", "normalize-data", {"method": "tanh"}),
        _node("clip", "clip-values", {"threshold": "percentile", "upper_percentile": 95.0}),
        _node("bins", "group-data-into-bins", {"binning_mode": "equal-width", "number_of_bins": 3,
                                               "columns": "sepal width (cm)", "tag_columns_as_categorical": False}),
        _node("math", "apply-math-operation", {"function": "Exp", "column_set": "petal length (cm)"}),
        _node("split", "split-data", {"test_fraction": 0.3, "seed": 2, "stratify_column": "species"}),
        _node("svm", "support-vector-machine"), _node("ova", "one-vs-all-multiclass"),
        _node("train", "train-model", {"label_column": "species"}), _node("score", "score-model")],
        _edges(("src", "dataset", "norm", "dataset"), ("norm", "transformed_dataset", "clip", "dataset"),
               ("clip", "results_dataset", "bins", "dataset"), ("bins", "quantized_dataset", "math", "dataset"),
               ("math", "results_dataset", "split", "dataset"), ("split", "train", "train", "dataset"),
               ("svm", "model", "ova", "binary_model"), ("ova", "model", "train", "untrained_model"),
               ("split", "test", "score", "dataset"), ("train", "trained_model", "score", "trained_model"))),
    "reviews-lda-hashing": _graph("reviews topics", [
        _node("src", "enter-data-manually", {"data": REVIEWS}),
        _node("clean", "preprocess-text", {"text_column_to_clean": "review", "use_stemming": True}),
        _node("hash", "feature-hashing", {"target_columns": "review", "hashing_bitsize": 5}),
        _node("lda", "latent-dirichlet-allocation", {"target_columns": "Preprocessed review",
                                                     "number_of_topics_to_model": 3, "n_grams": 1}),
        _node("split", "split-data", {"test_fraction": 0.25, "seed": 1, "stratify_column": "sentiment"}),
        _node("smote", "smote", {"label_column": "sentiment", "number_of_nearest_neighbors": 2}),
        _node("perceptron", "averaged-perceptron"), _node("ovo", "one-vs-one-multiclass"),
        _node("train", "train-model", {"label_column": "sentiment"}), _node("score", "score-model")],
        _edges(("src", "dataset", "clean", "dataset"), ("clean", "results_dataset", "hash", "dataset"),
               ("hash", "transformed_dataset", "lda", "dataset"), ("lda", "transformed_dataset", "split", "dataset"),
               ("split", "train", "smote", "dataset"), ("smote", "table", "train", "dataset"),
               ("perceptron", "model", "ovo", "binary_model"), ("ovo", "model", "train", "untrained_model"),
               ("split", "test", "score", "dataset"), ("train", "trained_model", "score", "trained_model"))),
    "diabetes-quantiles": _graph("diabetes quantiles", [
        _node("src", "sample-dataset", {"name": "diabetes"}),
        _node("sample", "partition-and-sample", {"rate_of_sampling": 0.9, "random_seed": 3}),
        _node("norm", "normalize-data", {"method": "logistic"}),
        _node("split", "split-data", {"test_fraction": 0.2, "seed": 4}),
        _node("forest", "fast-forest-quantile-regression", {"number_of_trees": 10}),
        _node("train", "train-model", {"label_column": "progression"}), _node("score", "score-model")],
        _edges(("src", "dataset", "sample", "dataset"),
               ("sample", "results_dataset", "norm", "dataset"), ("norm", "transformed_dataset", "split", "dataset"),
               ("split", "train", "train", "dataset"), ("forest", "model", "train", "untrained_model"),
               ("split", "test", "score", "dataset"), ("train", "trained_model", "score", "trained_model"))),
    "iris-clusters": _graph("iris clusters", [
        _node("src", "sample-dataset", {"name": "iris"}),
        _node("split", "split-data", {"test_fraction": 0.3, "seed": 8}),
        _node("pick", "select-columns", {"columns": "petal length (cm), petal width (cm)"}),
        _node("same", "select-columns-transform"), _node("apply", "apply-transformation"),
        _node("kmeans", "k-means", {"n_clusters": 3}), _node("train", "train-clustering-model"),
        _node("score", "assign-data-to-clusters")],
        _edges(("src", "dataset", "split", "dataset"), ("split", "train", "pick", "dataset"),
               ("pick", "results_dataset", "same", "dataset"), ("pick", "results_dataset", "train", "dataset"),
               ("kmeans", "model", "train", "untrained_model"),
               ("same", "columns_selection_transformation", "apply", "transformation"),
               ("split", "test", "apply", "dataset"), ("apply", "transformed_dataset", "score", "dataset"),
               ("train", "trained_model", "score", "trained_model"))),
}
for example in ("text-classification", "anomaly-detection", "sql-data-preparation"):
    GRAPHS[example] = json.loads((EXAMPLES / f"{example}.json").read_text())
SCORE_PORT = {"iris-clusters": "results_dataset"}
#: Where the raw rows come from when it is not the source (a row picker before the split keeps raw rows).
RAW_SOURCE = {"diabetes-quantiles": ("sample", "results_dataset")}


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    app = create_app(home=str(tmp_path_factory.mktemp("catalogue-fidelity")))
    state = Trained(app)
    state.train_documents(GRAPHS)
    yield state
    close_app(app)


def _raw_test_rows(graphs, name) -> pd.DataFrame:
    document = GRAPHS[name]
    source = next(n for n in document["nodes"] if n["id"] in ("src", "reviews", "cancer", "diabetes"))
    split = next(n for n in document["nodes"] if n["id"] == "split")
    raw = graphs.artifact(name, *RAW_SOURCE.get(name, (source["id"], "dataset")))
    spec = components.get("split-data")
    return call_component(spec, {"dataset": raw}, split["params"])["test"]


def _scored_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if c in (SCORED_LABELS, ASSIGNMENTS, ANOMALY_PROBABILITY)
            or c.startswith(SCORED_PROBABILITIES) or c.startswith("Quantile_")]


def _expected(graphs, name) -> pd.DataFrame:
    return graphs.artifact(name, "score", SCORE_PORT.get(name, "scored_dataset"))


def test_the_raw_rows_rebuild_what_the_run_scored(graphs):
    """Guards the premise of the other tests: re-splitting the source gives the run's test rows."""
    for name in GRAPHS:
        assert len(_raw_test_rows(graphs, name)) == len(_expected(graphs, name)), name


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_endpoint_scores_equal_the_training_runs(graphs, name):
    endpoint, key = graphs.endpoint(name)
    raw = _raw_test_rows(graphs, name)
    labels = {raw.attrs.get("designer_roles", {}).get("label")} | {
        node["params"].get(p.name) for node in GRAPHS[name]["nodes"]
        for p in components.get(node["component"]).params_of_kind(Kind.LABEL)}
    rows = raw.drop(columns=[c for c in raw.columns if c in labels]).to_dict(orient="records")
    response = graphs.client.post(f"/endpoints/{endpoint}/score", headers=bearer(key),
                                  json={"Inputs": {"WebServiceInput0": rows}, "GlobalParameters": {}})
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["Results"]["WebServiceOutput0"]
    expected = _expected(graphs, name)
    assert len(results) == len(expected)
    for column in _scored_columns(expected):
        assert [row[column] for row in results] == expected[column].tolist(), column


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_batch_graph_scores_equal_the_training_runs(graphs, name):
    run = graphs.run_batch(name, _raw_test_rows(graphs, name), f"{name}-scored.parquet")
    expected = _expected(graphs, name)
    columns = _scored_columns(expected)
    port = SCORE_PORT.get(name, "scored_dataset")
    batch = graphs.designer.artifacts.get(run["nodes"]["score"]["outputs"][port]["digest"])
    pd.testing.assert_frame_equal(batch[columns].reset_index(drop=True), expected[columns].reset_index(drop=True),
                                  check_exact=True)
