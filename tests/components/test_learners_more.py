"""The second-wave learners, each trained by train-model (or its task's trainer) and compared with the
scikit-learn estimator fitted directly on the same rows."""
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris

import components
from components.models import Learner, TrainedModel
from components.spec import ComponentError


@pytest.fixture(scope="module")
def iris():
    frame = load_iris(as_frame=True).frame.rename(columns={"target": "species"})
    return frame


def _trained(run_component, algorithm_id, params, dataset, label):
    model = run_component(algorithm_id, {}, params)["model"]
    return run_component("train-model", {"dataset": dataset, "untrained_model": model},
                         {"label_column": label})["trained_model"]


def _scored(run_component, model, dataset):
    return run_component("score-model", {"dataset": dataset, "trained_model": model})["scored_dataset"]


def test_every_learner_declares_the_task_it_learns_in_its_tags():
    tasks = {"classification", "regression", "clustering", "anomaly"}
    for spec in components.catalogue().values():
        if spec.category in ("Machine Learning Algorithms", "Anomaly Detection") and "model" in spec.outputs:
            assert tasks & set(spec.tags), spec.id


def test_svm_matches_calibrated_linear_svc(run_component, iris):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import LinearSVC

    two = iris[iris.species < 2].reset_index(drop=True)
    model = _trained(run_component, "support-vector-machine", {"C": 0.5}, two, "species")
    x = two.drop(columns="species").to_numpy(np.float64)
    direct = CalibratedClassifierCV(LinearSVC(C=0.5, max_iter=1000, tol=1e-4, random_state=0), method="sigmoid",
                                    cv=3).fit(x, two.species)
    scored = _scored(run_component, model, two)
    np.testing.assert_allclose(scored["Scored Probabilities_1"], direct.predict_proba(x)[:, 1])
    assert scored["Scored Labels"].tolist() == direct.predict(x).tolist()


def test_svm_refuses_three_classes_and_names_the_wrapper(run_component, iris):
    with pytest.raises(ComponentError, match="one-vs-all-multiclass"):
        _trained(run_component, "support-vector-machine", {}, iris, "species")


def test_averaged_perceptron_matches_sgd_with_perceptron_loss(run_component, iris):
    from sklearn.linear_model import SGDClassifier

    two = iris[iris.species > 0].reset_index(drop=True)
    model = _trained(run_component, "averaged-perceptron", {"maximum_number_of_iterations": 20}, two, "species")
    x = two.drop(columns="species").to_numpy(np.float64)
    direct = SGDClassifier(loss="perceptron", penalty=None, average=True, learning_rate="constant", eta0=1.0,
                           max_iter=20, tol=None, random_state=0).fit(x, pd.Categorical(two.species).codes)
    scored = _scored(run_component, model, two)
    assert scored["Scored Labels"].tolist() == [[1, 2][c] for c in direct.predict(x)]
    positive = 1 / (1 + np.exp(-direct.decision_function(x)))
    np.testing.assert_allclose(scored["Scored Probabilities_2"], positive)


@pytest.mark.parametrize("wrapper, direct_name", [("one-vs-all-multiclass", "OneVsRestClassifier"),
                                                  ("one-vs-one-multiclass", "OneVsOneClassifier")])
def test_multiclass_wrappers_match_scikit_learns(run_component, iris, wrapper, direct_name):
    import sklearn.multiclass
    from sklearn.linear_model import LogisticRegression

    binary = run_component("logistic-regression", {}, {"C": 2.0})["model"]
    wrapped = run_component(wrapper, {"binary_model": binary})["model"]
    model = run_component("train-model", {"dataset": iris, "untrained_model": wrapped},
                          {"label_column": "species"})["trained_model"]
    x = iris.drop(columns="species").to_numpy(np.float64)
    direct = getattr(sklearn.multiclass, direct_name)(LogisticRegression(C=2.0, max_iter=1000, l1_ratio=0.0,
                                                                         random_state=0)).fit(x, iris.species)
    assert _scored(run_component, model, iris)["Scored Labels"].tolist() == direct.predict(x).tolist()


def test_a_wrapper_refuses_a_learner_it_cannot_wrap(run_component):
    network = run_component("neural-network", {}, {})["model"]
    with pytest.raises(ComponentError, match="can wrap"):
        run_component("one-vs-all-multiclass", {"binary_model": network})


def test_poisson_regression_matches_poisson_regressor(run_component, iris):
    from sklearn.linear_model import PoissonRegressor

    model = _trained(run_component, "poisson-regression", {"l2_regularization_weight": 0.1}, iris, "species")
    x = iris.drop(columns="species").to_numpy(np.float64)
    direct = PoissonRegressor(alpha=0.1, max_iter=100, tol=1e-4).fit(x, iris.species)
    np.testing.assert_allclose(_scored(run_component, model, iris)["Scored Labels"], direct.predict(x))


