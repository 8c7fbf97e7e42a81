"""Train Model and Score Model: results equal scikit-learn's on the same split, and bad data gets one clear sentence."""
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes, load_iris, load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from components.context import Cancelled, RunContext
from components.models import TrainedModel
from components.ports import column_roles, with_roles
from components.spec import ComponentError

IRIS_FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]


def _labelled(bunch, label, names=None):
    frame = bunch.data.copy()
    frame[label] = names[bunch.target] if names is not None else bunch.target
    return frame


@pytest.fixture(scope="module")
def iris():
    bunch = load_iris(as_frame=True)
    return _labelled(bunch, "species", bunch.target_names)


@pytest.fixture(scope="module")
def iris_split(iris):
    return train_test_split(iris, test_size=0.3, random_state=7)


@pytest.fixture(scope="module")
def wine_split():
    bunch = load_wine(as_frame=True)
    train, test = train_test_split(_labelled(bunch, "cultivar", bunch.target_names), test_size=0.3,
                                   random_state=0, stratify=bunch.target)
    scaler = StandardScaler().fit(train[bunch.feature_names])
    train, test = train.copy(), test.copy()
    train[bunch.feature_names] = scaler.transform(train[bunch.feature_names])
    test[bunch.feature_names] = scaler.transform(test[bunch.feature_names])
    return train, test


def train(run_component, algorithm, dataset, label="", algorithm_params=None, context=None):
    learner = run_component(algorithm, params=algorithm_params or {})["model"]
    return run_component("train-model", {"dataset": dataset, "untrained_model": learner},
                         {"label_column": label}, context=context)["trained_model"]


def score(run_component, model, dataset):
    return run_component("score-model", {"dataset": dataset, "trained_model": model})["scored_dataset"]


def test_train_model_is_training_only_and_declares_its_ports():
    import components

    spec = components.get("train-model")
    assert spec.training_only and spec.category == "Model Training"
    assert [p.type.name for p in spec.inputs.values()] == ["DataFrame", "UntrainedModel"]
    assert spec.params["label_column"].widget == "column"
    assert not components.get("score-model").training_only


# ---------------------------------------------------------------- same numbers as scikit-learn

def test_logistic_regression_on_iris_matches_scikit_learn_fitted_directly(run_component, iris_split):
    from sklearn.linear_model import LogisticRegression

    train_rows, test_rows = iris_split
    model = train(run_component, "logistic-regression", train_rows, "species", {"C": 0.5, "max_iter": 500})
    scored = score(run_component, model, test_rows)

    direct = LogisticRegression(C=0.5, max_iter=500).fit(train_rows[IRIS_FEATURES], train_rows["species"])
    expected = direct.predict(test_rows[IRIS_FEATURES])
    assert list(scored["Scored Labels"]) == list(expected)
    np.testing.assert_allclose(scored[[f"Scored Probabilities_{c}" for c in direct.classes_]].to_numpy(),
                               direct.predict_proba(test_rows[IRIS_FEATURES]), rtol=1e-9, atol=1e-12)
    accuracy = (scored["Scored Labels"] == scored["species"]).mean()
    assert accuracy == direct.score(test_rows[IRIS_FEATURES], test_rows["species"])
    assert accuracy >= 0.9


@pytest.mark.parametrize("algorithm, direct_class", [
    ("decision-forest", "sklearn.ensemble.RandomForestClassifier"),
    ("boosted-decision-tree", "sklearn.ensemble.HistGradientBoostingClassifier"),
])
def test_tree_ensembles_on_iris_match_scikit_learn(run_component, iris_split, algorithm, direct_class):
    import importlib

    module, _, name = direct_class.rpartition(".")
    train_rows, test_rows = iris_split
    model = train(run_component, algorithm, train_rows, "species",
                  {"task": "classification", "n_estimators": 30, "seed": 5})
    scored = score(run_component, model, test_rows)
    extra = {"early_stopping": False, "max_iter": 30} if "Hist" in name else {"n_estimators": 30}
    direct = getattr(importlib.import_module(module), name)(random_state=5, **extra)
    direct.fit(train_rows[IRIS_FEATURES].to_numpy(), train_rows["species"])
    assert list(scored["Scored Labels"]) == list(direct.predict(test_rows[IRIS_FEATURES].to_numpy()))
    assert (scored["Scored Labels"] == scored["species"]).mean() >= 0.9


