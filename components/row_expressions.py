"""Azure's split expressions: pick rows by a regular expression on one column, or by a comparison on one column.

Both name their column first, as `\\"Column name"` or `(\\N)` (the 0-based column
index), then the test:

- regular expression: `\\"Text" ^Gryphon` keeps rows whose Text contains a match;
- relative expression: `\\"Year" > 2010`, `\\"Score" >= 60 & < 90`, `(\\0) <= 30 & != 20`,
  `\\"Age" < 18 | > 65`: comparisons joined by `&` (and) or `|` (or), evaluated
  left to right, no parentheses.
"""
from __future__ import annotations

import operator
import re

import numpy as np
import pandas as pd

from components.columns import is_numeric, require_columns
from components.spec import ComponentError

_COLUMN = re.compile(r'^\s*(?:\\"(?P<name>[^"]+)"|\(\\(?P<index>\d+)\))\s*')
_COMPARISON = re.compile(r"^\s*(?P<op><=|>=|==|!=|<>|<|>|=)\s*(?P<value>[^&|]+?)\s*$")
_OPERATORS = {"<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge, "==": operator.eq,
              "=": operator.eq, "!=": operator.ne, "<>": operator.ne}


def _column(frame: pd.DataFrame, expression: str, kind: str) -> tuple[str, str]:
    match = _COLUMN.match(expression or "")
    if not match:
        raise ComponentError(f'the {kind} must start with the column, as \\"name" or (\\index), e.g. '
                             f'\\"Year" > 2010; got {expression!r}')
    if match.group("name") is not None:
        name = match.group("name")
        require_columns(frame, [name])
    else:
        index = int(match.group("index"))
        if index >= len(frame.columns):
            raise ComponentError(f"the {kind} names column index {index}, but the table has "
                                 f"{len(frame.columns)} columns (indexes start at 0)")
        name = str(frame.columns[index])
    return name, expression[match.end():]


def regular_expression_rows(frame: pd.DataFrame, expression: str) -> np.ndarray:
    """A boolean mask: rows whose column value (as text) contains a match of the pattern."""
    column, pattern = _column(frame, expression, "regular expression")
    try:
        compiled = re.compile(pattern.strip())
    except re.error as exc:
        raise ComponentError(f"the regular expression {pattern.strip()!r} is not valid: {exc}") from None
    values = frame[column]
    return values.map(lambda v: v is not None and not pd.isna(v) and bool(compiled.search(str(v)))).to_numpy(bool)


def relative_expression_rows(frame: pd.DataFrame, expression: str) -> np.ndarray:
    """A boolean mask: rows whose column value passes the comparisons."""
    column, rest = _column(frame, expression, "relative expression")
    series = frame[column]
    parts = re.split(r"([&|])", rest)
    if not parts or not parts[0].strip():
        raise ComponentError(f"the relative expression {expression!r} has no comparison after the column")
    mask = None
    joiner = None
    for part in parts:
        if part in ("&", "|"):
            joiner = part
            continue
        match = _COMPARISON.match(part)
        if not match:
            raise ComponentError(f"{part.strip()!r} in the relative expression is not a comparison such as "
                                 f"> 2010 or != 20")
        test = _OPERATORS[match.group("op")](series, _value(series, match.group("value"), column))
        test = test.fillna(False).to_numpy(bool) if hasattr(test, "fillna") else np.asarray(test, bool)
        mask = test if mask is None else (mask & test if joiner == "&" else mask | test)
    return mask


def _value(series: pd.Series, text: str, column: str):
    text = text.strip().strip('"').strip("'")
    if pd.api.types.is_datetime64_any_dtype(series):
        try:
            return pd.Timestamp(text)
        except ValueError:
            raise ComponentError(f"column {column!r} holds dates; {text!r} is not a date") from None
    if is_numeric(series):
        try:
            return float(text)
        except ValueError:
            raise ComponentError(f"column {column!r} holds numbers; {text!r} is not a number") from None
    return text
