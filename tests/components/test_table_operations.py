"""select-columns, remove-duplicate-rows, join-data and split-data against pandas and scikit-learn."""
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal
from sklearn.model_selection import train_test_split

from components.ports import DataFrame, column_roles, with_roles
from components.spec import ComponentError


@pytest.fixture
def people():
    frame = pd.DataFrame({"id": [1, 2, 3, 4, 5, 6], "name": list("abcdef"),
                          "city": ["oslo", "rome", "oslo", "rome", "oslo", "rome"],
                          "spent": [10.0, 20.0, 10.0, 40.0, 50.0, 60.0]})
    return with_roles(frame, label="spent", features=["name", "city"], categorical=["city"])


# ---------------------------------------------------------------- select-columns

def test_select_columns_keeps_the_named_columns_in_the_given_order(run_component, people):
    result = run_component("select-columns", {"dataset": people}, {"columns": "spent, name"})["results_dataset"]
    assert_frame_equal(result, people[["spent", "name"]])
    assert column_roles(result) == {"label": "spent", "features": ["name"], "categorical": []}


def test_select_columns_can_exclude_instead(run_component, people):
    result = run_component("select-columns", {"dataset": people},
                           {"columns": "id,city", "mode": "exclude"})["results_dataset"]
    assert list(result.columns) == ["name", "spent"]


@pytest.mark.parametrize("params, message", [
    ({"columns": "name, nope, gone"}, "columns 'nope', 'gone' not found.*it has 'id', 'name'"),
    ({"columns": " , "}, "no columns were named"),
    ({"columns": "id,name,city,spent", "mode": "exclude"}, "empty table"),
])
def test_select_columns_explains_bad_settings(run_component, people, params, message):
    with pytest.raises(ComponentError, match=message):
        run_component("select-columns", {"dataset": people}, params)


# ---------------------------------------------------------------- remove-duplicate-rows

@pytest.mark.parametrize("params, subset, keep", [
    ({}, None, "first"),
    ({"columns": "city", "keep": "last"}, ["city"], "last"),
    ({"columns": "city,spent"}, ["city", "spent"], "first"),
])
def test_remove_duplicate_rows_matches_drop_duplicates(run_component, people, params, subset, keep):
    result = run_component("remove-duplicate-rows", {"dataset": people}, params)["results_dataset"]
    expected = people.drop_duplicates(subset=subset, keep=keep).reset_index(drop=True)
    assert_frame_equal(result, expected)
    assert column_roles(result) == column_roles(people)


def test_remove_duplicate_rows_names_missing_columns(run_component, people):
    with pytest.raises(ComponentError, match="'town' not found"):
        run_component("remove-duplicate-rows", {"dataset": people}, {"columns": "town"})


# ---------------------------------------------------------------- join-data

@pytest.fixture
def cities():
    return pd.DataFrame({"city": ["oslo", "paris"], "country": ["NO", "FR"], "spent": [1.0, 2.0]})


@pytest.mark.parametrize("how", ["inner", "left", "right", "outer"])
def test_join_matches_pandas_merge(run_component, people, cities, how):
    result = run_component("join-data", {"left": people, "right": cities},
                           {"left_keys": "city", "join_type": how})["results_dataset"]
    expected = people.merge(cities, how=how, on="city", suffixes=("", "_right"))
    assert_frame_equal(result, expected)
    assert column_roles(result)["label"] == "spent"


def test_join_on_differently_named_keys_can_drop_the_right_keys(run_component, people, cities):
    right = cities.rename(columns={"city": "town"})
    kept = run_component("join-data", {"left": people, "right": right},
                         {"left_keys": "city", "right_keys": "town"})["results_dataset"]
    dropped = run_component("join-data", {"left": people, "right": right},
                            {"left_keys": "city", "right_keys": "town", "keep_right_keys": False})["results_dataset"]
    assert "town" in kept.columns and "town" not in dropped.columns
    assert len(kept) == 3


def test_left_semi_join_keeps_left_rows_that_have_a_match(run_component, people, cities):
    result = run_component("join-data", {"left": people, "right": cities},
                           {"left_keys": "city", "join_type": "left-semi"})["results_dataset"]
    assert_frame_equal(result, people[people["city"] == "oslo"].reset_index(drop=True))


