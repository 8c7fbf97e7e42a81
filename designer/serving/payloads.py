"""Scoring requests and answers in the two shapes an endpoint speaks.

Designer shape:  {"data": [row, ...]}  →  {"predictions": [p, ...]}, one `p` per row of the
first output:
- classification: {"label": <Scored Labels>, "probabilities": {class: probability}}
- regression: the predicted number
- clustering: the assigned cluster number
- anything else: the whole output row as an object.

Azure ML shape:  {"Inputs": {"WebServiceInput0": [row, ...]}, "GlobalParameters": {}}
→ {"Results": {"WebServiceOutput0": [output row with Scored Labels etc., ...]}}.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from components.json_values import to_json_value
from components.models import ASSIGNMENTS, SCORED_LABELS, SCORED_PROBABILITIES
from components.web_service import PayloadError
from designer.serving.endpoint import MAX_ROWS, Endpoint

DESIGNER, AZURE = "designer", "azure"
_PLAIN = frozenset({str, int, bool})


def parse_request(body: Any, endpoint: Endpoint, *, max_rows: int = MAX_ROWS) -> tuple[str, dict]:
    """(shape, {input name: table}) for a request body; PayloadError (with `column` when known) otherwise."""
    if not isinstance(body, dict):
        raise PayloadError('the body must be a JSON object: {"data": [row, ...]}')
    if "Inputs" in body:
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
        names = [i.name for i in endpoint.inputs]
        unknown = [k for k in inputs if k not in names]
        if unknown:
            raise PayloadError(f"this endpoint has no input {unknown[0]!r} (inputs: {names})", code="unknown-input")
        missing = [n for n in names if n not in inputs]
        if missing:
            raise PayloadError(f'"Inputs" lacks {missing[0]!r} (inputs: {names})', code="missing-input")
        return AZURE, endpoint.tables_from_rows(inputs, max_rows=max_rows)
    if "data" not in body:
        raise PayloadError('send the rows to score as {"data": [row, ...]} '
                           '(or Azure ML\'s {"Inputs": {"WebServiceInput0": [row, ...]}})', code="missing-data")
    extra = [k for k in body if k != "data"]
    if extra:
        raise PayloadError(f"unexpected field {extra[0]!r}; the body is {{\"data\": [row, ...]}}")
    if len(endpoint.inputs) != 1:
        raise PayloadError(f"this endpoint has {len(endpoint.inputs)} inputs; send "
                           f'{{"Inputs": {{name: [row, ...]}}}} naming each', code="missing-input")
    return DESIGNER, endpoint.tables_from_rows({endpoint.inputs[0].name: body["data"]}, max_rows=max_rows)


def answer(shape: str, endpoint: Endpoint, results: dict) -> dict:
    if shape == AZURE:
        return {"Results": {name: table_records(table) for name, table in results.items()}}
    first = results[endpoint.outputs[0].name]
    return {"predictions": predictions(first)}


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
