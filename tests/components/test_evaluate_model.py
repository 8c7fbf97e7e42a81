"""Evaluate Model: every number equals sklearn.metrics on the same arrays, in the Metrics shape the UI reads."""
import json

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from components.ports import with_roles
from components.spec import ComponentError


def scored_classification(classes, rows, seed=0, label="truth", accuracy=0.7):
    """A scored table like Score Model's: true labels, predictions and probabilities that mostly agree."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(classes, size=rows)
    logits = rng.normal(size=(rows, len(classes)))
    logits[np.arange(rows), [classes.index(t) for t in truth]] += 2.0 * accuracy
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    frame = pd.DataFrame({"x": rng.normal(size=rows), label: truth})
    frame["Scored Labels"] = np.array(classes, dtype=object)[probabilities.argmax(axis=1)]
    for index, cls in enumerate(classes):
        frame[f"Scored Probabilities_{cls}"] = probabilities[:, index]
    return with_roles(frame, label=label, score={"task": "classification", "label": label, "classes": classes})


def scored_regression(rows, seed=0):
    rng = np.random.default_rng(seed)
    actual = rng.normal(50, 10, size=rows)
    frame = pd.DataFrame({"x": rng.normal(size=rows), "y": actual, "Scored Labels": actual + rng.normal(0, 3, rows)})
    return with_roles(frame, label="y", score={"task": "regression", "label": "y", "classes": None})


def evaluate(run_component, scored, compare=None):
    return run_component("evaluate-model", {"scored_dataset": scored,
                                            "scored_dataset_to_compare": compare})["metrics"]


def test_evaluate_model_is_training_only_with_an_optional_compare_input():
    import components

    spec = components.get("evaluate-model")
    assert spec.training_only and spec.outputs["metrics"].name == "Metrics"
    assert not spec.inputs["scored_dataset"].optional and spec.inputs["scored_dataset_to_compare"].optional


def test_binary_classification_metrics_equal_sklearn(run_component, ctx):
    scored = scored_classification(["benign", "malignant"], 1500)
    result = evaluate(run_component, scored)
    truth, predicted = scored["truth"], scored["Scored Labels"]
    positive = scored["Scored Probabilities_malignant"]
    expected = {
        "accuracy": skm.accuracy_score(truth, predicted),
        "precision": skm.precision_score(truth, predicted, pos_label="malignant"),
        "recall": skm.recall_score(truth, predicted, pos_label="malignant"),
        "f1": skm.f1_score(truth, predicted, pos_label="malignant"),
        "log_loss": skm.log_loss(truth, scored[["Scored Probabilities_benign", "Scored Probabilities_malignant"]]),
        "auc": skm.roc_auc_score(truth == "malignant", positive),
    }
    assert result["task"] == "classification"
    assert result["metrics"] == pytest.approx(expected, rel=1e-12)
    assert set(result) == {"task", "metrics", "charts"}

    roc = result["charts"]["roc"]
    assert len(roc["fpr"]) == len(roc["tpr"]) <= 200
    fpr, tpr, _ = skm.roc_curve(truth, positive, pos_label="malignant")
    assert len(fpr) > 200  # the full curve was thinned
    assert (roc["fpr"][0], roc["tpr"][0], roc["fpr"][-1], roc["tpr"][-1]) == (0.0, 0.0, 1.0, 1.0)
    assert roc["auc"] == pytest.approx(expected["auc"])

    matrix = result["charts"]["confusion_matrix"]
    assert matrix["labels"] == ["benign", "malignant"]
    assert matrix["matrix"] == skm.confusion_matrix(truth, predicted, labels=["benign", "malignant"]).tolist()
    assert [row["support"] for row in result["charts"]["per_class"]] == [(truth == c).sum() for c in matrix["labels"]]
    assert ("node.metrics", result["metrics"]) in ctx.events
    json.dumps(result, allow_nan=False)


def test_multiclass_metrics_are_macro_averaged_with_one_vs_rest_auc(run_component):
    classes = ["setosa", "versicolor", "virginica"]
    scored = scored_classification(classes, 300, seed=1)
    result = evaluate(run_component, scored)
    truth, predicted = scored["truth"], scored["Scored Labels"]
    probabilities = scored[[f"Scored Probabilities_{c}" for c in classes]].to_numpy()
    assert result["metrics"] == pytest.approx({
        "accuracy": skm.accuracy_score(truth, predicted),
        "precision": skm.precision_score(truth, predicted, average="macro"),
        "recall": skm.recall_score(truth, predicted, average="macro"),
        "f1": skm.f1_score(truth, predicted, average="macro"),
        "log_loss": skm.log_loss(truth, probabilities, labels=classes),
        "auc": skm.roc_auc_score(truth, probabilities, multi_class="ovr", average="macro", labels=classes),
    }, rel=1e-12)
    per_class_roc = result["charts"]["roc"]["per_class"]
    assert set(per_class_roc) == set(classes)
    assert per_class_roc["virginica"]["auc"] == pytest.approx(
        skm.roc_auc_score(truth == "virginica", probabilities[:, 2]))
    precision, recall, f1, support = skm.precision_recall_fscore_support(truth, predicted, labels=classes)
    assert result["charts"]["per_class"][1] == pytest.approx(
        {"label": "versicolor", "precision": precision[1], "recall": recall[1], "f1": f1[1], "support": support[1]})


def test_many_classes_add_top_k_accuracy(run_component):
    classes = list(range(10))
    scored = scored_classification(classes, 500, seed=2, accuracy=0.3)
    result = evaluate(run_component, scored)
    probabilities = scored[[f"Scored Probabilities_{c}" for c in classes]].to_numpy()
    for k in (3, 5):
        assert result["metrics"][f"top_{k}_accuracy"] == pytest.approx(
            skm.top_k_accuracy_score(scored["truth"], probabilities, k=k, labels=classes))
    assert result["charts"]["confusion_matrix"]["labels"] == classes
    assert "top_3_accuracy" not in evaluate(run_component, scored_classification(["a", "b", "c"], 50))["metrics"]


def test_regression_metrics_equal_sklearn_and_residuals_are_capped(run_component):
    scored = scored_regression(2500)
    result = evaluate(run_component, scored)
    actual, predicted = scored["y"], scored["Scored Labels"]
    assert result["task"] == "regression"
    assert result["metrics"] == pytest.approx({
        "mae": skm.mean_absolute_error(actual, predicted),
        "mse": skm.mean_squared_error(actual, predicted),
        "rmse": skm.root_mean_squared_error(actual, predicted),
        "r2": skm.r2_score(actual, predicted),
    }, rel=1e-12)
    residuals = result["charts"]["residuals"]
    assert len(residuals["actual"]) == len(residuals["predicted"]) == 1000
    assert residuals["actual"][0] == actual.iloc[0] and residuals["predicted"][-1] == predicted.iloc[-1]


def test_clustering_metrics_use_the_numeric_features(run_component):
    rng = np.random.default_rng(3)
    points = np.vstack([rng.normal(c, 0.5, size=(40, 2)) for c in (0, 5, 10)])
    assignments = np.repeat([0, 1, 2], 40)
    frame = pd.DataFrame({"a": points[:, 0], "b": points[:, 1], "name": "row", "Assignments": assignments})
    frame = with_roles(frame, score={"task": "clustering", "label": None, "classes": None})
    result = evaluate(run_component, frame)
    inertia = sum(((points[assignments == k] - points[assignments == k].mean(axis=0)) ** 2).sum() for k in range(3))
    assert result["task"] == "clustering"
    assert result["metrics"] == pytest.approx({"inertia": inertia, "n_clusters": 3,
                                               "silhouette": skm.silhouette_score(points, assignments)})


def test_compare_input_adds_the_second_evaluation(run_component):
    first = scored_classification(["no", "yes"], 200, seed=4)
    second = scored_classification(["no", "yes"], 200, seed=5, accuracy=1.5)
    result = evaluate(run_component, first, second)
    assert set(result) == {"task", "metrics", "charts", "compare"}
    assert set(result["compare"]) == {"task", "metrics", "charts"}
    assert result["compare"] == evaluate(run_component, second)
    assert result["metrics"] == evaluate(run_component, first)["metrics"]
    assert result["compare"]["metrics"]["accuracy"] > result["metrics"]["accuracy"]


def test_tables_without_roles_are_recognised_by_their_scored_columns(run_component):
    classification = scored_classification(["a", "b", "c"], 100, label="truth")
    classification.attrs = {}
    with pytest.raises(ComponentError, match="which column holds"):
        evaluate(run_component, classification)
    result = evaluate(run_component, with_roles(classification, label="truth"))
    assert result["task"] == "classification" and "auc" in result["metrics"]

    regression = scored_regression(50)
    regression.attrs = {}
    assert evaluate(run_component, with_roles(regression, label="y"))["task"] == "regression"

    clusters = pd.DataFrame({"a": [0.0, 0.1, 5.0, 5.1], "Assignments": [0, 0, 1, 1]})
    assert evaluate(run_component, clusters)["metrics"]["n_clusters"] == 2


def test_numeric_classes_match_their_probability_columns_without_roles(run_component):
    scored = scored_classification([0, 1], 100)
    scored.attrs = {}
    result = evaluate(run_component, with_roles(scored, label="truth"))
    assert result["metrics"]["auc"] == pytest.approx(skm.roc_auc_score(scored["truth"],
                                                                       scored["Scored Probabilities_1"]))


def test_labels_unseen_in_training_are_counted_but_skip_probability_metrics(run_component, ctx):
    scored = scored_classification(["a", "b", "c"], 60)
    scored.loc[scored.index[:5], "truth"] = "d"
    result = evaluate(run_component, scored)
    assert result["charts"]["confusion_matrix"]["labels"] == ["a", "b", "c", "d"]
    assert "log_loss" not in result["metrics"] and "accuracy" in result["metrics"]
    assert any("never seen in training" in p["text"] for kind, p in ctx.events if kind == "node.log")


def test_evaluating_without_the_label_column_is_a_clear_error(run_component):
    scored = scored_classification(["a", "b"], 20).drop(columns=["truth"])
    with pytest.raises(ComponentError, match="'truth' is not in the scored table"):
        evaluate(run_component, scored)


def test_an_unscored_table_is_a_clear_error(run_component):
    with pytest.raises(ComponentError, match="Score Model"):
        evaluate(run_component, pd.DataFrame({"x": [1, 2]}))


def test_a_pipeline_evaluated_end_to_end(run_component):
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    bunch = load_breast_cancer(as_frame=True)
    frame = bunch.data.copy()
    frame["diagnosis"] = bunch.target_names[bunch.target]
    train, test = train_test_split(frame, test_size=0.3, random_state=0)
    learner = run_component("boosted-decision-tree", params={"n_estimators": 30})["model"]
    model = run_component("train-model", {"dataset": train, "untrained_model": learner},
                          {"label_column": "diagnosis"})["trained_model"]
    scored = run_component("score-model", {"dataset": test, "trained_model": model})["scored_dataset"]
    result = evaluate(run_component, scored)
    assert result["metrics"]["auc"] == pytest.approx(
        skm.roc_auc_score(test["diagnosis"] == "malignant", scored["Scored Probabilities_malignant"]))
    assert result["metrics"]["accuracy"] >= 0.9
