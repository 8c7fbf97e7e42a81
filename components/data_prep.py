"""Data Transformation components from Azure's catalogue: math on columns, adding columns and rows, clipping,
binning, column-selection transforms and column summaries."""
from __future__ import annotations

import numpy as np
import pandas as pd

from components import prep_schemas
from components.columns import chosen_columns, keep_roles, numeric_feature_columns, parse_columns, quoted
from components.fitted_prep import OUTPUT_MODES, Binner, Clipper, ColumnSelection, numeric_columns_or_error, \
    place_results
from components.ports import DataFrame, Transformation
from components.roles import Kind, Role
from components.spec import ComponentError, Param, component

CATEGORY = "Data Transformation"

#: Azure's math categories → function name → numpy function of (values, second argument).
MATH_FUNCTIONS = {
    "basic": {
        "Abs": lambda x, _: np.abs(x), "Cuberoot": lambda x, _: np.cbrt(x), "Exp": lambda x, _: np.exp(x),
        "Exp2": lambda x, _: np.exp2(x), "ExpMinus1": lambda x, _: np.expm1(x), "Ln": lambda x, _: np.log(x),
        "LnPlus1": lambda x, _: np.log1p(x), "Log10": lambda x, _: np.log10(x), "Log2": lambda x, _: np.log2(x),
        "Log": lambda x, b: np.log(x) / np.log(b), "NthRoot": lambda x, n: np.sign(x) * np.abs(x) ** (1.0 / n),
        "Pow": lambda x, p: np.power(x, p), "Sqrt": lambda x, _: np.sqrt(x), "Square": lambda x, _: np.square(x),
        "Sign": lambda x, _: np.sign(x), "Hypotenuse": lambda x, y: np.hypot(x, y),
    },
    "compare": {
        "EqualTo": lambda x, y: x == y, "NotEqualTo": lambda x, y: x != y, "GreaterThan": lambda x, y: x > y,
        "GreaterThanOrEqualTo": lambda x, y: x >= y, "LessThan": lambda x, y: x < y,
        "LessThanOrEqualTo": lambda x, y: x <= y,
    },
    "operations": {
        "Add": lambda x, y: x + y, "Subtract": lambda x, y: x - y, "Multiply": lambda x, y: x * y,
        "Divide": lambda x, y: x / y,
    },
    "rounding": {
        "Ceiling": lambda x, _: np.ceil(x), "Floor": lambda x, _: np.floor(x), "Truncate": lambda x, _: np.trunc(x),
        "RoundDigits": lambda x, d: np.round(x, int(d)), "Mod": lambda x, y: np.mod(x, y),
        "Quotient": lambda x, y: np.floor_divide(x, y), "ToEven": lambda x, _: 2 * np.round(x / 2),
    },
    "special": {
        name: (lambda f: (lambda x, _: _special(f)(x)))(fn) for name, fn in
        {"Gamma": "gamma", "LogGamma": "gammaln", "Digamma": "digamma", "Erf": "erf", "Erfc": "erfc",
         "Sigmoid": "expit", "Logit": "logit"}.items()
    },
    "trigonometric": {
        name: (lambda f: (lambda x, _: f(x)))(getattr(np, fn)) for name, fn in
        {"Sin": "sin", "Cos": "cos", "Tan": "tan", "Asin": "arcsin", "Acos": "arccos", "Atan": "arctan",
         "Sinh": "sinh", "Cosh": "cosh", "Tanh": "tanh", "DegreesToRadians": "deg2rad",
         "RadiansToDegrees": "rad2deg"}.items()
    },
}
def _special(name: str):
    from scipy import special  # imported when used: the catalogue loads without scipy

    return getattr(special, name)


FUNCTION_CATEGORY = {name: category for category, names in MATH_FUNCTIONS.items() for name in names}


@component(id="apply-math-operation", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"results_dataset": DataFrame}, schema=lambda s: prep_schemas.math_schema(s, FUNCTION_CATEGORY),
           tags=("math", "arithmetic", "log", "round"))