def test_linear_regression_on_diabetes_rmse_equals_scikit_learn(run_component):
    from sklearn.linear_model import LinearRegression
    from sklearn.metrics import root_mean_squared_error

    bunch = load_diabetes(as_frame=True)
    train_rows, test_rows = train_test_split(_labelled(bunch, "progression"), test_size=0.25, random_state=1)
    model = train(run_component, "linear-regression", train_rows, "progression")
    scored = score(run_component, model, test_rows)
    metrics = run_component("evaluate-model", {"scored_dataset": scored})["metrics"]

    direct = LinearRegression().fit(train_rows[bunch.feature_names], train_rows["progression"])
    predicted = direct.predict(test_rows[bunch.feature_names])
    np.testing.assert_allclose(scored["Scored Labels"], predicted, rtol=1e-10)
    assert metrics["task"] == "regression"
    assert metrics["metrics"]["rmse"] == pytest.approx(root_mean_squared_error(test_rows["progression"], predicted),
                                                       rel=1e-10)
    assert scored["Scored Labels"].dtype == np.float64


def test_k_means_trains_without_a_label_and_matches_scikit_learn(run_component, iris):
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    features = iris[IRIS_FEATURES]
    model = train(run_component, "k-means", features, "", {"n_clusters": 3, "seed": 2})
    scored = score(run_component, model, features)
    direct = KMeans(n_clusters=3, n_init=10, random_state=2).fit(features.to_numpy())
    assert list(scored["Assignments"]) == list(direct.labels_)
    assert scored["Assignments"].dtype == np.int64
    assert column_roles(scored)["score"]["task"] == "clustering"

    metrics = run_component("evaluate-model", {"scored_dataset": scored})["metrics"]
    assert metrics["metrics"]["silhouette"] == pytest.approx(silhouette_score(features, direct.labels_))
    assert metrics["metrics"]["n_clusters"] == 3
    assert metrics["metrics"]["inertia"] == pytest.approx(direct.inertia_, rel=1e-4)


# ---------------------------------------------------------------- the neural network

def test_neural_network_on_standardised_wine_reaches_90_percent_and_reports_each_epoch(run_component, wine_split,
                                                                                       ctx):
    train_rows, test_rows = wine_split
    model = train(run_component, "neural-network", train_rows, "cultivar",
                  {"epochs": 25, "hidden_layers": "32,16", "learning_rate": 0.005, "seed": 1})
    training_events = list(ctx.events)
    scored = score(run_component, model, test_rows)
    assert (scored["Scored Labels"] == scored["cultivar"]).mean() >= 0.9

    epochs = [payload for kind, payload in training_events if kind == "node.metrics" and "epoch" in payload]
    assert [e["epoch"] for e in epochs] == list(range(1, 26))
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(epochs[-1])
    assert epochs[-1]["loss"] < epochs[0]["loss"]
    fractions = [p["fraction"] for kind, p in training_events if kind == "node.progress"]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_neural_network_is_deterministic_for_a_seed(run_component, wine_split):
    train_rows, test_rows = wine_split
    settings = {"epochs": 5, "hidden_layers": "16", "seed": 11}
    first = score(run_component, train(run_component, "neural-network", train_rows, "cultivar", settings), test_rows)
    again = score(run_component, train(run_component, "neural-network", train_rows, "cultivar", settings), test_rows)
    other = score(run_component, train(run_component, "neural-network", train_rows, "cultivar",
                                       {**settings, "seed": 12}), test_rows)
    probabilities = [c for c in first.columns if c.startswith("Scored Probabilities_")]
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    assert not np.array_equal(first[probabilities].to_numpy(), other[probabilities].to_numpy())


