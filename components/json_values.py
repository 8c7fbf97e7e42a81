"""Plain values out of whatever components produce: numpy scalars become Python ones, and anything becomes JSON.

The one place that knows numpy, pandas and datetime values: the store, the
HTTP API, live events, compute targets and the components themselves use it.
"""
from __future__ import annotations

import math
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any


def python_scalar(value: Any) -> Any:
    """A numpy scalar as the Python value it stands for (pickles, compares and prints cleanly); others unchanged."""
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) == () and type(value).__module__ == "numpy":
        return item()
    return value


def to_json_value(value: Any) -> Any:
    """`value` as something `json.dumps(allow_nan=False)` accepts (browsers' JSON.parse rejects NaN).

    NaN, ±inf and pandas' missing values (NaT, NA) become null; numpy scalars and
    arrays become numbers and lists; dates their ISO text; anything else its text.
    """
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json_value(v) for v in value]
    if isinstance(value, (datetime, date, time)):
        return None if value != value else value.isoformat()  # NaT is the one date unequal to itself
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and getattr(value, "shape", None) == ():
        return to_json_value(item())
    tolist = getattr(value, "tolist", None)  # numpy arrays
    if callable(tolist):
        return to_json_value(tolist())
    if _is_missing(value):
        return None
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return isoformat()
    return str(value)


def _is_missing(value: Any) -> bool:
    try:
        import pandas as pd

        return pd.isna(value) is True
    except (TypeError, ValueError, ImportError):
        return False
