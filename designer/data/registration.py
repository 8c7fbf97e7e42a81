"""Registering a dataset version: read the data once, pin it in the artifact store, and describe it.

A version's content is an artifact in the content-addressed store (a table in its
Parquet form, or an image directory with its images copied), so editing or deleting
the source changes nothing, and registering unchanged content again stores nothing new.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from canvas_store.artifacts import ArtifactStore
from components.datastore_paths import link_leading_outside
from components.ports import DataFrame, ImageDirectory
from components.spec import ComponentError
from components.table_formats import SUFFIX_FORMATS, read_table_file
from designer.data.datastores import Datastore
from designer.data.errors import DataError

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
TABLE_SUFFIXES = SUFFIX_FORMATS
KIND_OF_PORT = {"DataFrame": "tabular", "ImageDirectory": "images"}


@dataclass(frozen=True)
class PinnedContent:
    """What a new version records: its kind, the artifact digest, the schema and the row (or image) count."""

    kind: str
    digest: str
    schema: object
    rows: int | None


def check_name(name) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise DataError(400, "invalid-name", "a dataset name starts with a letter or digit and holds only letters, "
                        "digits, '_', '.' and '-' (at most 100 characters)", {"field": "name"})
    return name


def check_tags(tags) -> dict:
    if tags is None:
        return {}
    if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, (str, int, float, bool))
                                             for k, v in tags.items()):
        raise DataError(400, "invalid-field", "'tags' must be an object of names to text values", {"field": "tags"})
    return {k: str(v) for k, v in tags.items()}


def pin_from_datastore(artifacts: ArtifactStore, store: Datastore, path: str) -> PinnedContent:
    """Read the file or folder at `path` of a folder datastore and pin its content."""
    location = store.locate(path)
    if not location.exists():
        raise DataError(404, "not-found", f"{path!r} does not exist in datastore '{store.name}'",
                        {"path": path, "datastore": store.name})
    if location.is_dir():
        link = link_leading_outside(location, store.folder())
        if link is not None:
            shown = f"{path.rstrip('/')}/{link}"
            raise DataError(400, "path-outside-datastore", f"path {shown!r} is a link that leads out of the "
                            f"datastore '{store.name}'; replace it by the file itself",
                            {"path": shown, "datastore": store.name})
        if any(p.suffix.lower() in (".parquet", ".pq") for p in location.iterdir() if p.is_file()):
            return _pin_table(artifacts, location, "parquet", path)
        return _pin_images(artifacts, location, path)
    fmt = TABLE_SUFFIXES.get(location.suffix.lower())
    if fmt is None:
        raise DataError(400, "unknown-format", f"cannot tell what {path!r} holds from its name: register a CSV, "
                        f"Parquet, JSON (lines) or Excel (.xlsx) file, or a folder of class folders of images",
                        {"path": path})
    return _pin_table(artifacts, location, fmt, path)


def _pin_table(artifacts: ArtifactStore, location: Path, fmt: str, path: str) -> PinnedContent:
    delimiter = "\t" if location.suffix.lower() == ".tsv" else ","
    try:
        frame = read_table_file(location, fmt, shown=path, delimiter=delimiter)
    except ComponentError as exc:
        details = {"path": path, "format": fmt}
        line = re.search(r"\bline (\d+)", str(exc))
        if line:
            details["line"] = int(line.group(1))
        raise DataError(400, "unreadable-data", str(exc), details) from None
    return _table_content(artifacts, frame)


def _table_content(artifacts: ArtifactStore, frame) -> PinnedContent:
    digest = artifacts.put(DataFrame, frame)
    return PinnedContent("tabular", digest, table_schema(artifacts, digest), int(len(frame)))


def table_schema(artifacts: ArtifactStore, digest: str) -> list:
    meta = artifacts.meta(digest)
    return [{"name": str(c["name"]), "dtype": c["dtype"]} for c in meta.get("columns") or []]


def _pin_images(artifacts: ArtifactStore, location: Path, path: str) -> PinnedContent:
    from components.vision.image_directory import read_class_folders

    try:
        images = read_class_folders(location, path, verify=False)
    except ComponentError as exc:
        raise DataError(400, "unreadable-data", f"{exc}. A folder is registered as images (class folders) unless "
                        f"it holds Parquet files", {"path": path}) from None
    digest = artifacts.put(ImageDirectory, images)
    return PinnedContent("images", digest, image_schema(images), len(images))


def image_schema(images) -> dict:
    return {"classes": list(images.classes), "per_class": images.class_counts(),
            "unlabelled": sum(1 for label in images.labels if label is None)}


def pin_from_run(artifacts: ArtifactStore, run: dict, node: str, port: str) -> PinnedContent:
    """A finished run's DataFrame or ImageDirectory output, pinned as it is (it is already an artifact)."""
    record = (run.get("nodes") or {}).get(node)
    if record is None:
        raise DataError(404, "not-found", f"run {run['run_id']} has no node '{node}'", {"node": node})
    if record.get("status") not in ("completed", "cached"):
        raise DataError(409, "node-not-completed", f"node '{node}' did not complete in run {run['run_id']} "
                        f"({record.get('status')}), so it has no output to register", {"node": node})
    output = (record.get("outputs") or {}).get(port)
    if not output:
        known = ", ".join(record.get("outputs") or {}) or "none"
        raise DataError(404, "not-found", f"node '{node}' has no output '{port}' (outputs: {known})",
                        {"node": node, "port": port})
    kind = KIND_OF_PORT.get(output.get("type"))
    if kind is None:
        raise DataError(400, "not-a-dataset", f"output '{node}.{port}' is {output.get('type')}; only DataFrame and "
                        f"ImageDirectory outputs can be registered as datasets", {"node": node, "port": port})
    digest = output["digest"]
    if kind == "tabular":
        meta = artifacts.meta(digest)
        return PinnedContent(kind, digest, table_schema(artifacts, digest), meta.get("rows"))
    images = artifacts.get(digest)
    return PinnedContent(kind, digest, image_schema(images), len(images))
