"""Port types and their on-disk forms, so every output survives restarts and crosses processes.

Every artifact is a directory holding `meta.json` (`{"type": PORT_TYPE, "form": ..., ...}`)
plus the files of its form:

- ``table``: `data.parquet` (pandas via pyarrow) and the column roles in meta
  (`label`, `features`, `categorical`, set by edit-metadata and kept downstream).
- ``json``: `value.json` (Metrics are always this form).
- ``object``: a class with `save_to(directory)` and classmethod `load_from(directory)`
  writes its own files (models: weights + meta; image directories: images + labels);
  meta records the class as `module:QualName`.
- ``pickle``: `value.pkl`, the fallback for plain Python values on `Any` ports.

A model or fitted transformation that can say what it does to a table's columns
(`schema_facts()`, see components.table_schema.saved_schema) has that recorded in
meta as `schema`, so schema-before-running reads it without loading the artifact.
"""
from __future__ import annotations

import importlib
import json
import pickle
from pathlib import Path
from typing import Any

from components.json_values import to_json_value

META_FILE = "meta.json"
#: Key of `DataFrame.attrs` where column roles travel with a table.
ROLES_KEY = "designer_roles"


class PortType:
    """A named port type; an edge is valid when the names match or the target is `Any`."""

    def __init__(self, name: str, description: str):
        self.name = name
        self.description = description

    def accepts(self, source: "PortType") -> bool:
        return self.name == "Any" or source.name == self.name

    def __repr__(self) -> str:
        return f"PortType({self.name})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PortType) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


DataFrame = PortType("DataFrame", "A table: Parquet on disk, column roles in meta.json.")
ImageDirectory = PortType("ImageDirectory", "Images with labels and class names.")
UntrainedModel = PortType("UntrainedModel", "An algorithm with its settings, not yet fitted.")
TrainedModel = PortType("TrainedModel", "A fitted model with what it needs to score new rows.")
Transformation = PortType("Transformation", "A fitted preprocessing step that can be re-applied.")
Metrics = PortType("Metrics", "Evaluation results and the data for their charts.")
AnyPort = PortType("Any", "Accepts any output.")

PORT_TYPES = {t.name: t for t in (DataFrame, ImageDirectory, UntrainedModel, TrainedModel,
                                  Transformation, Metrics, AnyPort)}
#: Colours the canvas uses for each type (kept here so the palette and docs agree).
PORT_COLOURS = {"DataFrame": "#2563eb", "ImageDirectory": "#9333ea", "UntrainedModel": "#f59e0b",
                "TrainedModel": "#16a34a", "Transformation": "#0891b2", "Metrics": "#db2777",
                "Any": "#64748b"}


def port_type(value: Any) -> PortType:
    """Accept a PortType or its name."""
    if isinstance(value, PortType):
        return value
    if isinstance(value, str) and value in PORT_TYPES:
        return PORT_TYPES[value]
    raise TypeError(f"unknown port type {value!r}")


# ---------------------------------------------------------------- saving and loading