def test_neural_network_regression_predicts_numbers(run_component):
    bunch = load_diabetes(as_frame=True)
    rows = _labelled(bunch, "progression")
    model = train(run_component, "neural-network", rows, "progression",
                  {"task": "regression", "epochs": 30, "learning_rate": 0.01})
    scored = score(run_component, model, rows)
    assert scored["Scored Labels"].dtype == np.float64
    assert np.corrcoef(scored["Scored Labels"], rows["progression"])[0, 1] > 0.5


def test_neural_network_stops_early_when_validation_loss_stops_improving(run_component, wine_split, ctx):
    train_rows, _ = wine_split
    model = train(run_component, "neural-network", train_rows, "cultivar",
                  {"epochs": 400, "learning_rate": 0.05, "patience": 3})
    assert len(model.estimator.history) < 400
    assert any("early stopping" in p["text"] for kind, p in ctx.events if kind == "node.log")


def test_neural_network_training_honours_cancellation(run_component, wine_split):
    train_rows, _ = wine_split
    reported = []
    cancelling = RunContext(report=lambda kind, payload: reported.append(payload),
                            is_cancelled=lambda: len(reported) >= 6)
    with pytest.raises(Cancelled):
        train(run_component, "neural-network", train_rows, "cultivar", {"epochs": 1000}, context=cancelling)
    assert len([p for p in reported if "epoch" in p]) < 10


# ---------------------------------------------------------------- columns, roles and the scored convention

def test_scored_columns_and_roles_follow_the_convention(run_component, iris_split):
    train_rows, test_rows = iris_split
    model = train(run_component, "logistic-regression", train_rows, "species")
    scored = score(run_component, model, test_rows)
    classes = ["setosa", "versicolor", "virginica"]
    assert list(scored.columns) == list(test_rows.columns) + ["Scored Labels"] + [
        f"Scored Probabilities_{c}" for c in classes]
    np.testing.assert_allclose(scored[[f"Scored Probabilities_{c}" for c in classes]].sum(axis=1), 1.0)
    roles = column_roles(scored)
    assert roles["label"] == "species"
    assert roles["score"]["task"] == "classification"
    assert roles["score"]["label"] == "species" and roles["score"]["classes"] == classes
    assert model.feature_columns == IRIS_FEATURES and model.classes == classes


def test_numeric_classes_keep_their_values(run_component):
    bunch = load_iris(as_frame=True)
    rows = _labelled(bunch, "kind")  # labels 0, 1, 2
    model = train(run_component, "logistic-regression", rows, "kind")
    scored = score(run_component, model, rows)
    assert model.classes == [0, 1, 2]
    assert scored["Scored Labels"].dtype == np.int64
    assert "Scored Probabilities_2" in scored.columns


def test_scoring_works_without_the_label_column(run_component, iris_split):
    train_rows, test_rows = iris_split
    model = train(run_component, "decision-forest", train_rows, "species", {"n_estimators": 10})
    unlabelled = test_rows.drop(columns=["species"])
    scored = score(run_component, model, unlabelled)
    assert len(scored) == len(unlabelled) and "Scored Labels" in scored.columns
    assert column_roles(scored)["score"]["label"] == "species"
    assert column_roles(scored).get("label") is None


def test_scoring_again_replaces_the_old_scored_columns(run_component, iris_split):
    train_rows, test_rows = iris_split
    model = train(run_component, "logistic-regression", train_rows, "species")
    once = score(run_component, model, test_rows)
    twice = score(run_component, model, once)
    pd.testing.assert_frame_equal(once, twice)


