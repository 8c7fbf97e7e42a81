"""clean-missing-data, normalize-data, convert-to-indicator-values and apply-transformation.

Each learning component is checked against pandas/scikit-learn called directly,
and its transformation against new data: nothing is re-learned at apply time.
"""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames
from pandas.testing import assert_frame_equal
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from components.fitted import TableTransformation
from components.ports import DataFrame, Transformation, column_roles, with_roles
from components.spec import ComponentError


@pytest.fixture
def gappy():
    frame = pd.DataFrame({
        "age": [20.0, np.nan, 40.0, 30.0, np.nan],
        "income": [1.0, 2.0, np.nan, 4.0, 100.0],
        "city": ["oslo", None, "oslo", "rome", "paris"],
        "bought": ["yes", "no", "yes", "no", None],
    })
    return with_roles(frame, label="bought", categorical=["city"])


# ---------------------------------------------------------------- clean-missing-data

@pytest.mark.parametrize("strategy", ["mean", "median"])
def test_mean_and_median_fill_number_columns_like_pandas(run_component, gappy, strategy):
    out = run_component("clean-missing-data", {"dataset": gappy}, {"strategy": strategy})

    expected = gappy.copy()
    for name in ("age", "income"):
        expected[name] = gappy[name].fillna(getattr(gappy[name], strategy)())
    assert_frame_equal(out["cleaned_dataset"], expected)


def test_mode_fills_every_chosen_column_with_its_most_frequent_value(run_component, gappy):
    out = run_component("clean-missing-data", {"dataset": gappy}, {"strategy": "mode", "columns": "city, age"})
    cleaned = out["cleaned_dataset"]
    assert cleaned["city"].tolist() == ["oslo", "oslo", "oslo", "rome", "paris"]
    assert cleaned["age"].isna().sum() == 0
    assert cleaned["income"].isna().sum() == 1  # not chosen


def test_constant_is_read_as_a_number_for_number_columns(run_component, gappy):
    cleaned = run_component("clean-missing-data", {"dataset": gappy},
                            {"strategy": "constant", "constant": "-1", "columns": "age"})["cleaned_dataset"]
    assert cleaned["age"].tolist() == [20.0, -1.0, 40.0, 30.0, -1.0]


def test_constant_text_fills_text_columns_and_passes_over_number_columns(run_component, gappy):
    cleaned = run_component("clean-missing-data", {"dataset": gappy},
                            {"strategy": "constant", "constant": "unknown"})["cleaned_dataset"]
    assert cleaned["city"].tolist() == ["oslo", "unknown", "oslo", "rome", "paris"]
    assert cleaned["age"].isna().sum() == 2


def test_remove_row_drops_rows_with_gaps_like_dropna(run_component, gappy):
    cleaned = run_component("clean-missing-data", {"dataset": gappy},
                            {"strategy": "remove-row", "columns": "age,city"})["cleaned_dataset"]
    assert_frame_equal(cleaned, gappy.dropna(subset=["age", "city"]).reset_index(drop=True))


def test_remove_column_drops_only_chosen_columns_with_gaps(run_component):
    frame = pd.DataFrame({"a": [1, None], "b": [1, 2], "c": [None, 3]})
    cleaned = run_component("clean-missing-data", {"dataset": frame},
                            {"strategy": "remove-column", "columns": "a,b"})["cleaned_dataset"]
    assert list(cleaned.columns) == ["b", "c"]


def test_indicator_columns_say_which_values_were_filled(run_component, gappy):
    cleaned = run_component("clean-missing-data", {"dataset": gappy},
                            {"strategy": "mean", "columns": "age", "add_indicator": True})["cleaned_dataset"]
    assert cleaned["age_IsMissing"].tolist() == [False, True, False, False, True]


def test_cleaning_keeps_column_roles(run_component, gappy):
    cleaned = run_component("clean-missing-data", {"dataset": gappy}, {"strategy": "mode"})["cleaned_dataset"]
    assert column_roles(cleaned) == column_roles(gappy)


def test_cleaning_transformation_fills_new_data_with_training_values(run_component, gappy):
    out = run_component("clean-missing-data", {"dataset": gappy}, {"strategy": "mean"})
    new = pd.DataFrame({"age": [np.nan, 99.0], "income": [np.nan, 0.0], "city": ["x", None], "bought": ["y", "n"]})

    applied = out["cleaning_transformation"].apply(new)

    assert applied["age"].tolist() == [gappy["age"].mean(), 99.0]
    assert applied["income"].tolist() == [gappy["income"].mean(), 0.0]


def test_cleaning_transformation_reproduces_its_own_output(run_component, gappy):
    out = run_component("clean-missing-data", {"dataset": gappy}, {"strategy": "median", "add_indicator": True})
    assert_frame_equal(out["cleaning_transformation"].apply(gappy), out["cleaned_dataset"])


