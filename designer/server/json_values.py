"""Flask's JSON: the API's answers through `components.json_values` (numpy values become numbers, NaN null)."""
from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider

from components.json_values import to_json_value

__all__ = ["DesignerJSONProvider", "dumps", "to_json_value"]


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