def test_label_comes_from_edit_metadata_roles_and_features_are_honoured(run_component, iris_split):
    train_rows, test_rows = iris_split
    marked = with_roles(train_rows.copy(), label="species", features=["petal length (cm)", "petal width (cm)"])
    model = train(run_component, "logistic-regression", marked, "")
    assert model.label_column == "species"
    assert model.feature_columns == ["petal length (cm)", "petal width (cm)"]
    scored = score(run_component, model, test_rows[["petal width (cm)", "petal length (cm)"]])
    assert "Scored Labels" in scored.columns


def test_text_features_are_one_hot_encoded_and_unseen_values_still_score(run_component, iris_split):
    train_rows, test_rows = iris_split
    train_rows = train_rows.assign(garden=np.where(train_rows["petal length (cm)"] > 3, "north", "south"))
    model = train(run_component, "boosted-decision-tree", train_rows, "species", {"n_estimators": 20})
    assert model.categorical_columns == ["garden"]
    fresh = test_rows.assign(garden="somewhere new")
    scored = score(run_component, model, fresh)
    assert scored["Scored Labels"].notna().all()
    records = model.predict_records([{**{c: 5.0 for c in IRIS_FEATURES}, "garden": "north"}])
    assert set(records[0]) == {"Scored Labels", "Scored Probabilities_setosa",
                               "Scored Probabilities_versicolor", "Scored Probabilities_virginica"}
    assert isinstance(records[0]["Scored Labels"], str)
    assert [c["kind"] for c in model.input_schema()] == ["number"] * 4 + ["category"]


def test_predict_records_accepts_numbers_sent_as_text(run_component, iris_split):
    train_rows, test_rows = iris_split
    model = train(run_component, "linear-regression", train_rows.drop(columns=["species"]), "petal width (cm)")
    row = {"sepal length (cm)": "5.1", "sepal width (cm)": 3.5, "petal length (cm)": 1.4}
    assert isinstance(model.predict_records([row])[0]["Scored Labels"], float)


def test_scoring_an_empty_table_gives_the_scored_columns(run_component, iris_split):
    train_rows, test_rows = iris_split
    model = train(run_component, "logistic-regression", train_rows, "species")
    scored = score(run_component, model, test_rows.iloc[:0])
    assert len(scored) == 0 and "Scored Probabilities_setosa" in scored.columns


# ---------------------------------------------------------------- errors a user can fix

def test_missing_label_column_is_named_with_the_available_columns(run_component, iris_split):
    with pytest.raises(ComponentError, match=r"'kind' is not in the dataset.*petal width"):
        train(run_component, "logistic-regression", iris_split[0], "kind")


def test_empty_label_is_an_error_for_everything_but_clustering(run_component, iris_split):
    with pytest.raises(ComponentError, match="label_column"):
        train(run_component, "decision-forest", iris_split[0], "")


def test_a_classifier_needs_two_classes(run_component, iris):
    setosa = iris[iris["species"] == "setosa"]
    with pytest.raises(ComponentError, match="only one class.*setosa"):
        train(run_component, "logistic-regression", setosa, "species")


def test_missing_feature_values_point_to_clean_missing_data(run_component, iris_split):
    holes = iris_split[0].copy()
    holes.iloc[[0, 3], 1] = np.nan
    with pytest.raises(ComponentError, match=r"'sepal width \(cm\)' \(2 rows\).*Clean Missing Data"):
        train(run_component, "logistic-regression", holes, "species")


def test_missing_labels_are_an_error(run_component, iris_split):
    holes = iris_split[0].copy()
    holes.iloc[0, 4] = None
    with pytest.raises(ComponentError, match="label column 'species' has 1 missing"):
        train(run_component, "logistic-regression", holes, "species")


def test_regression_on_a_text_label_is_an_error(run_component, iris_split):
    with pytest.raises(ComponentError, match="numeric label.*'species'"):
        train(run_component, "linear-regression", iris_split[0], "species")


def test_classifying_a_continuous_label_suggests_regression(run_component):
    bunch = load_diabetes(as_frame=True)
    rows = _labelled(bunch, "progression").assign(progression=lambda f: f["progression"] + 0.5)
    with pytest.raises(ComponentError, match="regression"):
        train(run_component, "decision-forest", rows, "progression")


