"""Scoring requests and answers in the three shapes an endpoint speaks.

Designer shape:  {"data": [row, ...]}  →  {"predictions": [p, ...]}, one `p` per row of the
first output:
- classification: {"label": <Scored Labels>, "probabilities": {class: probability}}
- regression: the predicted number
- clustering: the assigned cluster number
- anything else: the whole output row as an object.

Azure ML shape:  {"Inputs": {"WebServiceInput0": [row, ...]}, "GlobalParameters": {}}
→ {"Results": {"WebServiceOutput0": [output row with Scored Labels etc., ...]}}.

Studio (classic) shape:  {"Inputs": {"input1": {"ColumnNames": [...], "Values": [[...], ...]}},
"GlobalParameters": {}} → {"Results": {"output1": {"type": "table", "value": {"ColumnNames": [...],
"ColumnTypes": [...], "Values": [[...], ...]}}}}, values as text as Studio gave them. The input may
have any name when the endpoint has one input; the answer then names its outputs output1, output2, ...

In every shape a row may carry the model's label column (Azure's generated samples send it, often
empty); it is ignored.
"""
from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from components.json_values import to_json_value
from components.models import ASSIGNMENTS, SCORED_LABELS, SCORED_PROBABILITIES
from components.web_service import PayloadError
from designer.serving.endpoint import MAX_ROWS, Endpoint

DESIGNER, AZURE, CLASSIC = "designer", "azure", "classic"
_PLAIN = frozenset({str, int, bool})
_INTEGER_TEXT = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class ScoringRequest:
    """A request read into its shape and rows: {input name: [row object, ...]} (not yet typed)."""

    shape: str
    rows: dict
    #: Classic requests naming their input otherwise than the endpoint: output name → name in the answer.
    output_names: tuple = ()


def read_request(body: Any, endpoint: Endpoint) -> ScoringRequest:
    """The shape and rows of a request body; PayloadError for anything misshapen."""
    if not isinstance(body, dict):
        raise PayloadError('the body must be a JSON object: {"data": [row, ...]}')
    if "Inputs" in body:
        request = _read_inputs(body, endpoint)
    else:
        if "data" not in body:
            raise PayloadError('send the rows to score as {"data": [row, ...]} '
                               '(or Azure ML\'s {"Inputs": {"WebServiceInput0": [row, ...]}})', code="missing-data")
        extra = [k for k in body if k != "data"]
        if extra:
            raise PayloadError(f"unexpected field {extra[0]!r}; the body is {{\"data\": [row, ...]}}")
        if len(endpoint.inputs) != 1:
            raise PayloadError(f"this endpoint has {len(endpoint.inputs)} inputs; send "
                               f'{{"Inputs": {{name: [row, ...]}}}} naming each', code="missing-input")
        request = ScoringRequest(DESIGNER, {endpoint.inputs[0].name: body["data"]})
    ignored = label_columns(endpoint)
    if ignored:
        schemas = {i.name: {c.name for c in i.columns} for i in endpoint.inputs}
        request = replace(request, rows={name: _without(rows, ignored - schemas.get(name, set()))
                                         for name, rows in request.rows.items()})
    return request


def parse_request(body: Any, endpoint: Endpoint, *, max_rows: int = MAX_ROWS) -> tuple[ScoringRequest, dict]:
    """(request, {input name: table}) for a request body; PayloadError (with `column` when known) otherwise."""
    request = read_request(body, endpoint)
    return request, endpoint.tables_from_rows(request.rows, max_rows=max_rows)


def _read_inputs(body: dict, endpoint: Endpoint) -> ScoringRequest:
    inputs = body["Inputs"]
    if not isinstance(inputs, dict):
        raise PayloadError('"Inputs" must be an object of input name: [row, ...]')
    parameters = body.get("GlobalParameters") or {}
    if not isinstance(parameters, dict):
        raise PayloadError('"GlobalParameters" must be an object')
    if parameters:
        # A real-time graph's parameters were fixed to the training run's values when it was made.
        raise PayloadError(f"this endpoint takes no global parameters (got {sorted(parameters)[0]!r})",
                           code="unknown-parameter")
    classic = [k for k, v in inputs.items() if isinstance(v, dict)]
    names = [i.name for i in endpoint.inputs]
    output_names: tuple = ()
    if classic and len(classic) == len(inputs) and len(names) == 1 and len(inputs) == 1 and classic[0] not in names:
        # Studio (classic) called its one input "input1"; a client written for it keeps that name.
        inputs = {names[0]: inputs[classic[0]]}
        output_names = tuple((o.name, f"output{n}") for n, o in enumerate(endpoint.outputs, 1))
    unknown = [k for k in inputs if k not in names]
    if unknown:
        raise PayloadError(f"this endpoint has no input {unknown[0]!r} (inputs: {names})", code="unknown-input")
    missing = [n for n in names if n not in inputs]
    if missing:
        raise PayloadError(f'"Inputs" lacks {missing[0]!r} (inputs: {names})', code="missing-input")
    if not classic:
        return ScoringRequest(AZURE, dict(inputs))
    if len(classic) != len(inputs):
        raise PayloadError('"Inputs" mixes row lists with {"ColumnNames", "Values"} tables; use one shape')
    kinds = {i.name: {c.name: c.kind for c in i.columns} for i in endpoint.inputs}
    return ScoringRequest(CLASSIC, {name: _classic_rows(name, table, kinds[name]) for name, table in inputs.items()},
                          output_names)