@pytest.mark.parametrize("params, message", [
    ({"left_keys": "city,id", "right_keys": "city"}, "2 left keys but 1 right keys"),
    ({"left_keys": "town"}, "'town' not found in the left table"),
    ({"left_keys": "city", "right_keys": "place"}, "'place' not found in the right table"),
    ({"left_keys": "id", "right_keys": "country"}, "left key 'id' holds numbers but right key 'country' holds text"),
    ({"left_keys": ""}, "no key columns"),
])
def test_join_explains_bad_keys(run_component, people, cities, params, message):
    with pytest.raises(ComponentError, match=message):
        run_component("join-data", {"left": people, "right": cities}, params)


# ---------------------------------------------------------------- split-data

@pytest.fixture
def iris(run_component):
    return run_component("sample-dataset", params={"name": "iris"})["dataset"]


@pytest.mark.parametrize("fraction, seed", [(0.3, 0), (0.25, 7), (0.5, 123)])
def test_split_matches_train_test_split_with_the_same_seed(run_component, iris, fraction, seed):
    out = run_component("split-data", {"dataset": iris}, {"test_fraction": fraction, "seed": seed})

    train, test = train_test_split(iris, test_size=fraction, random_state=seed)
    assert_frame_equal(out["train"], train.reset_index(drop=True))
    assert_frame_equal(out["test"], test.reset_index(drop=True))


def test_stratified_split_matches_sklearn_and_keeps_class_shares(run_component, iris):
    out = run_component("split-data", {"dataset": iris},
                        {"test_fraction": 0.2, "seed": 3, "stratify_column": "species"})

    _, test = train_test_split(iris, test_size=0.2, random_state=3, stratify=iris["species"])
    assert_frame_equal(out["test"], test.reset_index(drop=True))
    assert out["test"]["species"].value_counts().tolist() == [10, 10, 10]


def test_split_keeps_roles_through_the_artifact_store(run_component, artifact_store, iris):
    out = run_component("split-data", {"dataset": iris})
    for port in ("train", "test"):
        loaded = artifact_store.get(artifact_store.put(DataFrame, out[port]))
        assert_frame_equal(loaded, out[port])
        assert column_roles(loaded) == column_roles(iris)


@pytest.mark.parametrize("fraction, train_rows, test_rows", [(0.0, 150, 0), (1.0, 0, 150)])
def test_split_fraction_zero_or_one_sends_every_row_one_way(run_component, iris, fraction, train_rows, test_rows):
    out = run_component("split-data", {"dataset": iris}, {"test_fraction": fraction})
    assert (len(out["train"]), len(out["test"])) == (train_rows, test_rows)
    assert list(out["test"].columns) == list(iris.columns)


def test_split_without_shuffle_sends_the_last_rows_to_test(run_component, people):
    out = run_component("split-data", {"dataset": people}, {"test_fraction": 0.5, "shuffle": False})
    assert out["test"]["id"].tolist() == [4, 5, 6]


@pytest.mark.parametrize("params, message", [
    ({"stratify_column": "name"}, "classes with only one row \\('a', 'b'"),
    ({"stratify_column": "nope"}, "'nope' not found"),
    ({"stratify_column": "city", "test_fraction": 0.1}, "needs at least 2 rows"),
    ({"stratify_column": "city", "shuffle": False}, "must shuffle"),
])
def test_split_explains_what_it_cannot_do(run_component, people, params, message):
    with pytest.raises(ComponentError, match=message):
        run_component("split-data", {"dataset": people}, params)


def test_split_that_would_leave_train_empty_says_so(run_component, people):
    with pytest.raises(ComponentError, match="cannot split 1 rows.*train set will be empty"):
        run_component("split-data", {"dataset": people.head(1)}, {"test_fraction": 0.5})


def test_split_refuses_missing_values_in_the_stratify_column(run_component, people):
    people.loc[0, "city"] = None
    with pytest.raises(ComponentError, match="1 missing values"):
        run_component("split-data", {"dataset": people}, {"stratify_column": "city"})


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(2, 60), fraction=st.floats(0.01, 0.99), seed=st.integers(0, 2**32 - 1))
def test_split_partitions_rows_exactly(rows, fraction, seed):
    import components
    from components.calling import call_component

    frame = pd.DataFrame({"row": np.arange(rows), "value": np.arange(rows) * 1.5})
    expected_test = math.ceil(fraction * rows)
    try:
        out = call_component(components.get("split-data"), {"dataset": frame},
                             {"test_fraction": fraction, "seed": seed})
    except ComponentError:
        assert expected_test in (0, rows)  # one side would be empty: refused, not silently wrong
        return
    assert len(out["test"]) == expected_test
    combined = pd.concat([out["train"], out["test"]]).sort_values("row").reset_index(drop=True)
    assert_frame_equal(combined, frame)