def test_train_model_needs_an_algorithm(run_component, iris_split):
    with pytest.raises(ComponentError, match="untrained_model"):
        run_component("train-model", {"dataset": iris_split[0], "untrained_model": None}, {"label_column": "species"})


def test_scoring_names_the_missing_feature_columns(run_component, iris_split):
    train_rows, test_rows = iris_split
    model = train(run_component, "logistic-regression", train_rows, "species")
    with pytest.raises(ComponentError, match=r"missing column\(s\) \['petal width \(cm\)'\]"):
        score(run_component, model, test_rows.drop(columns=["petal width (cm)"]))


def test_scoring_names_a_column_with_values_that_are_not_numbers(run_component, iris_split):
    train_rows, test_rows = iris_split
    model = train(run_component, "logistic-regression", train_rows, "species")
    bad = test_rows.astype({"sepal length (cm)": object})
    bad.iloc[2, 0] = "five"
    with pytest.raises(ComponentError, match=r"'sepal length \(cm\)' must hold numbers.*'five'"):
        score(run_component, model, bad)


def test_scoring_names_columns_with_missing_numbers(run_component, iris_split):
    train_rows, test_rows = iris_split
    model = train(run_component, "logistic-regression", train_rows, "species")
    holes = test_rows.copy()
    holes.iloc[0, 2] = np.nan
    with pytest.raises(ComponentError, match=r"'petal length \(cm\)' \(1 rows\)"):
        score(run_component, model, holes)


def test_score_model_needs_a_trained_model(run_component, iris_split):
    with pytest.raises(ComponentError, match="Train Model"):
        run_component("score-model", {"dataset": iris_split[1], "trained_model": None})


def test_a_solver_problem_becomes_a_component_error(run_component, iris_split):
    with pytest.raises(ComponentError, match="logistic-regression could not be trained"):
        train(run_component, "logistic-regression", iris_split[0], "species",
              {"solver": "liblinear", "l1_ratio": 0.5})


def test_trained_model_type(run_component, iris_split):
    assert isinstance(train(run_component, "k-means", iris_split[0][IRIS_FEATURES]), TrainedModel)


def test_training_small_tables_leaves_the_thread_settings_as_they_were(run_component, wine_split):
    import torch
    from threadpoolctl import threadpool_info

    def openmp_threads():
        return sorted(info["num_threads"] for info in threadpool_info() if info["user_api"] == "openmp")

    before = (torch.get_num_threads(), openmp_threads())
    train_rows, test_rows = wine_split
    for algorithm, params in [("neural-network", {"epochs": 2}), ("boosted-decision-tree", {"n_estimators": 5})]:
        score(run_component, train(run_component, algorithm, train_rows, "cultivar", params), test_rows)
    assert (torch.get_num_threads(), openmp_threads()) == before


def test_score_model_without_appended_columns_keeps_only_label_and_scores(run_component):
    from sklearn.datasets import load_iris

    frame = load_iris(as_frame=True).frame.rename(columns={"target": "species"})
    model = run_component("train-model", {"dataset": frame,
                                          "untrained_model": run_component("logistic-regression")["model"]},
                          {"label_column": "species"})["trained_model"]
    full = run_component("score-model", {"dataset": frame, "trained_model": model})["scored_dataset"]
    slim = run_component("score-model", {"dataset": frame, "trained_model": model},
                         {"append_score_columns": False})["scored_dataset"]
    assert "sepal length (cm)" in full.columns and "sepal length (cm)" not in slim.columns
    assert list(slim.columns) == ["species"] + [c for c in full.columns if c.startswith("Scored")]
    metrics = run_component("evaluate-model", {"scored_dataset": slim})["metrics"]
    assert metrics["metrics"]["accuracy"] == run_component("evaluate-model", {"scored_dataset": full})["metrics"]["metrics"]["accuracy"]