def apply_math_operation(dataset, *,
                         category: Param(str, "basic", choices=tuple(MATH_FUNCTIONS),
                                         description="Family of the function: basic, compare, operations, "
                                                     "rounding, special (scipy.special) or trigonometric."),
                         function: Param(str, "Abs", choices=tuple(FUNCTION_CATEGORY),
                                         description="The function applied to each chosen column (it must belong "
                                                     "to the category)."),
                         column_set: Param(str, "", kind=Kind.COLUMNS, required=True,
                                           description="Number columns to compute on, comma separated."),
                         second_argument_type: Param(str, "constant", choices=("constant", "column"),
                                                     description="For two-argument functions: a constant or "
                                                                 "another column."),
                         constant: Param(float, 1.0, description="The second argument when it is a constant "
                                                                 "(an exponent, a base, digits, a divisor)."),
                         second_argument_column: Param(str, "", kind=Kind.COLUMN,
                                                       description="The column giving the second argument."),
                         output_mode: Param(str, "append", choices=OUTPUT_MODES,
                                            description="append adds <Function>(<column>) columns, inplace "
                                                        "replaces the columns, result-only keeps only results.")):
    """Apply a math function (numpy's) to number columns: logs, powers, rounding, comparisons, arithmetic.

    The result of `function` on column `c` is named `Function(c)` (append and
    result-only modes). Two-argument functions take a constant or the values of
    `second_argument_column` row by row. No fit: the same rows always give the
    same results, so the node is kept as it is in inference graphs.
    """
    if FUNCTION_CATEGORY[function] != category:
        raise ComponentError(f"{function} is a {FUNCTION_CATEGORY[function]} function, not {category}; "
                             f"choose the category {FUNCTION_CATEGORY[function]}")
    columns = chosen_columns(dataset, column_set)
    numeric_columns_or_error(dataset, columns, f"{function}")
    if second_argument_type == "column":
        other_name = chosen_columns(dataset, second_argument_column)
        if len(other_name) != 1:
            raise ComponentError("name exactly one second_argument_column")
        numeric_columns_or_error(dataset, other_name, f"{function}")
        other = dataset[other_name[0]].astype("float64").to_numpy()
    else:
        other = constant
    results = {}
    with np.errstate(all="ignore"):
        for column in columns:
            values = MATH_FUNCTIONS[category][function](dataset[column].astype("float64").to_numpy(), other)
            results[column] = (f"{function}({column})", pd.Series(values, index=dataset.index))
    return keep_roles(place_results(dataset.copy(), results, output_mode), dataset)


@component(id="add-columns", category=CATEGORY, inputs={"left": DataFrame, "right": DataFrame},
           outputs={"combined_dataset": DataFrame}, schema=prep_schemas.added_columns_schema)
def add_columns(left, right):
    """Put the columns of two tables side by side, row by row (both need the same number of rows).

    A right column whose name the left already uses gets the suffix `_right`.
    The result keeps the left table's column roles.
    """
    if len(left) != len(right):
        raise ComponentError(f"the tables have {len(left)} and {len(right)} rows; add-columns needs the same "
                             f"number of rows in both (use join-data to match rows by key)")
    renamed = right.rename(columns={c: f"{c}_right" for c in right.columns if c in left.columns})
    combined = pd.concat([left.reset_index(drop=True), renamed.reset_index(drop=True)], axis=1)
    return keep_roles(combined, left)


@component(id="add-rows", category=CATEGORY, inputs={"dataset1": DataFrame, "dataset2": DataFrame},
           outputs={"results_dataset": DataFrame},
           schema=prep_schemas.added_rows_schema)
