"""Opening a run's outputs in place: a table page with a column profile, metrics, model summaries, downloads.

Artifacts are content-addressed and never change, so profiles and summaries
are cached by artifact path.
"""
from __future__ import annotations

import io
import json
import logging
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from canvas_store.artifacts import ArtifactNotFound, ArtifactStore
from components.ports import load_value, read_meta
from designer.server.json_values import to_json_value

log = logging.getLogger("designer.server")

HISTOGRAM_BINS = 10
TOP_VALUES = 10
#: At most this many files are listed in an object artifact's summary.
LISTED_FILES = 50
TABLE_FILE = "data.parquet"


def table_columns(artifacts: ArtifactStore, digest: str | None) -> list[str] | None:
    """The column names of a table artifact (from its meta, without reading the data), or None."""
    try:
        meta = artifacts.meta(digest)
    except (ArtifactNotFound, OSError, ValueError):
        return None
    if meta.get("form") != "table":
        return None
    return [str(column["name"]) for column in meta.get("columns") or []]


def output_preview(artifacts: ArtifactStore, digest: str, *, offset: int = 0, limit: int = 50) -> dict:
    """What the output viewer shows for one artifact: its meta plus a table page, metrics or a summary."""
    path = artifacts.existing_path(digest)
    meta = read_meta(path)
    preview: dict[str, Any] = {"type": meta.get("type"), "digest": digest, "meta": meta}
    form = meta.get("form")
    if form == "table":
        preview["table"] = table_page(path, offset, limit)
        preview["profile"] = [dict(column) for column in table_profile(str(path))]
    elif form == "json":
        value = json.loads((path / "value.json").read_text())
        if meta.get("type") == "Metrics":
            preview["metrics"] = value
        else:
            preview["summary"] = value if isinstance(value, dict) else {"value": value}
    else:
        preview["summary"] = dict(object_summary(str(path)))
    return preview


# ---------------------------------------------------------------- tables

def _read_table(path: Path):
    import pyarrow.parquet as pq

    return pq.read_table(path / TABLE_FILE)


def table_page(path: Path, offset: int, limit: int) -> dict:
    table = _read_table(Path(path))
    columns = [name for name in table.column_names if not name.startswith("__index_level_")]
    page = table.select(columns).slice(offset, limit).to_pandas()
    rows = [[cell(value) for value in row] for row in page.itertuples(index=False, name=None)]
    return {"columns": columns, "rows": rows, "offset": offset, "limit": limit, "total_rows": table.num_rows}


def cell(value: Any) -> Any:
    """One table value as JSON: missing values (NaN, None, NaT, pd.NA) become null."""
    import pandas as pd

    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):  # lists and arrays are not scalars
        pass
    return to_json_value(value)


@lru_cache(maxsize=32)
def table_profile(path: str) -> tuple:
    frame = _read_table(Path(path)).to_pandas()
    return tuple(column_profile(str(name), frame[name]) for name in frame.columns
                 if not str(name).startswith("__index_level_"))


def column_profile(name: str, series) -> dict:
    """dtype, missing and distinct counts; min/max/mean and a 10-bin histogram for numbers; top values otherwise."""
    import numpy as np
    from pandas.api import types

    profile: dict[str, Any] = {"name": name, "dtype": str(series.dtype), "missing": int(series.isna().sum()),
                               "distinct": _distinct(series), "min": None, "max": None, "mean": None,
                               "histogram": None, "top": None}
    present = series.dropna()
    if types.is_numeric_dtype(series) and not types.is_bool_dtype(series):
        values = present.to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if len(values):
            counts, edges = np.histogram(values, bins=HISTOGRAM_BINS)
            profile.update(min=cell(present.min()), max=cell(present.max()), mean=float(values.mean()),
                           histogram={"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]})
    elif types.is_datetime64_any_dtype(series):
        if len(present):
            profile.update(min=cell(present.min()), max=cell(present.max()))
    else:
        profile["top"] = _top_values(present)
    return profile


def _distinct(series) -> int:
    try:
        return int(series.nunique(dropna=True))
    except TypeError:  # unhashable cells (lists, dicts)
        return int(series.dropna().astype(str).nunique())


def _top_values(present) -> list:
    try:
        counts = present.value_counts()
    except TypeError:
        counts = present.astype(str).value_counts()
    return [[cell(value), int(count)] for value, count in counts.head(TOP_VALUES).items()]


# ---------------------------------------------------------------- other artifacts

@lru_cache(maxsize=32)
def object_summary(path: str) -> dict:
    """A model's or other object's own summary (`summary()` or `describe()`), its class and its files."""
    directory = Path(path)
    meta = read_meta(directory)
    summary: dict[str, Any] = {"form": meta.get("form")}
    if meta.get("class"):
        summary["class"] = meta["class"]
    try:
        value = load_value(directory)
        described = None
        for method in ("summary", "describe"):
            if callable(getattr(value, method, None)):
                described = getattr(value, method)()
                break
        if isinstance(described, dict):
            summary.update(to_json_value(described))
        else:
            summary["python_type"] = type(value).__name__
            summary["repr"] = repr(value)[:2000]
    except Exception as exc:  # a damaged or unloadable artifact still shows its meta and files
        log.warning("cannot summarise artifact %s: %s", directory.name, exc)
        summary["error"] = f"could not open this output: {type(exc).__name__}: {exc}"
        if meta.get("info"):
            summary["info"] = meta["info"]
    summary["files"] = [{"path": p.relative_to(directory).as_posix(), "bytes": p.stat().st_size}
                        for p in _files(directory)[:LISTED_FILES]]
    return summary


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and not p.is_symlink())


# ---------------------------------------------------------------- downloads

def download(artifacts: ArtifactStore, digest: str, basename: str) -> tuple[BinaryIO, str, str]:
    """(file object, mimetype, file name): CSV for tables, JSON for JSON values, a zip of the artifact otherwise."""
    path = artifacts.existing_path(digest)
    form = read_meta(path).get("form")
    if form == "table":
        frame = _read_table(path).to_pandas()
        frame = frame[[c for c in frame.columns if not str(c).startswith("__index_level_")]]
        data = io.BytesIO(frame.to_csv(index=False).encode("utf-8"))
        return data, "text/csv", f"{basename}.csv"
    if form == "json":
        value = json.loads((path / "value.json").read_text())
        text = json.dumps(to_json_value(value), indent=2, allow_nan=False) + "\n"
        return io.BytesIO(text.encode("utf-8")), "application/json", f"{basename}.json"
    archive = tempfile.SpooledTemporaryFile(max_size=16 << 20)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for file in _files(path):
            zipped.write(file, file.relative_to(path).as_posix())
    archive.seek(0)
    return archive, "application/zip", f"{basename}.zip"
