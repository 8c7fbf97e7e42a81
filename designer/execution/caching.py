"""Cache keys: a node's outputs are reused when its component, parameters and inputs are the same."""
from __future__ import annotations

import hashlib
import json
import os
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


def datastore_fingerprint(datastore: str | None, relative: str) -> str:
    """What a datastore path holds now (sizes and modification times), so editing a file the graph
    reads (a CSV, an image folder, a weights file) re-runs the node that reads it."""
    text = str(relative or "").strip()
    if not datastore or not text or ":" in text.split("/")[0]:
        return ""  # nothing to look at (no datastore, no path, or a reference such as registry:NAME)
    from components.datastore_paths import PathOutsideDatastore, confine

    try:
        path = confine(datastore, text)
    except PathOutsideDatastore:
        return "outside"  # the component refuses it with a clear message
    try:
        if path.is_file():
            info = path.stat()
            return f"file:{info.st_size}:{info.st_mtime_ns}"
        if path.is_dir():
            hasher = hashlib.sha256()
            for folder, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    info = os.stat(os.path.join(folder, name))
                    rel = os.path.relpath(os.path.join(folder, name), path)
                    hasher.update(f"{rel}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
            return "dir:" + hasher.hexdigest()
    except (OSError, ValueError):
        pass
    return "missing"