def _classic_rows(name: str, table: dict, kinds: dict) -> list[dict]:
    """Row objects from a Studio (classic) {"ColumnNames", "Values"} table; text numbers become numbers."""
    columns, values = table.get("ColumnNames"), table.get("Values")
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise PayloadError(f'input {name!r} needs "ColumnNames": a list of column names')
    if len(set(columns)) != len(columns):
        raise PayloadError(f'input {name!r} names a column twice in "ColumnNames"')
    if not isinstance(values, list):
        raise PayloadError(f'input {name!r} needs "Values": a list of rows, each a list of values')
    rows = []
    for index, row in enumerate(values):
        if not isinstance(row, list) or len(row) != len(columns):
            raise PayloadError(f'row {index} of input {name!r} must be a list of {len(columns)} values, one per '
                               f'column of "ColumnNames"', row=index)
        rows.append({c: _classic_value(v, kinds.get(c)) for c, v in zip(columns, row)})
    return rows


def _classic_value(value: Any, kind: str | None) -> Any:
    if not isinstance(value, str) or kind not in ("integer", "number", "boolean"):
        return value
    text = value.strip()
    if not text:
        return None
    if kind == "boolean":
        return {"true": True, "false": False}.get(text.lower(), value)
    try:
        return int(text) if _INTEGER_TEXT.match(text) else float(text)
    except ValueError:
        return value  # the schema check names the column


def label_columns(endpoint: Endpoint) -> frozenset:
    """The label columns of the endpoint's trained models: a request may send them; they are ignored."""
    known = _LABELS.get(endpoint)
    if known is None:
        known = frozenset(label for value in getattr(endpoint, "_static", {}).values()
                          if isinstance(label := getattr(value, "label_column", None), str))
        _LABELS[endpoint] = known
    return known


_LABELS: "weakref.WeakKeyDictionary[Endpoint, frozenset]" = weakref.WeakKeyDictionary()


def _without(rows: Any, names: frozenset | set) -> Any:
    if not names or not isinstance(rows, list):
        return rows
    if not any(isinstance(r, dict) and not names.isdisjoint(r) for r in rows):
        return rows
    return [{k: v for k, v in r.items() if k not in names} if isinstance(r, dict) else r for r in rows]


def answer(request: ScoringRequest | str, endpoint: Endpoint, results: dict) -> dict:
    """The answer in the shape the request was asked in."""
    shape = request.shape if isinstance(request, ScoringRequest) else request
    if shape == CLASSIC:
        renamed = dict(request.output_names) if isinstance(request, ScoringRequest) else {}
        return {"Results": {renamed.get(name, name): {"type": "table", "value": classic_table(table)}
                            for name, table in results.items()}}
    if shape == AZURE:
        return {"Results": {name: table_records(table) for name, table in results.items()}}
    first = results[endpoint.outputs[0].name]
    return {"predictions": predictions(first)}


def classic_table(table) -> dict:
    """A table as Studio (classic) answered: column names, .NET type names, and every value as text."""
    names = [str(c) for c in table.columns]
    types = [_classic_type(table[c].dtype) for c in table.columns]
    columns = [[_classic_text(v) for v in _plain_list(table[c])] for c in table.columns]
    values = [list(row) for row in zip(*columns)] if columns else [[] for _ in range(len(table))]
    return {"ColumnNames": names, "ColumnTypes": types, "Values": values}


def _classic_type(dtype) -> str:
    kind = getattr(dtype, "kind", "O")
    if kind == "f":
        return "Double"
    if kind in "iu":
        return "Int32" if getattr(dtype, "itemsize", 8) <= 4 else "Int64"
    if kind == "b":
        return "Boolean"
    if kind == "M":
        return "DateTime"
    return "String"


def _classic_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    return repr(value) if isinstance(value, float) else str(value)


def predictions(table) -> list:
    """One prediction per row of a scored table (see the module docstring for their form)."""
    columns = [str(c) for c in table.columns]
    probability_columns = [c for c in columns if c.startswith(SCORED_PROBABILITIES)]
    if SCORED_LABELS in columns and probability_columns:
        labels = _plain_list(table[SCORED_LABELS])
        classes = [c[len(SCORED_PROBABILITIES):] for c in probability_columns]
        probabilities = [_plain_list(table[c]) for c in probability_columns]
        return [{"label": label, "probabilities": dict(zip(classes, row))}
                for label, *row in zip(labels, *probabilities)]
    if SCORED_LABELS in columns:
        return _plain_list(table[SCORED_LABELS])
    if ASSIGNMENTS in columns:
        return _plain_list(table[ASSIGNMENTS])
    return table_records(table)


def table_records(table) -> list[dict]:
    names = [str(c) for c in table.columns]
    columns = [_plain_list(table[c]) for c in table.columns]
    return [dict(zip(names, values)) for values in zip(*columns)] if columns else [{} for _ in range(len(table))]


def _plain_list(series) -> list:
    """A column as JSON-ready Python values (numpy scalars unwrapped, NaN and missing as null)."""
    values = series.tolist()
    kind = series.dtype.kind
    if kind == "f":
        if np.isfinite(series.to_numpy()).all():
            return values
        return [v if math.isfinite(v) else None for v in values]
    if kind in "iub":
        return values
    if set(map(type, values)) <= _PLAIN:  # text labels: nothing to convert
        return values
    return [to_json_value(value) for value in values]
