"""Cache keys: a node's outputs are reused when its component, parameters and inputs are the same."""
from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping

#: Bump to invalidate every cache entry when the on-disk forms change incompatibly.
CACHE_FORMAT = "1"


def cache_key(component_id: str, version: str, params: Mapping[str, Any], input_digests: Mapping[str, str | None]) -> str:
    """hash(component id + version, resolved params, input artifact digests); position and node id never count."""
    material = {
        "format": CACHE_FORMAT,
        "component": component_id,
        "version": version,
        "params": params,
        "inputs": dict(sorted(input_digests.items())),
    }
    text = json.dumps(material, sort_keys=True, separators=(",", ":"), default=_stable)
    return hashlib.sha256(text.encode()).hexdigest()


def _stable(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"parameter value of type {type(value).__name__} cannot be part of a cache key")