def test_quantile_forest_gives_ordered_quantiles_from_the_forests_leaves(run_component, iris):
    from sklearn.ensemble import RandomForestRegressor

    data = iris.drop(columns="species")
    label = "petal width (cm)"
    model = _trained(run_component, "fast-forest-quantile-regression",
                     {"number_of_trees": 10, "quantiles_to_be_estimated": "0.1;0.5;0.9"}, data, label)
    scored = _scored(run_component, model, data)
    assert (scored["Quantile_0.1"] <= scored["Quantile_0.5"]).all()
    assert (scored["Quantile_0.5"] <= scored["Quantile_0.9"]).all()
    assert scored["Scored Labels"].tolist() == scored["Quantile_0.5"].tolist()
    assert _scored(run_component, model, scored).columns.tolist() == scored.columns.tolist()  # re-scoring replaces
    x = data.drop(columns=label).to_numpy(np.float64)
    y = data[label].to_numpy()
    forest = RandomForestRegressor(n_estimators=10, bootstrap=False, max_leaf_nodes=20, min_samples_leaf=10,
                                   random_state=0).fit(x, y)
    row_leaves, train_leaves = forest.apply(x[:1]), forest.apply(x)
    weights = sum((train_leaves[:, t] == row_leaves[0, t]) / (train_leaves[:, t] == row_leaves[0, t]).sum()
                  for t in range(10)) / 10
    order = np.argsort(y)
    cumulative = np.cumsum(weights[order])
    assert scored["Quantile_0.9"].iloc[0] == y[order][np.searchsorted(cumulative, 0.9 - 1e-12)]


def test_pca_anomaly_detection_scores_the_reconstruction_error_of_pca(run_component, iris):
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    untrained = run_component("pca-based-anomaly-detection", {}, {"number_of_components_to_use_in_pca": 2})["model"]
    model = run_component("train-anomaly-detection-model", {"dataset": iris, "untrained_model": untrained},
                          {"label_column": "species"})["trained_model"]
    assert "species" not in model.feature_columns
    x = iris.drop(columns="species").to_numpy(np.float64)
    z = StandardScaler().fit_transform(x)
    pca = PCA(n_components=2, svd_solver="randomized", n_oversamples=2, random_state=0).fit(z)
    errors = ((z - pca.inverse_transform(pca.transform(z))) ** 2).sum(axis=1)
    scored = _scored(run_component, model, iris)
    threshold = np.quantile(errors, 0.95)
    assert scored["Scored Labels"].tolist() == (errors > threshold).astype(int).tolist()
    assert scored["Scored Labels"].sum() == 8
    assert scored["Scored Probabilities"].iloc[int(np.argmax(errors))] == pytest.approx(149 / 150)


def test_train_model_sends_an_anomaly_detector_to_its_own_trainer(run_component, iris):
    untrained = run_component("pca-based-anomaly-detection", {}, {})["model"]
    with pytest.raises(ComponentError, match="Train Anomaly Detection Model"):
        run_component("train-model", {"dataset": iris, "untrained_model": untrained}, {"label_column": "species"})


def test_anomaly_trainer_refuses_a_classifier(run_component, iris):
    untrained = run_component("logistic-regression", {}, {})["model"]
    with pytest.raises(ComponentError, match="anomaly detection algorithm"):
        run_component("train-anomaly-detection-model", {"dataset": iris, "untrained_model": untrained})


def test_evaluate_model_judges_an_anomaly_detector_as_two_classes(run_component, iris):
    data = iris.assign(outlier=(iris.species == 2).astype(int)).drop(columns="species")
    untrained = run_component("pca-based-anomaly-detection", {}, {})["model"]
    model = run_component("train-anomaly-detection-model", {"dataset": data, "untrained_model": untrained},
                          {"label_column": "outlier"})["trained_model"]
    metrics = run_component("evaluate-model", {"scored_dataset": _scored(run_component, model, data)})["metrics"]
    assert metrics["task"] == "anomaly"
    assert 0 <= metrics["metrics"]["auc"] <= 1


def test_train_clustering_model_assigns_the_clusters_kmeans_finds(run_component, iris):
    from sklearn.cluster import KMeans

    data = iris.drop(columns="species")
    kmeans = run_component("k-means", {}, {"n_clusters": 3})["model"]
    out = run_component("train-clustering-model", {"dataset": data, "untrained_model": kmeans},
                        {"column_set": "petal length (cm), petal width (cm)"})
    x = data[["petal length (cm)", "petal width (cm)"]].to_numpy(np.float64)
    direct = KMeans(n_clusters=3, n_init=10, random_state=0).fit(x)
    assert out["results_dataset"]["Assignments"].tolist() == direct.labels_.tolist()
    assigned = run_component("assign-data-to-clusters",
                             {"dataset": data.head(5), "trained_model": out["trained_model"]},
                             {"check_for_append_or_uncheck_for_result_only": False})["results_dataset"]
    assert list(assigned.columns) == ["Assignments"]
    assert assigned["Assignments"].tolist() == direct.predict(x[:5]).tolist()


def test_new_learners_survive_saving_and_loading(tmp_path, run_component, iris):
    for algorithm, params in [("one-vs-one-multiclass", None), ("fast-forest-quantile-regression", {})]:
        if params is None:
            untrained = run_component(algorithm, {"binary_model": run_component("averaged-perceptron")["model"]})
        else:
            untrained = run_component(algorithm, {}, params)
        untrained = untrained["model"]
        (tmp_path / algorithm).mkdir()
        untrained.save_to(tmp_path / algorithm)
        assert Learner.load_from(tmp_path / algorithm) == untrained
        model = run_component("train-model", {"dataset": iris, "untrained_model": untrained},
                              {"label_column": "species"})["trained_model"]
        (tmp_path / f"{algorithm}-trained").mkdir()
        model.save_to(tmp_path / f"{algorithm}-trained")
        again = TrainedModel.load_from(tmp_path / f"{algorithm}-trained")
        assert again.score(iris).equals(model.score(iris))
