"""Plain JSON out of whatever components produce: numpy values become numbers, NaN and ±inf become null."""
from __future__ import annotations

import json
import math
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from flask.json.provider import DefaultJSONProvider


def to_json_value(value: Any) -> Any:
    """`value` as something `json.dumps(allow_nan=False)` accepts (browsers' JSON.parse rejects NaN)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json_value(v) for v in value]
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
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
    isoformat = getattr(value, "isoformat", None)  # pandas Timestamp
    if callable(isoformat):
        return isoformat()
    return str(value)


def dumps(value: Any, **kwargs: Any) -> str:
    try:
        return json.dumps(value, allow_nan=False, **kwargs)
    except (TypeError, ValueError):
        return json.dumps(to_json_value(value), allow_nan=False, **kwargs)


class DesignerJSONProvider(DefaultJSONProvider):
    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("sort_keys", self.sort_keys)
        kwargs.pop("default", None)
        return dumps(obj, **kwargs)
