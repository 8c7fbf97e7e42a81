"""Fitted preprocessing steps: learned once on training data, re-applied unchanged to new data.

A `TableTransformation` is what a `Transformation` port carries for tables. Its
`apply(frame)` never looks at the new data to learn anything: means, scales,
fill values and categories all come from fit time, so scoring data is treated
exactly like training data. Instances are plain picklable objects (the port's
pickle form stores them).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from components.columns import is_numeric, keep_roles, quoted, require_columns
from components.json_values import python_scalar
from components.ports import column_roles
from components.spec import ComponentError


class TableTransformation:
    """Base of fitted table steps: `apply(frame) -> frame`, keeping column roles.

    Subclasses implement `_transform(frame)` (given a copy they may change) and
    may override `required_columns` (what the new data must have) and
    `_role_changes(roles)` (how they move labels, features and categories).
    """

    #: A short name used in messages ("normalize", "clean missing data").
    title = "transformation"
    #: The label column at fit time. Scoring data rarely has it, so apply() does without it.
    label_column: str | None = None

    @property
    def required_columns(self) -> tuple[str, ...]:
        return ()

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        if not isinstance(frame, pd.DataFrame):
            raise ComponentError(f"the {self.title} transformation needs a table, got {type(frame).__name__}")
        needed = [c for c in self.required_columns if c != self.label_column]
        require_columns(frame, needed, where=f"the data given to the {self.title} transformation")
        result = self._transform(frame.copy())
        return keep_roles(result, frame, **self._role_changes(column_roles(frame)))

    def fitted_on(self, frame: pd.DataFrame) -> "TableTransformation":
        """Remember what apply() needs to know about the training table (its label)."""
        self.label_column = column_roles(frame).get("label")
        return self

    def schema_facts(self) -> dict | None:
        """What apply() does to a table's columns, as JSON for `table_schema.TRANSFORM_KINDS` (None: unknown)."""
        return None

    def describe(self) -> dict:
        """A JSON-friendly summary for viewers and logs."""
        return {"kind": type(self).__name__, "columns": list(self.required_columns)}

    def _transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        raise NotImplementedError

    def _role_changes(self, roles: dict) -> dict:
        return {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.describe()})"


# ---------------------------------------------------------------- clean missing data

class MissingValueCleaner(TableTransformation):
    """Fill, or drop rows or columns with, missing values, as decided at fit time."""

    title = "clean missing data"
    STRATEGIES = ("remove-row", "mean", "median", "mode", "constant", "remove-column")

    def __init__(self, strategy: str, fill_values: dict[str, Any] | None = None,
                 row_filter_columns: list[str] | None = None, dropped_columns: list[str] | None = None,
                 indicator_columns: list[str] | None = None):
        self.strategy = strategy
        self.fill_values = dict(fill_values or {})
        self.row_filter_columns = list(row_filter_columns or [])
        self.dropped_columns = list(dropped_columns or [])
        self.indicator_columns = list(indicator_columns or [])

    @classmethod
    def fit(cls, frame: pd.DataFrame, columns: list[str], strategy: str, constant: str = "",
            add_indicator: bool = False, explicit: bool = True) -> "MissingValueCleaner":
        """Learn what to do from `frame`.

        Fill values are learned for every chosen column, not only those with gaps
        today, so scoring data with gaps elsewhere is still filled. `explicit` says
        the user named `columns`: a column of the wrong kind is then an error,
        otherwise it is passed over.
        """
        if strategy not in cls.STRATEGIES:
            raise ComponentError(f"unknown cleaning strategy {strategy!r}; choose one of {list(cls.STRATEGIES)}")
        if strategy == "remove-row":
            return cls(strategy, row_filter_columns=columns).fitted_on(frame)
        if strategy == "remove-column":
            return cls(strategy, dropped_columns=[c for c in columns if frame[c].isna().any()]).fitted_on(frame)
        if strategy in ("mean", "median"):
            text = [c for c in columns if not is_numeric(frame[c])]
            if text and explicit:
                raise ComponentError(f"the {strategy} needs number columns, but {quoted(text)} hold other values; "
                                     f"pick another strategy or leave them out")
            columns = [c for c in columns if c not in text]
        fills = {}
        for column in columns:
            try:
                fills[column] = _fill_value(frame[column], strategy, constant)
            except ComponentError:
                if explicit or strategy != "constant":
                    raise
        indicators = [c for c in fills if frame[c].isna().any()] if add_indicator else []
        return cls(strategy, fill_values=fills, indicator_columns=indicators).fitted_on(frame)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.fill_values, *self.row_filter_columns, *self.indicator_columns]))

    def _transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        present = set(frame.columns)
        for column in self.indicator_columns:
            if column in present:
                frame[f"{column}_IsMissing"] = frame[column].isna()
        row_filter = [c for c in self.row_filter_columns if c in present]
        if row_filter:
            frame = frame.dropna(subset=row_filter).reset_index(drop=True)
        for column, value in self.fill_values.items():
            if column in present:
                frame[column] = _filled(frame[column], value)
        return frame.drop(columns=[c for c in self.dropped_columns if c in present])

    def schema_facts(self) -> dict:
        return {"kind": "clean-missing", "indicators": self.indicator_columns, "dropped": self.dropped_columns}

    def describe(self) -> dict:
        return {"kind": "MissingValueCleaner", "strategy": self.strategy,
                "fill_values": {c: python_scalar(v) for c, v in self.fill_values.items()},
                "row_filter_columns": self.row_filter_columns, "dropped_columns": self.dropped_columns,
                "indicator_columns": self.indicator_columns}


