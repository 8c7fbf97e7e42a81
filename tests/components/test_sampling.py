"""partition-and-sample, smote and split-data's expression modes, against numpy, scikit-learn and
imbalanced-learn called directly."""
import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE

from components.ports import column_roles, with_roles
from components.spec import ComponentError


@pytest.fixture
def rows():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40), "Year": np.arange(2000, 2040),
                          "text": [f"item {'Gryphon' if i % 4 == 0 else 'other'} {i}" for i in range(40)],
                          "label": [1 if i < 8 else 0 for i in range(40)]})
    return with_roles(frame, label="label")


def test_head_keeps_the_first_rows(run_component, rows):
    out = run_component("partition-and-sample", {"dataset": rows},
                        {"partition_or_sample_mode": "head", "number_of_rows_to_select": 7})["results_dataset"]
    assert out.to_dict("list") == rows.head(7).to_dict("list")


def test_sampling_draws_the_rows_numpy_draws_with_the_seed(run_component, rows):
    out = run_component("partition-and-sample", {"dataset": rows},
                        {"rate_of_sampling": 0.25, "random_seed": 5})["results_dataset"]
    expected = np.sort(np.random.default_rng(5).choice(40, size=10, replace=False))
    assert out["Year"].tolist() == rows["Year"].iloc[expected].tolist()


def test_stratified_sampling_takes_the_same_share_of_each_class(run_component, rows):
    out = run_component("partition-and-sample", {"dataset": rows},
                        {"rate_of_sampling": 0.5, "stratified_split": True,
                         "stratification_key_column": "label"})["results_dataset"]
    assert out["label"].value_counts().to_dict() == {0: 16, 1: 4}


def test_folds_are_scikit_learns_kfold_and_pick_fold_keeps_one(run_component, rows):
    from sklearn.model_selection import KFold

    folded = run_component("partition-and-sample", {"dataset": rows},
                           {"partition_or_sample_mode": "assign-to-folds", "number_of_folds": 4,
                            "random_seed": 2})["results_dataset"]
    expected = np.zeros(40, dtype=int)
    for number, (_, test) in enumerate(KFold(4, shuffle=True, random_state=2).split(np.zeros(40)), start=1):
        expected[test] = number
    assert folded["Fold"].tolist() == expected.tolist()
    assert "Fold" not in column_roles(folded)["features"]
    picked = run_component("partition-and-sample", {"dataset": folded},
                           {"partition_or_sample_mode": "pick-fold", "specify_which_fold": 3})["results_dataset"]
    assert picked["Year"].tolist() == rows["Year"][expected == 3].tolist()
    rest = run_component("partition-and-sample", {"dataset": folded},
                         {"partition_or_sample_mode": "pick-fold", "specify_which_fold": 3,
                          "pick_complement": True})["results_dataset"]
    assert len(rest) == 30


def test_pick_fold_without_folds_says_what_to_add(run_component, rows):
    with pytest.raises(ComponentError, match="assign-to-folds"):
        run_component("partition-and-sample", {"dataset": rows}, {"partition_or_sample_mode": "pick-fold"})


def test_smote_adds_the_rows_imbalanced_learn_makes(run_component, rows):
    data = rows[["a", "b", "label"]]
    out = run_component("smote", {"dataset": data}, {"smote_percentage": 200, "number_of_nearest_neighbors": 3,
                                                     "random_seed": 1})["table"]
    x, y = SMOTE(sampling_strategy={1: 24}, k_neighbors=3, random_state=1).fit_resample(data[["a", "b"]],
                                                                                       data["label"])
    assert out["label"].value_counts().to_dict() == {0: 32, 1: 24}
    np.testing.assert_array_equal(out[["a", "b"]].to_numpy(), x.to_numpy())
    assert column_roles(out)["label"] == "label"


def test_smote_on_text_features_names_them(run_component, rows):
    with pytest.raises(ComponentError, match="text"):
        run_component("smote", {"dataset": rows[["a", "text", "label"]]}, {})


def test_smote_with_a_missing_label_column_names_it(run_component, rows):
    with pytest.raises(ComponentError, match="'nope'"):
        run_component("smote", {"dataset": rows}, {"label_column": "nope"})


def test_split_by_regular_expression_sends_matching_rows_to_train(run_component, rows):
    out = run_component("split-data", {"dataset": rows}, {"splitting_mode": "regular-expression",
                                                          "regular_expression": '\\"text" Gryphon'})
    matches = rows["text"].str.contains("Gryphon")
    assert out["train"]["Year"].tolist() == rows["Year"][matches].tolist()
    assert out["test"]["Year"].tolist() == rows["Year"][~matches].tolist()


@pytest.mark.parametrize("expression, keep", [
    ('\\"Year" > 2030', lambda y: y > 2030),
    ('\\"Year" >= 2010 & < 2015', lambda y: (y >= 2010) & (y < 2015)),
    ('(\\2) < 2002 | == 2039', lambda y: (y < 2002) | (y == 2039)),
    ('\\"Year" != 2005', lambda y: y != 2005),
])
def test_split_by_relative_expression_evaluates_the_comparisons(run_component, rows, expression, keep):
    out = run_component("split-data", {"dataset": rows}, {"splitting_mode": "relative-expression",
                                                          "relative_expression": expression})
    assert out["train"]["Year"].tolist() == rows["Year"][keep(rows["Year"])].tolist()
    assert len(out["train"]) + len(out["test"]) == 40


@pytest.mark.parametrize("expression, words", [('\\"nope" > 1', "'nope'"), ("Year > 1", "must start"),
                                               ('\\"Year" ~ 3', "not a comparison"),
                                               ('\\"Year" > soon', "not a number")])
def test_bad_relative_expressions_are_node_errors(run_component, rows, expression, words):
    with pytest.raises(ComponentError, match=words):
        run_component("split-data", {"dataset": rows}, {"splitting_mode": "relative-expression",
                                                        "relative_expression": expression})
