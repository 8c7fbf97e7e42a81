"""Math, add columns/rows, clip values, bins, select-columns-transform, summarize-data and the new normalize
methods, each against numpy / pandas / scipy called directly on the same data."""
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal
from scipy.special import erf, ndtr

from components.ports import column_roles, with_roles
from components.spec import ComponentError


@pytest.fixture
def table():
    return with_roles(pd.DataFrame({"x": [1.0, 4.0, 9.0, 16.0, 100.0], "y": [2.0, 2.0, 3.0, 0.5, 1.0],
                                    "name": list("abcde"), "label": [0, 1, 0, 1, 1]}), label="label")


# ---------------------------------------------------------------- apply-math-operation

@pytest.mark.parametrize("category, function, constant, expected", [
    ("basic", "Sqrt", 1.0, np.sqrt), ("basic", "Ln", 1.0, np.log), ("basic", "Pow", 3.0, lambda v: v ** 3),
    ("basic", "Log", 10.0, np.log10), ("rounding", "RoundDigits", 0.0, np.round),
    ("operations", "Add", 2.5, lambda v: v + 2.5), ("compare", "GreaterThan", 5.0, lambda v: v > 5),
    ("trigonometric", "Sin", 1.0, np.sin), ("special", "Erf", 1.0, erf),
])
def test_math_functions_equal_numpy(run_component, table, category, function, constant, expected):
    out = run_component("apply-math-operation", {"dataset": table},
                        {"category": category, "function": function, "column_set": "x", "constant": constant})
    result = out["results_dataset"]
    np.testing.assert_allclose(result[f"{function}(x)"].to_numpy(np.float64),
                               np.asarray(expected(table["x"].to_numpy()), dtype=np.float64))
    assert list(result.columns[:4]) == ["x", "y", "name", "label"]
    assert column_roles(result)["label"] == "label"


def test_math_with_a_second_column_and_inplace_output(run_component, table):
    result = run_component("apply-math-operation", {"dataset": table},
                           {"category": "operations", "function": "Divide", "column_set": "x",
                            "second_argument_type": "column", "second_argument_column": "y",
                            "output_mode": "inplace"})["results_dataset"]
    assert result["x"].tolist() == (table["x"] / table["y"]).tolist()
    assert list(result.columns) == list(table.columns)


def test_math_on_a_text_column_is_a_node_error_naming_it(run_component, table):
    with pytest.raises(ComponentError, match="'name'"):
        run_component("apply-math-operation", {"dataset": table}, {"function": "Abs", "column_set": "x,name"})


def test_math_on_a_missing_column_names_it(run_component, table):
    with pytest.raises(ComponentError, match="'nope'"):
        run_component("apply-math-operation", {"dataset": table}, {"function": "Abs", "column_set": "nope"})


def test_a_function_of_another_category_is_refused(run_component, table):
    with pytest.raises(ComponentError, match="rounding"):
        run_component("apply-math-operation", {"dataset": table},
                      {"category": "basic", "function": "Floor", "column_set": "x"})


# ---------------------------------------------------------------- add-columns / add-rows

def test_add_columns_puts_tables_side_by_side_like_pandas_concat(run_component, table):
    right = pd.DataFrame({"z": range(5), "x": range(5)})
    combined = run_component("add-columns", {"left": table, "right": right})["combined_dataset"]
    expected = pd.concat([table, right.rename(columns={"x": "x_right"})], axis=1)
    expected.attrs = {}
    combined.attrs = {}
    assert_frame_equal(combined, expected)


def test_add_columns_needs_the_same_number_of_rows(run_component, table):
    with pytest.raises(ComponentError, match="5 and 2 rows"):
        run_component("add-columns", {"left": table, "right": pd.DataFrame({"z": [1, 2]})})


def test_add_rows_appends_by_column_name(run_component, table):
    second = table[list(reversed(table.columns))].head(2)
    rows = run_component("add-rows", {"dataset1": table, "dataset2": second})["results_dataset"]
    expected = pd.concat([table, second[table.columns]], ignore_index=True)
    assert rows.to_dict("list") == expected.to_dict("list")


def test_add_rows_names_the_columns_only_one_table_has(run_component, table):
    with pytest.raises(ComponentError, match="only dataset2 has 'extra'"):
        run_component("add-rows", {"dataset1": table, "dataset2": table.assign(extra=1)})


# ---------------------------------------------------------------- clip-values

def test_constant_clipping_equals_numpy_clip(run_component, table):
    out = run_component("clip-values", {"dataset": table},
                        {"upper_threshold": 10.0, "lower_threshold": 2.0, "columns": "x"})
    assert out["results_dataset"]["x"].tolist() == np.clip(table["x"], 2.0, 10.0).tolist()


