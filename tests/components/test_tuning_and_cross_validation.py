"""Tune Model Hyperparameters and Cross Validate Model against scikit-learn called directly."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn import datasets
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

from components.spec import ComponentError


def _iris():
    bunch = datasets.load_iris(as_frame=True)
    frame = bunch.frame.rename(columns={"target": "species"})
    frame["species"] = frame["species"].map(dict(enumerate(bunch.target_names)))
    return frame


def test_cross_validation_matches_stratified_kfold_with_mean_and_std(run_component):
    frame = _iris()
    learner = run_component("logistic-regression", params={"C": 0.5})["model"]
    out = run_component("cross-validate-model", {"untrained_model": learner, "dataset": frame},
                        {"label_column": "species", "folds": 5, "seed": 3})
    by_fold = out["evaluation_results_by_fold"]
    assert list(by_fold["Fold Number"]) == ["0", "1", "2", "3", "4", "Mean", "Standard Deviation"]
    features = frame.drop(columns="species").to_numpy()
    expected = []
    for number, (train, test) in enumerate(StratifiedKFold(5, shuffle=True, random_state=3)
                                           .split(features, frame["species"])):
        model = LogisticRegression(C=0.5, max_iter=1000, random_state=0).fit(features[train],
                                                                             frame["species"].iloc[train])
        expected.append(accuracy_score(frame["species"].iloc[test], model.predict(features[test])))
        # every fold keeps the class proportions: 10 of each species among 30 rows
        scored = out["scored_results"]
        fold_rows = scored[scored["Fold Assignments"] == number]
        assert sorted(fold_rows.index) == sorted(frame.index[test])
        assert fold_rows["species"].value_counts().tolist() == [10, 10, 10]
    assert np.allclose(by_fold["accuracy"][:5].astype(float), expected)
    assert by_fold["accuracy"][5] == pytest.approx(np.mean(expected))
    assert by_fold["accuracy"][6] == pytest.approx(np.std(expected, ddof=1))
    assert list(out["scored_results"].index) == list(frame.index)  # rows in their original order


def test_cross_validation_of_a_regression_uses_plain_kfold(run_component):
    bunch = datasets.load_diabetes(as_frame=True)
    frame = bunch.frame.rename(columns={"target": "progression"})
    learner = run_component("linear-regression", params={"alpha": 1.0})["model"]
    out = run_component("cross-validate-model", {"untrained_model": learner, "dataset": frame},
                        {"label_column": "progression", "folds": 4, "seed": 0})
    features, target = frame.drop(columns="progression").to_numpy(), frame["progression"].to_numpy()
    expected = [r2_score(target[test], Ridge(alpha=1.0).fit(features[train], target[train]).predict(features[test]))
                for train, test in KFold(4, shuffle=True, random_state=0).split(features)]
    by_fold = out["evaluation_results_by_fold"]
    assert np.allclose(by_fold["r2"][:4].astype(float), expected)
    assert by_fold["r2"][4] == pytest.approx(np.mean(expected))


def test_cross_validation_refuses_more_folds_than_the_rarest_class_has_rows(run_component):
    frame = _iris().iloc[list(range(0, 150, 10))]  # 5 rows per class
    learner = run_component("logistic-regression")["model"]
    with pytest.raises(ComponentError, match="rarest class"):
        run_component("cross-validate-model", {"untrained_model": learner, "dataset": frame},
                      {"label_column": "species", "folds": 10})


def test_tuning_on_validation_rows_picks_what_sklearn_picks_and_retrains_on_all_rows(run_component):
    frame = _iris()
    training, validation = train_test_split(frame, test_size=0.4, random_state=1, stratify=frame["species"])
    learner = run_component("logistic-regression")["model"]
    out = run_component("tune-model-hyperparameters",
                        {"untrained_model": learner, "training_dataset": training, "validation_dataset": validation},
                        {"label_column": "species", "search_space": "C=choice(0.001, 0.01, 1)",
                         "sampling": "entire grid", "metric": "log_loss"})
    results = out["sweep_results"]
    assert sorted(results["C"]) == [0.001, 0.01, 1]
    features = training.drop(columns="species").to_numpy()
    from sklearn.metrics import log_loss
    expected = {}
    for c in (0.001, 0.01, 1):
        model = LogisticRegression(C=c, max_iter=1000, random_state=0).fit(features, training["species"])
        expected[c] = log_loss(validation["species"], model.predict_proba(validation.drop(columns="species")
                                                                           .to_numpy()))
    assert dict(zip(results["C"], results["log_loss"])) == pytest.approx(expected)
    assert results["C"].iloc[0] == min(expected, key=expected.get)  # best (lowest loss) first
    best = out["trained_best_model"]
    assert best.hyperparameters["C"] == 1 and best.training_rows == len(training)


def test_random_tuning_takes_max_trials_points_within_the_ranges(run_component):
    frame = _iris()
    learner = run_component("logistic-regression")["model"]
    out = run_component("tune-model-hyperparameters", {"untrained_model": learner, "training_dataset": frame},
                        {"label_column": "species", "search_space": "C=loguniform(0.001,100); "
                         "max_iter=choice(100,1000)", "max_trials": 6, "seed": 2})
    results = out["sweep_results"]
    assert len(results) == 6 and results["C"].between(0.001, 100).all()
    assert set(results["max_iter"]) <= {100, 1000}
    assert results["accuracy"].is_monotonic_decreasing


def test_tuning_errors_name_what_to_fix(run_component):
    frame = _iris()
    learner = run_component("logistic-regression")["model"]
    inputs = {"untrained_model": learner, "training_dataset": frame}
    with pytest.raises(ComponentError, match="no hyperparameter 'gamma'"):
        run_component("tune-model-hyperparameters", inputs, {"label_column": "species",
                                                            "search_space": "gamma=uniform(0, 1)"})
    with pytest.raises(ComponentError, match="grid sampling needs choice"):
        run_component("tune-model-hyperparameters", inputs, {"label_column": "species", "sampling": "entire grid",
                                                            "search_space": "C=uniform(0.1, 1)"})
    with pytest.raises(ComponentError, match="C"):
        run_component("tune-model-hyperparameters", inputs, {"label_column": "species",
                                                            "search_space": "C=choice(-1, 1)"})