def _fill_value(series: pd.Series, strategy: str, constant: str) -> Any:
    present = series.dropna()
    if strategy == "constant":
        return _constant_for(series, constant)
    if present.empty:
        raise ComponentError(f"column {series.name!r} has no values at all, so there is no {strategy} "
                             f"to fill it with; use remove-column or a constant")
    if strategy == "mean":
        return python_scalar(present.mean())
    if strategy == "median":
        return python_scalar(present.median())
    return python_scalar(present.mode().iloc[0])


def _constant_for(series: pd.Series, text: str) -> Any:
    """The constant the user typed, as a value of the column's kind."""
    if is_numeric(series):
        try:
            number = float(text)
        except ValueError:
            raise ComponentError(f"column {series.name!r} holds numbers, so the replacement value must be "
                                 f"a number, not {text!r}") from None
        return int(number) if number.is_integer() and pd.api.types.is_integer_dtype(series) else number
    if pd.api.types.is_bool_dtype(series):
        return text.strip().lower() in ("1", "true", "yes")
    if pd.api.types.is_datetime64_any_dtype(series):
        try:
            return pd.Timestamp(text)
        except ValueError:
            raise ComponentError(f"column {series.name!r} holds dates; {text!r} is not a date") from None
    return text


def _filled(series: pd.Series, value: Any) -> pd.Series:
    try:
        return series.fillna(value)
    except (TypeError, ValueError):
        # e.g. a nullable integer column given a fractional mean: widen it rather than fail.
        return series.astype("float64" if is_numeric(series) else "object").fillna(value)



# ---------------------------------------------------------------- normalize

