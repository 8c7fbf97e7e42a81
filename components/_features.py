"""How table columns become the numbers a model sees: numbers as floats, text one-hot encoded.

Training and scoring share these functions, so a row is read the same way when a
model is fitted and when an endpoint scores it.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from components.spec import ComponentError

#: Stands for a missing value in a text column, so it one-hot encodes like an unseen category.
_MISSING_TEXT = "\0missing"
#: Text columns with more distinct values than this share one "infrequent" indicator column.
_MAX_CATEGORIES = 256


def is_text_column(series: pd.Series) -> bool:
    """Text and category columns are one-hot encoded; numbers and booleans are used as numbers."""
    return not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series))


def _as_numbers(series: pd.Series, column: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        return series.astype("float64")
    if pd.api.types.is_datetime64_any_dtype(series) or pd.api.types.is_timedelta64_dtype(series):
        raise ComponentError(f"Column '{column}' holds dates or times, which the model cannot use as numbers; "
                             "convert it or leave it out with Select Columns.")
    numbers = pd.to_numeric(series, errors="coerce")
    not_numbers = series.notna() & numbers.isna()
    if not_numbers.any():
        example = series[not_numbers].iloc[0]
        raise ComponentError(f"Column '{column}' must hold numbers, but {int(not_numbers.sum())} value(s) "
                             f"are not, e.g. {example!r}.")
    return numbers.astype("float64")


def _category_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT:
        return _MISSING_TEXT
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))  # 2.0 from JSON and 2 from a CSV are the same category
    return str(value)


def prepared_features(frame: Any, feature_columns: list[str], categorical_columns: list[str]) -> pd.DataFrame:
    """The feature columns of `frame` in training order: numbers as float64, categories as text.

    Raises ComponentError naming any missing column or any value that is not a number
    where the model expects one.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ComponentError(f"Expected a table of rows, got {type(frame).__name__}.")
    missing = [c for c in feature_columns if c not in frame.columns]
    if missing:
        raise ComponentError(f"The data is missing column(s) {missing} that the model was trained on "
                             f"(it has {[str(c) for c in frame.columns]}).")
    categorical = set(categorical_columns)
    columns = {}
    for column in feature_columns:
        series = frame[column]
        if column in categorical:
            columns[column] = series.map(_category_text).astype(object)
        else:
            columns[column] = _as_numbers(series, column)
    return pd.DataFrame(columns, index=frame.index)


def missing_value_columns(features: pd.DataFrame) -> dict[str, int]:
    """{column: rows} for feature columns with missing (or infinite) values."""
    counts = {}
    for column in features.columns:
        series = features[column]
        if series.dtype == object:
            bad = int((series == _MISSING_TEXT).sum())
        else:
            bad = int((~np.isfinite(series.to_numpy())).sum())
        if bad:
            counts[column] = bad
    return counts


def fitted_preprocessor(features: pd.DataFrame, categorical_columns: list[str]):
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder

    encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False, max_categories=_MAX_CATEGORIES)
    preprocessor = ColumnTransformer([("one_hot", encoder, list(categorical_columns))],
                                     remainder="passthrough", sparse_threshold=0.0)
    preprocessor.fit(features)
    return preprocessor