def add_rows(dataset1, dataset2):
    """Append the rows of the second table below those of the first (both need the same column names).

    Columns are matched by name, not position; the result keeps the first table's roles.
    """
    if set(dataset1.columns) != set(dataset2.columns):
        only1 = [c for c in dataset1.columns if c not in dataset2.columns]
        only2 = [c for c in dataset2.columns if c not in dataset1.columns]
        raise ComponentError("the tables must have the same columns; "
                             + "; ".join(part for part in (f"only dataset1 has {quoted(only1)}" if only1 else "",
                                                           f"only dataset2 has {quoted(only2)}" if only2 else "")
                                         if part))
    rows = pd.concat([dataset1, dataset2[list(dataset1.columns)]], ignore_index=True)
    return keep_roles(rows, dataset1)


@component(id="clip-values", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"results_dataset": DataFrame, "clip_transformation": Transformation},
           schema=prep_schemas.clipped_schema)
def clip_values(dataset, *,
                set_of_thresholds: Param(str, "peaks-and-subpeaks", choices=("peaks", "subpeaks",
                                                                             "peaks-and-subpeaks"),
                                         description="Clip values above the upper threshold (peaks), below the "
                                                     "lower one (subpeaks), or both."),
                threshold: Param(str, "constant", choices=("constant", "percentile"),
                                 description="Thresholds as constants, or as percentiles learned from this data."),
                upper_threshold: Param(float, 99.0, description="Constant upper threshold."),
                lower_threshold: Param(float, 0.0, description="Constant lower threshold."),
                upper_percentile: Param(float, 99.0, min=0.0, max=100.0, description="Percentile upper threshold."),
                lower_percentile: Param(float, 1.0, min=0.0, max=100.0, description="Percentile lower threshold."),
                substitute_for_peaks: Param(str, "threshold", choices=Clipper.SUBSTITUTES,
                                            description="What replaces a peak: the threshold, the column's mean or "
                                                        "median (learned here), or a missing value."),
                substitute_for_subpeaks: Param(str, "threshold", choices=Clipper.SUBSTITUTES,
                                               description="What replaces a subpeak."),
                columns: Param(str, "", kind=Kind.COLUMNS,
                               description="Number columns to clip; empty means every number column but the label."),
                overwrite: Param(bool, True, description="Replace the columns; off adds <column>_clipped."),
                add_indicator_columns: Param(bool, False, description="Add <column>_ClipIndicator telling which "
                                                                      "values were clipped.")):
    """Replace outliers: values above or below a threshold become the threshold, the mean, the median or missing.

    Percentile thresholds, means and medians are learned from this data and
    kept in `clip_transformation`, so new data is clipped with the same numbers.
    """
    chosen = chosen_columns(dataset, columns, default=numeric_feature_columns(dataset))
    if threshold == "constant" and set_of_thresholds == "peaks-and-subpeaks" and lower_threshold > upper_threshold:
        raise ComponentError(f"the lower threshold {lower_threshold} is above the upper one {upper_threshold}")
    clipper = Clipper.fit(dataset, chosen, peaks=set_of_thresholds != "subpeaks",
                          subpeaks=set_of_thresholds != "peaks", threshold=threshold, upper=upper_threshold,
                          lower=lower_threshold, upper_percentile=upper_percentile, lower_percentile=lower_percentile,
                          peak_substitute=substitute_for_peaks, subpeak_substitute=substitute_for_subpeaks,
                          overwrite=overwrite, indicators=add_indicator_columns)
    return clipper.apply(dataset), clipper


@component(id="group-data-into-bins", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"quantized_dataset": DataFrame, "binning_transformation": Transformation},
           schema=prep_schemas.binned_schema)
