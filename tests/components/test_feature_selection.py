"""filter-based-feature-selection and permutation-feature-importance against scipy and scikit-learn."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.datasets import load_wine

from components.ports import with_roles
from components.spec import ComponentError


@pytest.fixture(scope="module")
def wine():
    frame = load_wine(as_frame=True).frame.rename(columns={"target": "cultivar"})
    return with_roles(frame, label="cultivar")


def _scores(run_component, wine, method, top=3):
    return run_component("filter-based-feature-selection", {"dataset": wine},
                         {"feature_scoring_method": method, "number_of_desired_features": top})


def _direct(wine, score):
    x = wine.drop(columns="cultivar")
    return pd.Series({c: score(x[c].to_numpy(), wine.cultivar.to_numpy()) for c in x.columns})


@pytest.mark.parametrize("method, test", [("pearson-correlation", stats.pearsonr),
                                          ("spearman-correlation", stats.spearmanr),
                                          ("kendall-correlation", stats.kendalltau)])
def test_correlation_scores_are_scipys_absolute_correlations(run_component, wine, method, test):
    out = _scores(run_component, wine, method)
    expected = _direct(wine, lambda a, b: abs(test(a, b)[0])).sort_values(ascending=False)
    scores = out["features"].iloc[0]
    np.testing.assert_allclose(scores[expected.index].to_numpy(), expected.to_numpy())
    assert list(out["filtered_dataset"].columns) == [c for c in wine.columns if c in expected.index[:3]] + \
        ["cultivar"]


def test_chi_squared_and_mutual_information_are_scikit_learns(run_component, wine):
    from sklearn.feature_selection import chi2, mutual_info_classif

    x = wine.drop(columns="cultivar")
    chi = pd.Series(chi2(x, wine.cultivar)[0], index=x.columns)
    mi = pd.Series(mutual_info_classif(x.to_numpy(np.float64), wine.cultivar.astype(float), random_state=0),
                   index=x.columns)
    for method, expected in (("chi-squared", chi), ("mutual-information", mi)):
        scores = _scores(run_component, wine, method)["features"].iloc[0]
        np.testing.assert_allclose(scores[x.columns].to_numpy(), expected.to_numpy())


def test_fisher_score_is_between_over_within_class_variance(run_component, wine):
    x = wine.drop(columns="cultivar")
    column = x["proline"]
    groups = [column[wine.cultivar == k] for k in range(3)]
    between = sum(len(g) * (g.mean() - column.mean()) ** 2 for g in groups)
    within = sum(len(g) * g.var(ddof=0) for g in groups)
    scores = _scores(run_component, wine, "fisher-score")["features"].iloc[0]
    assert scores["proline"] == pytest.approx(between / within)


def test_the_transformation_keeps_the_selected_columns_in_new_data(run_component, wine):
    out = _scores(run_component, wine, "pearson-correlation", top=2)
    kept = [c for c in out["filtered_dataset"].columns if c != "cultivar"]
    new = wine.drop(columns="cultivar").head(3)
    assert list(out["feature_selection_transformation"].apply(new).columns) == kept


def test_chi_squared_refuses_negative_features_naming_them(run_component, wine):
    shifted = with_roles(wine.assign(ash=wine.ash - 10), label="cultivar")
    with pytest.raises(ComponentError, match="'ash'"):
        _scores(run_component, shifted, "chi-squared")


def test_a_missing_target_column_is_named(run_component, wine):
    with pytest.raises(ComponentError, match="'nope'"):
        run_component("filter-based-feature-selection", {"dataset": wine}, {"target_column": "nope"})


def test_permutation_importance_equals_scikit_learns_on_the_fitted_estimator(run_component, wine):
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import accuracy_score

    untrained = run_component("decision-forest", {}, {"n_estimators": 20})["model"]
    model = run_component("train-model", {"dataset": wine, "untrained_model": untrained},
                          {"label_column": "cultivar"})["trained_model"]
    out = run_component("permutation-feature-importance", {"trained_model": model, "test_data": wine},
                        {"random_seed": 4, "number_of_repeats": 3})["feature_importance"]
    x = wine[model.feature_columns].to_numpy(np.float64)
    direct = permutation_importance(model.estimator, x, wine.cultivar.to_numpy(), n_repeats=3, random_state=4,
                                    scoring=lambda est, rows, y: accuracy_score(y, est.predict(rows)))
    expected = pd.Series(direct.importances_mean, index=model.feature_columns)
    got = out.set_index("Feature")["Score"]
    np.testing.assert_allclose(got[expected.index].to_numpy(), expected.to_numpy())
    assert got.is_monotonic_decreasing


def test_permutation_importance_refuses_a_regression_metric_for_a_classifier(run_component, wine):
    untrained = run_component("logistic-regression", {}, {})["model"]
    model = run_component("train-model", {"dataset": wine, "untrained_model": untrained},
                          {"label_column": "cultivar"})["trained_model"]
    with pytest.raises(ComponentError, match="regression metric"):
        run_component("permutation-feature-importance", {"trained_model": model, "test_data": wine},
                      {"metric_for_measuring_performance": "r2"})