def test_cleaning_transformation_does_without_the_label_but_names_other_missing_columns(run_component, gappy):
    cleaner = run_component("clean-missing-data", {"dataset": gappy}, {"strategy": "mode"})["cleaning_transformation"]

    scored = cleaner.apply(gappy.drop(columns=["bought"]))
    assert "bought" not in scored.columns
    with pytest.raises(ComponentError, match="'city' not found"):
        cleaner.apply(gappy.drop(columns=["bought", "city"]))


@pytest.mark.parametrize("params, message", [
    ({"columns": "age, nope"}, "column 'nope' not found"),
    ({"strategy": "mean", "columns": "city"}, "needs number columns.*'city'"),
    ({"strategy": "constant", "columns": "age", "constant": "n/a"}, "must be a number"),
])
def test_clean_missing_data_explains_bad_settings(run_component, gappy, params, message):
    with pytest.raises(ComponentError, match=message):
        run_component("clean-missing-data", {"dataset": gappy}, params)


def test_cleaning_a_column_with_no_values_at_all_suggests_another_strategy(run_component):
    frame = pd.DataFrame({"a": [np.nan, np.nan], "b": [1.0, 2.0]})
    with pytest.raises(ComponentError, match="'a' has no values.*remove-column"):
        run_component("clean-missing-data", {"dataset": frame}, {"strategy": "mean"})


# ---------------------------------------------------------------- normalize-data

@pytest.fixture
def measurements():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"height": rng.normal(170, 10, 40), "weight": rng.integers(50, 90, 40),
                          "name": [f"p{i}" for i in range(40)], "target": rng.normal(0, 1, 40)})
    return with_roles(frame, label="target")


@pytest.mark.parametrize("method, scaler", [("zscore", StandardScaler), ("minmax", MinMaxScaler)])
def test_normalize_equals_sklearn_scaler_on_number_features(run_component, measurements, method, scaler):
    out = run_component("normalize-data", {"dataset": measurements}, {"method": method})

    expected = scaler().fit_transform(measurements[["height", "weight"]])
    result = out["transformed_dataset"]
    np.testing.assert_allclose(result[["height", "weight"]].to_numpy(), expected)
    assert_frame_equal(result[["name", "target"]], measurements[["name", "target"]])
    assert column_roles(result) == column_roles(measurements)


def test_normalize_transformation_scales_new_data_with_training_statistics(run_component, measurements):
    normalizer = run_component("normalize-data", {"dataset": measurements})["transformation"]
    fitted = StandardScaler().fit(measurements[["height", "weight"]].to_numpy(dtype=float))
    new = pd.DataFrame({"height": [150.0, 200.0], "weight": [60, 70], "name": ["a", "b"]})

    applied = normalizer.apply(new)

    np.testing.assert_allclose(applied[["height", "weight"]].to_numpy(),
                               fitted.transform(new[["height", "weight"]].to_numpy(dtype=float)))


def test_normalize_only_the_named_columns(run_component, measurements):
    result = run_component("normalize-data", {"dataset": measurements},
                           {"columns": "target", "method": "minmax"})["transformed_dataset"]
    assert result["target"].min() == 0.0 and result["target"].max() == 1.0
    assert_frame_equal(result[["height", "weight"]], measurements[["height", "weight"]])


def test_a_constant_column_normalizes_to_zero(run_component):
    frame = pd.DataFrame({"flat": [3.0, 3.0, 3.0]})
    result = run_component("normalize-data", {"dataset": frame})["transformed_dataset"]
    assert result["flat"].tolist() == [0.0, 0.0, 0.0]


def test_normalize_refuses_text_columns_by_name(run_component, measurements):
    with pytest.raises(ComponentError, match="only number columns.*'name'"):
        run_component("normalize-data", {"dataset": measurements}, {"columns": "height,name"})


def test_normalize_transformation_scores_data_without_the_label_it_scaled(run_component, measurements):
    out = run_component("normalize-data", {"dataset": measurements}, {"columns": "height,target"})
    scoring_rows = measurements.drop(columns=["target"])

    applied = out["transformation"].apply(scoring_rows)

    assert "target" not in applied.columns
    assert_frame_equal(applied, out["transformed_dataset"].drop(columns=["target"]))


def test_normalize_transformation_names_the_columns_new_data_lacks(run_component, measurements):
    normalizer = run_component("normalize-data", {"dataset": measurements})["transformation"]
    with pytest.raises(ComponentError, match="'weight' not found"):
        normalizer.apply(measurements.drop(columns=["weight"]))


# ---------------------------------------------------------------- convert-to-indicator-values

def test_indicator_values_make_one_column_per_category(run_component, gappy):
    out = run_component("convert-to-indicator-values", {"dataset": gappy})
    result = out["results_dataset"]

    assert list(result.columns) == ["age", "income", "city", "city-oslo", "city-paris", "city-rome", "bought"]
    expected = pd.get_dummies(gappy["city"], prefix="city", prefix_sep="-", dtype="int64")
    assert_frame_equal(result[expected.columns], expected)


