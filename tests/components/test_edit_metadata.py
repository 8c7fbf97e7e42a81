"""edit-metadata: roles, categorical marks, renames and type conversions, and their errors."""
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from components.ports import DataFrame, column_roles, with_roles
from components.spec import ComponentError


@pytest.fixture
def orders():
    return pd.DataFrame({"qty": ["1", "2", None], "price": ["1.5", "2", "3"], "paid": ["yes", "No", "1"],
                         "day": ["2024-01-02", "2024-02-03", None], "kind": ["a", "b", "a"]})


def edit(run_component, frame, **params):
    return run_component("edit-metadata", {"dataset": frame}, params)["results_dataset"]


def test_marking_a_label_sets_the_role_and_keeps_the_data(run_component, orders):
    result = edit(run_component, orders, columns="kind", role="label")
    assert_frame_equal(result, orders)
    assert column_roles(result)["label"] == "kind"


def test_a_new_label_leaves_the_explicit_feature_list(run_component, orders):
    frame = with_roles(orders, features=["qty", "kind"])
    assert column_roles(edit(run_component, frame, columns="kind", role="label"))["features"] == ["qty"]


def test_clear_label_and_feature_roles(run_component, orders):
    frame = with_roles(orders, label="kind")
    assert column_roles(edit(run_component, frame, columns="kind", role="clear-label"))["label"] is None
    assert column_roles(edit(run_component, frame, columns="kind", role="feature"))["label"] is None
    cleared = column_roles(edit(run_component, frame, columns="day,paid", role="clear-feature"))
    assert cleared["features"] == ["qty", "price"] and cleared["label"] == "kind"


def test_categorical_marks_can_be_set_and_removed(run_component, orders):
    marked = edit(run_component, orders, columns="kind,paid", categorical="true")
    assert column_roles(marked)["categorical"] == ["kind", "paid"]
    unmarked = edit(run_component, marked, columns="paid", categorical="false")
    assert column_roles(unmarked)["categorical"] == ["kind"]


def test_renaming_carries_roles_to_the_new_names(run_component, artifact_store, orders):
    frame = with_roles(orders, label="kind", categorical=["kind"], features=["qty", "price"])
    result = edit(run_component, frame, columns="kind, qty", new_names="category, quantity")

    assert list(result.columns) == ["quantity", "price", "paid", "day", "category"]
    loaded = artifact_store.get(artifact_store.put(DataFrame, result))
    assert column_roles(loaded) == {"label": "category", "categorical": ["category"],
                                    "features": ["quantity", "price"]}


@pytest.mark.parametrize("column, data_type, expected", [
    ("qty", "integer", pd.array([1, 2, None], dtype="Int64")),
    ("price", "float", np.array([1.5, 2.0, 3.0])),
    ("paid", "boolean", np.array([True, False, True])),
    ("kind", "string", np.array(["a", "b", "a"], dtype=object)),
])
def test_data_type_conversion(run_component, orders, column, data_type, expected):
    result = edit(run_component, orders, columns=column, data_type=data_type)
    assert result[column].tolist() == list(expected)


def test_datetime_conversion_keeps_missing_values_missing(run_component, orders):
    result = edit(run_component, orders, columns="day", data_type="datetime")
    assert pd.api.types.is_datetime64_any_dtype(result["day"])
    assert result["day"].iloc[0] == pd.Timestamp("2024-01-02") and pd.isna(result["day"].iloc[2])


@pytest.mark.parametrize("params, message", [
    ({"columns": "kind", "data_type": "integer"}, "'kind' cannot be converted: 3 values are not a number, e.g. 'a'"),
    ({"columns": "price", "data_type": "integer"}, "not a whole number, e.g. '1.5'"),
    ({"columns": "kind", "data_type": "boolean"}, "not true or false"),
    ({"columns": "kind", "data_type": "datetime"}, "not a date"),
    ({"columns": "kind,qty", "role": "label"}, "only one column can be the label"),
    ({"columns": "kind,qty", "new_names": "only_one"}, "one new name per chosen column"),
    ({"columns": "kind", "new_names": "qty"}, "several columns the name 'qty'"),
    ({"columns": "nope"}, "'nope' not found"),
    ({"columns": ""}, "no columns were named"),
])
def test_edit_metadata_explains_bad_settings(run_component, orders, params, message):
    with pytest.raises(ComponentError, match=message):
        run_component("edit-metadata", {"dataset": orders}, params)