def save_value(port: PortType, value: Any, directory: Path) -> None:
    """Write `value` into the (empty, existing) `directory` in its on-disk form."""
    import pandas as pd

    directory = Path(directory)
    meta: dict[str, Any] = {"type": port.name}
    if isinstance(value, pd.DataFrame):
        meta.update(_save_table(value, directory))
    elif hasattr(value, "save_to") and hasattr(type(value), "load_from"):
        meta = object_meta(port, value, value.save_to(directory))
    elif port.name == "Metrics" or _is_json_value(value):
        meta["form"] = "json"
        (directory / "value.json").write_text(json.dumps(value, sort_keys=True, default=to_json_value))
    else:
        meta["form"] = "pickle"
        with open(directory / "value.pkl", "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        meta.update(_schema_meta(value))
    (directory / META_FILE).write_text(json.dumps(meta, sort_keys=True))


def object_meta(port: PortType, value: Any, info: Any) -> dict:
    """meta.json of an object-form artifact (`info` is what its save_to returned)."""
    cls = type(value)
    meta: dict[str, Any] = {"type": port.name, "form": "object", "class": f"{cls.__module__}:{cls.__qualname__}"}
    if isinstance(info, dict):
        meta["info"] = info
    meta.update(_schema_meta(value))
    return meta


def _schema_meta(value: Any) -> dict:
    """{"schema": facts} for a value that records what it does to columns; {} for any other."""
    facts = getattr(value, "schema_facts", None)
    try:
        facts = facts() if callable(facts) else None
    except Exception:  # a value that cannot say stays unknown before a run; storing it must still work
        return {}
    return {"schema": json.loads(json.dumps(facts, default=to_json_value))} if isinstance(facts, dict) else {}


def planned_files(port: PortType, value: Any) -> list | None:
    """The files of `value`'s on-disk form, without writing them, when the value can say (a `layout()`
    giving ([(relative path, bytes | source Path | callable giving bytes)], info)); else None.

    The artifact store then copies each source once while hashing it, instead of copying and
    reading everything back; the files and bytes are exactly those `save_value` writes.
    """
    if not (hasattr(value, "layout") and hasattr(type(value), "load_from")):
        return None
    files, info = value.layout()
    return [*files, (META_FILE, json.dumps(object_meta(port, value, info), sort_keys=True).encode())]


def load_value(directory: Path) -> Any:
    directory = Path(directory)
    meta = read_meta(directory)
    form = meta.get("form")
    if form == "table":
        import pandas as pd

        frame = pd.read_parquet(directory / "data.parquet")
        if meta.get("roles"):
            frame.attrs[ROLES_KEY] = meta["roles"]
        return frame
    if form == "object":
        module_name, _, qualname = meta["class"].partition(":")
        cls: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            cls = getattr(cls, part)
        return cls.load_from(directory)
    if form == "json":
        return json.loads((directory / "value.json").read_text())
    if form == "pickle":
        with open(directory / "value.pkl", "rb") as fh:
            return pickle.load(fh)
    raise ValueError(f"artifact at {directory} has an unknown form {form!r}")


def read_meta(directory: Path) -> dict:
    return json.loads((Path(directory) / META_FILE).read_text())


def _save_table(frame, directory: Path) -> dict:
    frame = frame.copy(deep=False)
    if not all(isinstance(c, str) for c in frame.columns):
        frame.columns = [str(c) for c in frame.columns]
    if frame.columns.duplicated().any():
        dupes = sorted(set(frame.columns[frame.columns.duplicated()]))
        raise ValueError(f"table has duplicate column names: {dupes}")
    roles = frame.attrs.get(ROLES_KEY) or {}
    frame.attrs = {}
    index_is_default = isinstance(frame.index, __import__("pandas").RangeIndex) and frame.index.start == 0
    frame.to_parquet(directory / "data.parquet", index=not index_is_default, engine="pyarrow")
    return {
        "form": "table",
        "rows": int(len(frame)),
        "columns": [{"name": c, "dtype": str(t)} for c, t in frame.dtypes.items()],
        "roles": roles,
    }


def _is_json_value(value: Any) -> bool:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_json_value(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json_value(v) for k, v in value.items())
    return False


# ---------------------------------------------------------------- column roles

def column_roles(frame) -> dict:
    """The roles edit-metadata set on a table: {"label": str|None, "features": [...], "categorical": [...]}."""
    return dict(frame.attrs.get(ROLES_KEY) or {})


def with_roles(frame, **roles) -> Any:
    """Return `frame` with its roles updated, dropping roles that name columns it no longer has."""
    merged = {**column_roles(frame), **roles}
    columns = set(map(str, frame.columns))
    if merged.get("label") is not None and merged["label"] not in columns:
        merged["label"] = None
    for key in ("features", "categorical"):
        if key in merged and merged[key] is not None:
            merged[key] = [c for c in merged[key] if c in columns]
    frame.attrs[ROLES_KEY] = merged
    return frame