def group_data_into_bins(dataset, *,
                         binning_mode: Param(str, "quantiles", choices=("quantiles", "equal-width", "custom-edges"),
                                             description="Bins holding equal numbers of rows (quantiles), of "
                                                         "equal width, or between edges you give."),
                         number_of_bins: Param(int, 10, min=1, max=10_000, description="How many bins."),
                         custom_edges: Param(str, "", description="Cut points for custom-edges, comma separated, "
                                                                  "e.g. 18,30,65 (gives 4 bins)."),
                         columns: Param(str, "", kind=Kind.COLUMNS,
                                        description="Number columns to bin; empty means every number column but "
                                                    "the label."),
                         output_mode: Param(str, "append", choices=OUTPUT_MODES,
                                            description="append adds <column>_quantized, inplace replaces the "
                                                        "column, result-only keeps only the bin columns."),
                         tag_columns_as_categorical: Param(bool, True, description="Mark the bin columns "
                                                                                   "categorical.")):
    """Group numbers into bins: each value becomes the number (1, 2, ...) of the bin it falls in.

    Quantile and equal-width edges are learned from this data (numpy's
    `quantile` and `histogram_bin_edges`); a value on an edge goes to the upper
    bin, and the first and last bins are open, so new data outside the training
    range still gets a bin. `binning_transformation` re-applies the same edges.
    """
    chosen = chosen_columns(dataset, columns, default=numeric_feature_columns(dataset))
    edges = []
    if binning_mode == "custom-edges":
        try:
            edges = [float(part) for part in parse_columns(custom_edges)]
        except ValueError:
            raise ComponentError(f"custom_edges must be numbers separated by commas, not {custom_edges!r}") from None
        if not edges:
            raise ComponentError("custom-edges binning needs at least one edge in custom_edges")
    binner = Binner.fit(dataset, chosen, binning_mode, number_of_bins, edges, output_mode, tag_columns_as_categorical)
    return binner.apply(dataset), binner


@component(id="select-columns-transform", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"columns_selection_transformation": Transformation},
           schema=prep_schemas.selection_transform_schema)
def select_columns_transform(dataset):
    """Remember the columns of a table as a transformation that keeps exactly those columns, in that order.

    Connect the table whose columns you want (for instance the output of
    filter-based feature selection or select-columns) and use apply-transformation
    to give new data the same columns; the label may be absent from new data.
    """
    return ColumnSelection(list(map(str, dataset.columns))).fitted_on(dataset)


_PERCENTILES = (0.5, 1, 5, 95, 99, 99.5)


@component(id="summarize-data", category="Statistical Functions", inputs={"dataset": DataFrame},
           outputs={"result_dataset": DataFrame}, roles={Role.TRAINING_ONLY},
           schema=lambda s: prep_schemas.summary_schema(s, _PERCENTILES))
def summarize_data(dataset):
    """One row of statistics per column of the table.

    Counts, distinct and missing values and the mode for every column; for
    number columns also min, max, mean, mean deviation, quartiles, range,
    variance, standard deviation, skewness, kurtosis and the 0.5, 1, 5, 95, 99
    and 99.5 percentiles (pandas' definitions: sample variance, linear quantiles).
    """
    rows = []
    for column in dataset.columns:
        series = dataset[column]
        row = {"Feature": str(column), "Count": int(series.count()), "Unique Value Count": int(series.nunique()),
               "Missing Value Count": int(series.isna().sum())}
        modes = series.mode()
        row["Mode"] = str(modes.iloc[0]) if len(modes) else None
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            numbers = series.astype("float64")
            row.update({"Min": numbers.min(), "Max": numbers.max(), "Mean": numbers.mean(),
                        "Mean Deviation": (numbers - numbers.mean()).abs().mean(),
                        "1st Quartile": numbers.quantile(0.25), "Median": numbers.median(),
                        "3rd Quartile": numbers.quantile(0.75), "Range": numbers.max() - numbers.min(),
                        "Sample Variance": numbers.var(), "Sample Standard Deviation": numbers.std(),
                        "Sample Skewness": numbers.skew(), "Sample Kurtosis": numbers.kurt()})
            row.update({f"P{p:g}": numbers.quantile(p / 100) for p in _PERCENTILES})
        rows.append(row)
    return pd.DataFrame(rows)
