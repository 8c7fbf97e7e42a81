"""Fitted data-preparation steps learned at training time: column selections, bins and clipping thresholds.

Like `components.fitted`, each is a `TableTransformation` whose `apply` learns
nothing from the rows it is given, so apply-transformation treats scoring rows
exactly as the training rows were treated.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from components.columns import is_numeric, quoted
from components.fitted import TableTransformation
from components.json_values import python_scalar
from components.spec import ComponentError


class ColumnSelection(TableTransformation):
    """Keep exactly the columns chosen at fit time, in that order (the label only when present)."""

    title = "column selection"

    def __init__(self, columns: list[str]):
        self.columns = list(columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(self.columns)

    def _transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[[c for c in self.columns if c in frame.columns]]

    def _role_changes(self, roles: dict) -> dict:
        if roles.get("features"):
            return {"features": [c for c in roles["features"] if c in self.columns]}
        return {}

    def schema_facts(self) -> dict:
        return {"kind": "column-selection", "columns": self.columns}

    def describe(self) -> dict:
        return {"kind": "ColumnSelection", "columns": self.columns}


def numeric_columns_or_error(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    """A ComponentError naming the chosen columns that do not hold numbers."""
    text = [c for c in columns if not is_numeric(frame[c])]
    if text:
        raise ComponentError(f"{what} needs number columns, but {quoted(text)} hold other values")


OUTPUT_MODES = ("append", "inplace", "result-only")


def place_results(frame: pd.DataFrame, results: dict[str, tuple[str, pd.Series]], mode: str) -> pd.DataFrame:
    """Put computed columns into `frame`: {source column: (new name, values)} by Azure's output modes.

    append adds the new columns after the others, inplace replaces each source
    column, result-only keeps just the new columns.
    """
    if mode == "inplace":
        for source, (_, values) in results.items():
            frame[source] = values
        return frame
    new = pd.DataFrame({name: values for name, values in results.values()}, index=frame.index)
    if mode == "result-only":
        return new
    clashes = [name for name in new.columns if name in frame.columns]
    if clashes:
        raise ComponentError(f"new columns {quoted(clashes)} already exist; use output mode inplace")
    return pd.concat([frame, new], axis=1)


class Binner(TableTransformation):
    """Put each number into a bin by cut points learned at fit time (the outer bins stretch to ±infinity).

    `edges` holds each column's inner cut points: K bins have K - 1 of them.
    """

    title = "group data into bins"

    def __init__(self, edges: dict[str, list[float]], output_mode: str, categorical: bool):
        self.edges = {c: [float(e) for e in values] for c, values in edges.items()}
        self.output_mode = output_mode
        self.categorical = categorical

    @classmethod
    def fit(cls, frame: pd.DataFrame, columns: list[str], mode: str, bins: int, custom_edges: list[float],
            output_mode: str, categorical: bool) -> "Binner":
        numeric_columns_or_error(frame, columns, "binning")
        edges = {}
        for column in columns:
            values = frame[column].dropna().astype("float64").to_numpy()
            if mode == "custom-edges":
                edges[column] = sorted(set(custom_edges))  # each given edge is a cut
            elif not len(values):
                raise ComponentError(f"column {column!r} has no values to learn bin edges from")
            elif mode == "quantiles":
                edges[column] = list(np.unique(np.quantile(values, np.linspace(0, 1, bins + 1)))[1:-1])
            else:
                edges[column] = list(np.histogram_bin_edges(values, bins=bins)[1:-1])
        return cls(edges, output_mode, categorical).fitted_on(frame)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(self.edges)

    def bin_numbers(self, series: pd.Series) -> pd.Series:
        """1-based bin of each value by the learned cut points (the outer bins are open); missing stays missing."""
        cuts = np.asarray(self.edges[series.name], dtype="float64")
        numbers = np.searchsorted(cuts, series.astype("float64").to_numpy(), side="right") + 1
        return pd.Series(numbers, index=series.index, dtype="Int64").mask(series.isna())

    def _transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        numeric_columns_or_error(frame, [c for c in self.edges if c in frame.columns], "binning")
        results = {c: (f"{c}_quantized", self.bin_numbers(frame[c])) for c in self.edges if c in frame.columns}
        return place_results(frame, results, self.output_mode)

    def _role_changes(self, roles: dict) -> dict:
        if not self.categorical:
            return {}
        names = [c if self.output_mode == "inplace" else f"{c}_quantized" for c in self.edges]
        return {"categorical": list(dict.fromkeys([*(roles.get("categorical") or []), *names]))}

    def schema_facts(self) -> dict:
        return {"kind": "bins", "columns": list(self.edges), "output_mode": self.output_mode,
                "categorical": self.categorical}

    def describe(self) -> dict:
        return {"kind": "Binner", "edges": self.edges, "output_mode": self.output_mode}


class Clipper(TableTransformation):
    """Replace values above / below thresholds learned at fit time by a substitute also learned then."""

    title = "clip values"
    SUBSTITUTES = ("threshold", "mean", "median", "missing")

    def __init__(self, upper: dict, lower: dict, upper_substitute: dict, lower_substitute: dict,
                 overwrite: bool, indicators: bool):
        self.upper, self.lower = dict(upper), dict(lower)
        self.upper_substitute, self.lower_substitute = dict(upper_substitute), dict(lower_substitute)
        self.overwrite, self.indicators = overwrite, indicators

    @classmethod
    def fit(cls, frame: pd.DataFrame, columns: list[str], *, peaks: bool, subpeaks: bool, threshold: str,
            upper: float, lower: float, upper_percentile: float, lower_percentile: float,
            peak_substitute: str, subpeak_substitute: str, overwrite: bool, indicators: bool) -> "Clipper":
        numeric_columns_or_error(frame, columns, "clipping")
        ups, lows, up_subs, low_subs = {}, {}, {}, {}
        for column in columns:
            values = frame[column].dropna().astype("float64")
            if threshold == "percentile" and values.empty:
                raise ComponentError(f"column {column!r} has no values to learn percentiles from")
            if peaks:
                ups[column] = float(np.percentile(values, upper_percentile)) if threshold == "percentile" else upper
                up_subs[column] = _substitute(values, peak_substitute, ups[column])
            if subpeaks:
                lows[column] = float(np.percentile(values, lower_percentile)) if threshold == "percentile" else lower
                low_subs[column] = _substitute(values, subpeak_substitute, lows[column])
        return cls(ups, lows, up_subs, low_subs, overwrite, indicators).fitted_on(frame)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.upper, *self.lower]))

    def _transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        for column in self.required_columns:
            if column not in frame.columns:
                continue
            values = frame[column].astype("float64")
            above = values > self.upper[column] if column in self.upper else pd.Series(False, index=frame.index)
            below = values < self.lower[column] if column in self.lower else pd.Series(False, index=frame.index)
            clipped = values.mask(above, self.upper_substitute.get(column)).mask(below,
                                                                                 self.lower_substitute.get(column))
            frame[column if self.overwrite else f"{column}_clipped"] = clipped
            if self.indicators:
                frame[f"{column}_ClipIndicator"] = above | below
        return frame

    def schema_facts(self) -> dict:
        return {"kind": "clip-values", "columns": list(self.required_columns), "overwrite": self.overwrite,
                "indicators": self.indicators}

    def describe(self) -> dict:
        return {"kind": "Clipper", "upper": self.upper, "lower": self.lower,
                "upper_substitute": {c: python_scalar(v) for c, v in self.upper_substitute.items()},
                "lower_substitute": {c: python_scalar(v) for c, v in self.lower_substitute.items()}}


def _substitute(values: pd.Series, how: str, threshold: float) -> float:
    if how == "threshold":
        return float(threshold)
    if how == "missing":
        return float("nan")
    if values.empty:
        raise ComponentError(f"column {values.name!r} has no values to take a {how} from")
    return float(values.mean() if how == "mean" else values.median())
