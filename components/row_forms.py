"""Row forms: how a component scores a handful of request rows held as numpy columns, without building tables.

A real-time endpoint spends most of a one-row request building pandas frames
around a model whose own predict takes a fraction of that. A component may
declare a row form here: given its loaded inputs (a trained model) and its
parameters, it returns a function over `ColumnTable`s that gives exactly what
the component gives, or None when it cannot promise that (then the endpoint
uses the component itself). A row form that meets something it did not expect
at request time raises `NotForRows`, and the caller falls back the same way.
"""
from __future__ import annotations

import operator
from itertools import repeat
from typing import Any, Callable, Mapping

import numpy as np

from components.models import TrainedModel, is_scored_column
from components.web_service import Column, _typed

#: Column kinds a request row may use on the row path (others build a table as usual).
ROW_KINDS = frozenset({"integer", "number"})

RowStep = Callable[[dict], dict]
RowForm = Callable[[Mapping[str, Any], Mapping[str, Any]], "RowStep | None"]
_FORMS: dict[str, RowForm] = {}


class NotForRows(Exception):
    """These rows need the component's full (table) form; its answer, or its error, is the one to give."""


class ColumnTable:
    """A few rows as {column: 1-D numpy array}; reads like the parts of a DataFrame the answer builders use."""

    __slots__ = ("data", "rows")

    def __init__(self, data: dict[str, np.ndarray], rows: int):
        self.data = data
        self.rows = rows

    @property
    def columns(self) -> list[str]:
        return list(self.data)

    def __getitem__(self, name: str) -> "RowColumn":
        return RowColumn(self.data[name])

    def __len__(self) -> int:
        return self.rows


class RowColumn:
    """One column: `tolist`, `dtype` and `to_numpy`, as a pandas Series answers them for numpy-typed data."""

    __slots__ = ("values",)

    def __init__(self, values: np.ndarray):
        self.values = values

    @property
    def dtype(self):
        return self.values.dtype

    def tolist(self) -> list:
        return self.values.tolist()

    def to_numpy(self) -> np.ndarray:
        return self.values


def row_form(component_id: str):
    """Declare the row form of component `component_id` (a function of (inputs, params) → RowStep or None)."""
    def register(function: RowForm) -> RowForm:
        _FORMS[component_id] = function
        return function
    return register


def row_step(component_id: str, loaded_inputs: Mapping[str, Any], params: Mapping[str, Any]) -> RowStep | None:
    """The row form of one graph step, or None when the component has none for these inputs and parameters."""
    form = _FORMS.get(component_id)
    return form(loaded_inputs, params) if form is not None else None


def columns_from_records(records: Any, columns: list[Column]) -> ColumnTable:
    """The request rows as typed numpy columns, exactly as `table_from_records` types them.

    Raises NotForRows for anything but a list of objects with exactly the schema's numeric
    columns, so that the table path gives its own answer (or its own 400).
    """
    if not isinstance(records, list) or not records or not columns:
        raise NotForRows()
    if any(c.kind not in ROW_KINDS for c in columns):
        raise NotForRows()
    wanted = {c.name for c in columns}
    try:
        well_formed = all(map(operator.eq, map(dict.keys, records), repeat(wanted)))
    except TypeError:
        well_formed = False
    if not well_formed:
        raise NotForRows()
    data = {}
    for column in columns:
        values = _typed(list(map(operator.itemgetter(column.name), records)), column)
        if not isinstance(values, np.ndarray):
            raise NotForRows()
        data[column.name] = values
    return ColumnTable(data, len(records))


# ---------------------------------------------------------------- the forms

@row_form("score-model")
def _score_model(inputs, params) -> RowStep | None:
    model = inputs.get("trained_model")
    if type(model) is not TrainedModel or model.preprocessor is not None or model.categorical_columns:
        return None
    if params.get("append_score_columns", True) is not True:
        return None
    features = list(model.feature_columns)

    def score(values: dict) -> dict:
        table = values["dataset"]
        if not isinstance(table, ColumnTable):
            raise NotForRows()
        data = table.data
        try:
            # Column-major, as DataFrame.to_numpy gives it to the model on the table path.
            matrix = np.vstack([data[c].astype(np.float64) for c in features]).T if features else None
        except KeyError:
            raise NotForRows() from None  # a missing column: Score Model names it
        if matrix is None or not np.isfinite(matrix).all():
            raise NotForRows()  # missing numbers: Score Model explains them
        kept = {c: v for c, v in data.items() if not is_scored_column(c)}
        for name, column in model.scores_for(matrix).items():
            kept[name] = np.asarray(column)
        return {"scored_dataset": ColumnTable(kept, table.rows)}

    return score


__all__ = ["ColumnTable", "NotForRows", "ROW_KINDS", "columns_from_records", "row_form", "row_step"]
