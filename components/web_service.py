"""Web Service input and output: where a real-time endpoint's request rows enter a graph and its answer leaves.

Run as an ordinary graph, `web-service-input` gives its sample rows (or an
empty table) typed by its schema; a deployed endpoint puts each request's rows
there instead, checked against the same schema by `table_from_records`.
"""
from __future__ import annotations

import json
import math
import operator
from dataclasses import dataclass
from itertools import repeat
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from components.ports import DataFrame
from components.roles import Role
from components.spec import ComponentError, Param, component, json_kind

CATEGORY = "Web Service"


class PayloadError(ComponentError):
    """Request rows that do not fit the input schema; `column` (and `row`) say where."""

    def __init__(self, message: str, *, column: str | None = None, row: int | None = None, code: str = "bad-payload"):
        super().__init__(message)
        self.column = column
        self.row = row
        self.code = code


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str

    @property
    def kind(self) -> str:
        """number | integer | boolean | datetime | text — what a caller must send."""
        dtype = self.dtype.lower()
        if dtype.startswith(("int", "uint")):
            return "integer"
        if dtype.startswith("float"):
            return "number"
        if dtype.startswith("bool"):
            return "boolean"
        if dtype.startswith("datetime"):
            return "datetime"
        return "text"

    def to_json(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


def parse_schema(text: str | list | dict) -> list[Column]:
    """Columns from the `schema` parameter: `{"columns": [{"name", "dtype"}, ...]}` or the bare list."""
    if isinstance(text, str):
        if not text.strip():
            return []
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ComponentError(f"the schema is not valid JSON: {exc.msg} (line {exc.lineno})") from None
    else:
        value = text
    items = value.get("columns") if isinstance(value, dict) else value
    if not isinstance(items, list):
        raise ComponentError('the schema must be {"columns": [{"name": ..., "dtype": ...}, ...]}')
    columns = []
    for item in items:
        if isinstance(item, str):
            item = {"name": item, "dtype": "object"}
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ComponentError(f"schema entry {item!r} needs a column name")
        columns.append(Column(item["name"], str(item.get("dtype") or "object")))
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise ComponentError("the schema names a column twice")
    return columns


def schema_text(columns: Iterable[Column | Mapping]) -> str:
    """The `schema` parameter value for `columns`."""
    items = [c.to_json() if isinstance(c, Column) else {"name": c["name"], "dtype": c["dtype"]} for c in columns]
    return json.dumps({"columns": items})


# ---------------------------------------------------------------- request rows → table

_PLAIN_NUMBERS = frozenset({int, float, type(None)})


def table_from_records(records: Any, columns: list[Column], *, max_rows: int | None = None) -> pd.DataFrame:
    """A table of `records` (a list of row objects) with exactly the schema's columns and dtypes.

    Raises PayloadError naming the column for a missing or unknown column or a value of the
    wrong kind (text where numbers are expected), and for empty or oversize payloads.
    """
    if not isinstance(records, list):
        raise PayloadError(f"the rows must be a JSON array of objects, not {json_kind(records)}", code="bad-payload")
    if not records:
        raise PayloadError("the request has no rows to score", code="empty-payload")
    if max_rows is not None and len(records) > max_rows:
        raise PayloadError(f"the request has {len(records)} rows; send at most {max_rows} per request",
                           code="too-many-rows")
    names = [c.name for c in columns]
    wanted = set(names)
    try:  # the common case, checked at C speed: every row an object with exactly the schema's columns
        well_formed = all(map(operator.eq, map(dict.keys, records), repeat(wanted)))
    except TypeError:
        well_formed = False
    if not well_formed:
        _refuse_rows(records, names, wanted)
    return pd.DataFrame({c.name: _typed(list(map(operator.itemgetter(c.name), records)), c) for c in columns},
                        columns=names)


def _refuse_rows(records: list, names: list, wanted: set) -> None:
    """Raise the PayloadError for the first row that is not an object with exactly the schema's columns."""
    for index, row in enumerate(records):
        if not isinstance(row, dict):
            raise PayloadError(f"row {index} must be an object of column: value, not {json_kind(row)}", row=index)
        unknown = [k for k in row if k not in wanted]
        if unknown:
            raise PayloadError(f"row {index} has column {unknown[0]!r}, which the endpoint does not take "
                               f"(it takes {names})", column=str(unknown[0]), row=index, code="unknown-column")
        missing = [n for n in names if n not in row]
        if missing:
            raise PayloadError(f"row {index} is missing column {missing[0]!r}", column=missing[0], row=index,
                               code="missing-column")


def _typed(values: list, column: Column):
    kind = column.kind
    if kind in ("integer", "number"):
        types = set(map(type, values))
        if types <= _PLAIN_NUMBERS:  # the common case, checked in C: plain JSON numbers (and nulls)
            if kind == "integer" and types == {int}:
                try:
                    return np.array(values, dtype=np.dtype(column.dtype))
                except (TypeError, OverflowError):
                    pass
            elif types != {int}:
                return np.array(values, dtype=np.float64)  # None becomes NaN
        has_missing = False
        all_int = True
        for index, value in enumerate(values):
            kind_of = type(value)
            if kind_of is int:
                continue
            if kind_of is float:
                all_int = False
                if math.isnan(value):
                    has_missing = True
                continue
            if value is None:
                has_missing = True
                all_int = False
                continue
            if isinstance(value, (np.integer, np.floating)) and not isinstance(value, bool):
                all_int = all_int and isinstance(value, np.integer)
                continue
            raise PayloadError(f"column {column.name!r} expects numbers, but row {index} has "
                               f"{json_kind(value)} {value!r}", column=column.name, row=index, code="wrong-type")
        if kind == "integer" and all_int and not has_missing:
            try:
                return np.array(values, dtype=np.dtype(column.dtype))
            except (TypeError, OverflowError):
                raise PayloadError(f"column {column.name!r} has a number out of range", column=column.name,
                                   code="wrong-type") from None
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if kind == "boolean":
        for index, value in enumerate(values):
            if value is not None and not isinstance(value, (bool, np.bool_)):
                raise PayloadError(f"column {column.name!r} expects true or false, but row {index} has "
                                   f"{json_kind(value)} {value!r}", column=column.name, row=index, code="wrong-type")
        if any(v is None for v in values):
            return pd.array(values, dtype="boolean")
        return np.array(values, dtype=bool)
    if kind == "datetime":
        try:
            return pd.to_datetime(pd.Series(values, dtype=object), format="mixed")
        except (ValueError, TypeError):
            raise PayloadError(f"column {column.name!r} expects dates", column=column.name, code="wrong-type") from None
    for index, value in enumerate(values):
        if isinstance(value, (dict, list)):
            raise PayloadError(f"column {column.name!r} expects a single value, but row {index} has "
                               f"{json_kind(value)}", column=column.name, row=index, code="wrong-type")
    series = pd.Series(values, dtype=object)
    dtype = _pandas_dtype(column)
    if dtype is None or dtype == object:
        return series
    try:
        return series.astype(dtype)
    except (TypeError, ValueError):
        return series


# ---------------------------------------------------------------- components

@component(id="web-service-input", category=CATEGORY, outputs={"dataset": DataFrame},
           roles={Role.WEB_SERVICE_INPUT})
def web_service_input(*, schema: Param(str, "", widget="text",
                                       description='Columns a request must send: {"columns": [{"name", '
                                                   '"dtype"}, ...]} (set by the inference conversion).'),
                      sample: Param(str, "", widget="text",
                                    description="Example rows as a JSON array of objects; a normal run "
                                                "outputs them (an empty table when blank)."),
                      name: Param(str, "WebServiceInput0",
                                  description="The input's name in Azure-style requests "
                                              '({"Inputs": {NAME: [rows]}}).')):
    """Where a real-time endpoint's request rows enter the graph.

    A deployed endpoint feeds each request's rows here, checked against the
    schema. Run as an ordinary graph it outputs the sample rows, or an empty
    table with the schema's columns.
    """
    columns = parse_schema(schema)
    if sample and sample.strip():
        try:
            rows = json.loads(sample)
        except json.JSONDecodeError as exc:
            raise ComponentError(f"the sample rows are not valid JSON: {exc.msg}") from None
        if not columns:
            return pd.DataFrame.from_records(rows)
        return table_from_records(rows, columns)
    return pd.DataFrame({c.name: pd.Series([], dtype=_empty_dtype(c)) for c in columns},
                        columns=[c.name for c in columns])


def _pandas_dtype(column: Column):
    try:
        return pd.api.types.pandas_dtype(column.dtype)
    except TypeError:
        return None


def _empty_dtype(column: Column):
    return _pandas_dtype(column) or object


@component(id="web-service-output", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"dataset": DataFrame}, roles={Role.WEB_SERVICE_OUTPUT})
def web_service_output(dataset, *, name: Param(str, "WebServiceOutput0",
                                               description="The output's name in Azure-style answers "
                                                           '({"Results": {NAME: [rows]}}).')):
    """Where a real-time endpoint's answer leaves the graph: these rows are returned to the caller."""
    return dataset