class Normalizer(TableTransformation):
    """Scale number columns with a fitted scikit-learn scaler (z-score, min-max) or Azure's curves.

    logistic is 1 / (1 + e^-x) and learns nothing; lognormal is the normal CDF of
    the z-score of ln(x) (mean and deviation of ln x learned); tanh is
    ½·(tanh(0.01·z) + 1) of the z-score (Hampel's tanh estimator).
    """

    title = "normalize"
    #: method -> scikit-learn scaler class name (imported when fitting: the CLI starts without scikit-learn).
    METHODS = {"zscore": "StandardScaler", "minmax": "MinMaxScaler", "logistic": "StandardScaler",
               "lognormal": "StandardScaler", "tanh": "StandardScaler"}

    def __init__(self, method: str, columns: list[str], scaler):
        self.method = method
        self.columns = list(columns)
        self.scaler = scaler

    @classmethod
    def fit(cls, frame: pd.DataFrame, columns: list[str], method: str) -> "Normalizer":
        if method not in cls.METHODS:
            raise ComponentError(f"unknown normalization method {method!r}; choose one of {list(cls.METHODS)}")
        text = [c for c in columns if not is_numeric(frame[c])]
        if text:
            raise ComponentError(f"only number columns can be normalized; {quoted(text)} hold other values")
        from sklearn import preprocessing

        scaler = getattr(preprocessing, cls.METHODS[method])()
        if columns and frame.empty:
            raise ComponentError("the dataset has no rows to learn the scale from")
        if columns:
            values = frame[columns].astype("float64").to_numpy()
            if method == "lognormal":
                if (values <= 0).any():
                    bad = [c for c in columns if (frame[c] <= 0).any()]
                    raise ComponentError(f"lognormal normalization needs positive numbers; {quoted(bad)} hold "
                                         f"zeros or negative values")
                values = np.log(values)
            scaler.fit(values)
        return cls(method, columns, scaler).fitted_on(frame)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(self.columns)

    def _transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        present = [c for c in self.columns if c in frame.columns]
        if not present or frame.empty:
            return frame.astype({c: "float64" for c in present})
        text = [c for c in present if not is_numeric(frame[c])]
        if text:
            raise ComponentError(f"columns {quoted(text)} must hold numbers to be normalized")
        # The scaler wants every fitted column; an absent label is stood in for by zeros and not kept.
        values = np.column_stack([frame[c].astype("float64").to_numpy() if c in frame.columns
                                  else np.zeros(len(frame)) for c in self.columns])
        scaled = self._scaled(values)
        for position, column in enumerate(self.columns):
            if column in frame.columns:
                frame[column] = pd.Series(scaled[:, position], index=frame.index)
        return frame

    def _scaled(self, values: np.ndarray) -> np.ndarray:
        if self.method == "logistic":
            return 1.0 / (1.0 + np.exp(-values))
        if self.method == "lognormal":
            from scipy.special import ndtr

            with np.errstate(invalid="ignore", divide="ignore"):
                return ndtr(self.scaler.transform(np.log(values)))
        if self.method == "tanh":
            return 0.5 * (np.tanh(0.01 * self.scaler.transform(values)) + 1.0)
        return self.scaler.transform(values)

    def schema_facts(self) -> dict:
        return {"kind": "normalize", "columns": self.columns}

    def describe(self) -> dict:
        learned = ({"mean": self.scaler.mean_, "scale": self.scaler.scale_} if self.method != "minmax"
                   else {"min": self.scaler.data_min_, "max": self.scaler.data_max_}) if self.columns else {}
        return {"kind": "Normalizer", "method": self.method, "columns": self.columns,
                **{k: dict(zip(self.columns, map(float, v))) for k, v in learned.items()}}


# ---------------------------------------------------------------- indicator values

class IndicatorEncoder(TableTransformation):
    """One 0/1 column per category seen at fit time; unseen or missing values give all zeros."""

    title = "indicator values"

    def __init__(self, categories: dict[str, list], overwrite: bool):
        self.categories = {column: list(values) for column, values in categories.items()}
        self.overwrite = overwrite

    @classmethod
    def fit(cls, frame: pd.DataFrame, columns: list[str], overwrite: bool) -> "IndicatorEncoder":
        categories = {column: _sorted_categories(frame[column]) for column in columns}
        encoder = cls(categories, overwrite).fitted_on(frame)
        taken = set(frame.columns) - (set(columns) if overwrite else set())
        clashes = [name for names in encoder.new_columns().values() for name in names if name in taken]
        if clashes:
            raise ComponentError(f"indicator columns {quoted(clashes)} would replace columns the dataset "
                                 f"already has; rename those first")
        return encoder

    def new_columns(self) -> dict[str, list[str]]:
        return {column: [f"{column}-{value}" for value in values] for column, values in self.categories.items()}

    def schema_facts(self) -> dict:
        return {"kind": "indicators", "new_columns": self.new_columns(), "overwrite": self.overwrite}

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(self.categories)

    def _transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        pieces: list[pd.DataFrame | pd.Series] = []
        for column in frame.columns:
            if column not in self.categories or not self.overwrite:
                pieces.append(frame[column])
            if column in self.categories:
                series = frame[column]
                pieces.append(pd.DataFrame(
                    {name: series.isin([value]).astype("int64")
                     for name, value in zip(self.new_columns()[column], self.categories[column])},
                    index=frame.index))
        return pd.concat(pieces, axis=1) if pieces else frame

    def _role_changes(self, roles: dict) -> dict:
        changes: dict[str, Any] = {}
        gone = set(self.categories) if self.overwrite else set()
        if roles.get("features"):
            features = []
            for column in roles["features"]:
                if column not in gone:
                    features.append(column)
                features.extend(self.new_columns().get(column, []))
            changes["features"] = features
        if roles.get("categorical"):
            changes["categorical"] = [c for c in roles["categorical"] if c not in gone]
        return changes

    def describe(self) -> dict:
        return {"kind": "IndicatorEncoder", "overwrite": self.overwrite,
                "categories": {c: [python_scalar(v) for v in values] for c, values in self.categories.items()}}


def _sorted_categories(series: pd.Series) -> list:
    values = [python_scalar(v) for v in pd.unique(series.dropna())]
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)