def test_percentile_thresholds_and_mean_substitute_are_learned_once(run_component, table):
    out = run_component("clip-values", {"dataset": table},
                        {"threshold": "percentile", "upper_percentile": 80.0, "set_of_thresholds": "peaks",
                         "substitute_for_peaks": "mean", "columns": "x", "add_indicator_columns": True})
    upper = np.percentile(table["x"], 80)
    mean = table["x"].mean()
    expected = [v if v <= upper else mean for v in table["x"]]
    assert out["results_dataset"]["x"].tolist() == expected
    assert out["results_dataset"]["x_ClipIndicator"].tolist() == [v > upper for v in table["x"]]
    new = pd.DataFrame({"x": [1000.0, 1.0]})
    assert out["clip_transformation"].apply(new)["x"].tolist() == [mean, 1.0]


# ---------------------------------------------------------------- group-data-into-bins

def test_quantile_bins_follow_numpy_quantiles(run_component):
    values = pd.DataFrame({"v": np.arange(20, dtype=float)})
    out = run_component("group-data-into-bins", {"dataset": values}, {"number_of_bins": 4})
    edges = np.quantile(values["v"], [0.25, 0.5, 0.75])
    assert out["quantized_dataset"]["v_quantized"].tolist() == (np.digitize(values["v"], edges) + 1).tolist()
    assert "v_quantized" in column_roles(out["quantized_dataset"])["categorical"]


def test_equal_width_bins_follow_numpy_histogram_edges_and_open_outer_bins(run_component, table):
    out = run_component("group-data-into-bins", {"dataset": table},
                        {"binning_mode": "equal-width", "number_of_bins": 3, "columns": "x",
                         "output_mode": "inplace"})
    edges = np.histogram_bin_edges(table["x"], bins=3)[1:-1]
    assert out["quantized_dataset"]["x"].tolist() == (np.digitize(table["x"], edges) + 1).tolist()
    new = out["binning_transformation"].apply(pd.DataFrame({"x": [-50.0, 500.0]}))
    assert new["x"].tolist() == [1, 3]


def test_custom_edges_cut_where_the_user_says(run_component, table):
    out = run_component("group-data-into-bins", {"dataset": table},
                        {"binning_mode": "custom-edges", "custom_edges": "5, 50", "columns": "x",
                         "output_mode": "result-only"})
    assert out["quantized_dataset"].to_dict("list") == {"x_quantized": [1, 1, 2, 2, 3]}


def test_binning_a_text_column_names_it(run_component, table):
    with pytest.raises(ComponentError, match="'name'"):
        run_component("group-data-into-bins", {"dataset": table}, {"columns": "name"})


# ---------------------------------------------------------------- select-columns-transform

def test_select_columns_transform_gives_new_data_the_same_columns_in_order(run_component, table):
    chosen = table[["y", "x", "label"]]
    transformation = run_component("select-columns-transform", {"dataset": chosen})[
        "columns_selection_transformation"]
    new = pd.DataFrame({"x": [1.0], "name": ["q"], "y": [2.0]})
    assert list(transformation.apply(new).columns) == ["y", "x"]
    with pytest.raises(ComponentError, match="'y'"):
        transformation.apply(pd.DataFrame({"x": [1.0]}))


# ---------------------------------------------------------------- summarize-data

def test_summary_statistics_equal_pandas(run_component, table):
    summary = run_component("summarize-data", {"dataset": table})["result_dataset"].set_index("Feature")
    x = table["x"]
    assert summary.loc["x", "Mean"] == x.mean()
    assert summary.loc["x", "Median"] == x.median()
    assert summary.loc["x", "Sample Standard Deviation"] == x.std()
    assert summary.loc["x", "Sample Skewness"] == x.skew()
    assert summary.loc["x", "P95"] == x.quantile(0.95)
    assert summary.loc["name", "Unique Value Count"] == 5
    assert pd.isna(summary.loc["name", "Mean"])


# ---------------------------------------------------------------- normalize-data: logistic, lognormal, tanh

def test_logistic_normalization_is_the_logistic_function(run_component, table):
    out = run_component("normalize-data", {"dataset": table}, {"method": "logistic", "columns": "x,y"})
    assert_series_equal(out["transformed_dataset"]["y"], 1 / (1 + np.exp(-table["y"])), check_names=False)


def test_lognormal_normalization_is_the_normal_cdf_of_the_log_z_score(run_component, table):
    out = run_component("normalize-data", {"dataset": table}, {"method": "lognormal", "columns": "x"})
    logs = np.log(table["x"])
    expected = ndtr((logs - logs.mean()) / logs.std(ddof=0))
    np.testing.assert_allclose(out["transformed_dataset"]["x"], expected)
    new = out["transformation"].apply(pd.DataFrame({"x": [np.exp(logs.mean())]}))
    assert new["x"].iloc[0] == pytest.approx(0.5)


def test_tanh_normalization_is_hampels_estimator(run_component, table):
    out = run_component("normalize-data", {"dataset": table}, {"method": "tanh", "columns": "x"})
    z = (table["x"] - table["x"].mean()) / table["x"].std(ddof=0)
    np.testing.assert_allclose(out["transformed_dataset"]["x"], 0.5 * (np.tanh(0.01 * z) + 1))


def test_lognormal_refuses_non_positive_numbers(run_component, table):
    with pytest.raises(ComponentError, match="'label'"):
        run_component("normalize-data", {"dataset": table}, {"method": "lognormal", "columns": "x,label"})