def test_indicator_values_can_replace_the_column_and_update_roles(run_component, gappy):
    gappy = with_roles(gappy, features=["age", "city"])
    result = run_component("convert-to-indicator-values", {"dataset": gappy},
                           {"columns": "city", "overwrite": True})["results_dataset"]

    assert "city" not in result.columns
    roles = column_roles(result)
    assert roles["features"] == ["age", "city-oslo", "city-paris", "city-rome"]
    assert roles["categorical"] == [] and roles["label"] == "bought"


def test_indicator_transformation_gives_zeros_for_unseen_categories(run_component, gappy):
    encoder = run_component("convert-to-indicator-values", {"dataset": gappy})["indicator_transformation"]
    new = pd.DataFrame({"age": [1.0, 2.0], "income": [1.0, 1.0], "city": ["rome", "tokyo"]})

    applied = encoder.apply(new)

    assert applied[["city-oslo", "city-paris", "city-rome"]].values.tolist() == [[0, 0, 1], [0, 0, 0]]


def test_indicator_transformation_reproduces_its_own_output(run_component, gappy):
    out = run_component("convert-to-indicator-values", {"dataset": gappy}, {"columns": "city,bought"})
    assert_frame_equal(out["indicator_transformation"].apply(gappy), out["results_dataset"])


@pytest.mark.parametrize("frame, params, message", [
    (pd.DataFrame({"a": [1]}), {}, "no columns to convert"),
    (pd.DataFrame({"a": ["x"]}), {"columns": "b"}, "'b' not found"),
    (pd.DataFrame({"a": ["x"], "a-x": [5]}), {"columns": "a"}, "'a-x' would replace"),
])
def test_indicator_values_explain_bad_settings(run_component, frame, params, message):
    with pytest.raises(ComponentError, match=message):
        run_component("convert-to-indicator-values", {"dataset": frame}, params)


# ---------------------------------------------------------------- apply-transformation

@pytest.mark.parametrize("component_id, port", [
    ("clean-missing-data", "cleaning_transformation"),
    ("normalize-data", "transformation"),
    ("convert-to-indicator-values", "indicator_transformation"),
])
def test_stored_transformation_reapplied_gives_the_fit_time_output(run_component, artifact_store, gappy,
                                                                   component_id, port):
    dataset = gappy if component_id != "clean-missing-data" else gappy.assign(city=gappy["city"].fillna("?"))
    out = run_component(component_id, {"dataset": dataset})
    table_port = next(name for name in out if name != port)
    stored = artifact_store.get(artifact_store.put(Transformation, out[port]))
    stored_table = artifact_store.get(artifact_store.put(DataFrame, out[table_port]))

    applied = run_component("apply-transformation", {"transformation": stored, "dataset": dataset})

    assert_frame_equal(applied["transformed_dataset"], stored_table)
    assert column_roles(stored_table) == column_roles(out[table_port])


def test_apply_transformation_accepts_any_object_with_apply(run_component):
    class Doubler:
        def apply(self, frame):
            return frame * 2

    frame = with_roles(pd.DataFrame({"x": [1, 2]}), label="x")
    result = run_component("apply-transformation", {"transformation": Doubler(), "dataset": frame})

    assert result["transformed_dataset"]["x"].tolist() == [2, 4]
    assert column_roles(result["transformed_dataset"])["label"] == "x"


@pytest.mark.parametrize("transformation, message", [
    ("not a transformation", "cannot be applied"),
    (type("Broken", (), {"apply": lambda self, frame: frame["nope"]})(), "could not be applied.*nope"),
    (type("Scalar", (), {"apply": lambda self, frame: 3})(), "gave a int, not a table"),
])
def test_apply_transformation_explains_failures(run_component, transformation, message):
    with pytest.raises(ComponentError, match=message):
        run_component("apply-transformation", {"transformation": transformation,
                                               "dataset": pd.DataFrame({"x": [1]})})


def test_every_table_transformation_is_a_table_transformation(run_component, gappy):
    out = run_component("normalize-data", {"dataset": gappy})
    assert isinstance(out["transformation"], TableTransformation)
    assert out["transformation"].describe()["columns"] == ["age", "income"]


@settings(max_examples=40, deadline=None)
@given(data_frames([column("a", dtype=float, elements=st.floats(-1e6, 1e6)),
                    column("b", dtype=float, elements=st.floats(-1e6, 1e6) | st.just(np.nan))]))
def test_fitted_steps_never_refit_on_the_data_they_are_applied_to(frame):
    from components.fitted import MissingValueCleaner, Normalizer

    base = pd.DataFrame({"a": [0.0, 10.0], "b": [np.nan, 4.0]})
    cleaner = MissingValueCleaner.fit(base, ["b"], "mean")
    normalizer = Normalizer.fit(base.fillna(0), ["a"], "minmax")

    assert cleaner.apply(frame)["b"].tolist() == frame["b"].fillna(4.0).tolist()
    np.testing.assert_allclose(normalizer.apply(frame)["a"].to_numpy(), frame["a"].to_numpy() / 10.0)
