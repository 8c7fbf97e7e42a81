"""Uploads into a folder datastore: streamed to temporary files on the same disk, placed only when all arrived.

A multipart body is parsed straight from the socket into temporary files (never
whole in memory). Only when the whole body has arrived and every target path is
known to stay inside the datastore are the files renamed into place, so a failed
or refused upload leaves nothing behind. A `.zip` may be unpacked: each member is
checked first (no absolute path, no '..', no link, no more bytes than the limit).
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from components.datastore_paths import PathOutsideDatastore, confine
from designer.data.datastores import STAGING_FOLDER, Datastore
from designer.data.errors import DataError

#: Default largest request body an upload may have (configurable: DESIGNER_UPLOAD_LIMIT).
DEFAULT_UPLOAD_LIMIT = 10 << 30
CHUNK = 1 << 20


@dataclass(frozen=True)
class ArrivedFile:
    """One uploaded file, complete in its staging file."""

    filename: str
    staged: Path


def too_large(limit: int) -> DataError:
    return DataError(413, "payload-too-large", f"the upload is larger than the limit of {_size(limit)}; "
                     f"nothing was kept", {"limit_bytes": limit})


def receive(stream: IO[bytes], mimetype: str, content_length: int | None, options: dict, *,
            staging: Path, limit: int) -> tuple[dict, list[ArrivedFile]]:
    """Parse a multipart body from `stream` into staging files; returns (form fields, files of field `file`)."""
    from designer.data.multipart import read_multipart

    if content_length is not None and content_length > limit:
        raise too_large(limit)
    if mimetype != "multipart/form-data":
        raise DataError(415, "unsupported-media-type", "send the files as multipart/form-data (field 'file')",
                        {"content_type": mimetype or None})
    boundary = (options or {}).get("boundary", "").encode("latin-1")
    if not boundary:
        raise DataError(400, "invalid-upload", "the multipart/form-data upload names no boundary")
    staging.mkdir(parents=True, exist_ok=True)
    opened: list = []

    def open_file():
        handle = tempfile.NamedTemporaryFile(dir=staging, prefix="upload-", suffix=".partial", delete=False)
        opened.append(handle)
        return handle

    try:
        parts = read_multipart(stream, boundary, open_file, limit=limit, too_large=lambda: too_large(limit))
    except BaseException:
        _discard(opened)
        raise
    arrived = []
    for field_name, filename, handle in parts.files:
        handle.close()
        if field_name == "file" and filename:
            arrived.append(ArrivedFile(filename, Path(handle.name)))
        else:
            Path(handle.name).unlink(missing_ok=True)
    return parts.fields, arrived


def _discard(handles: list) -> None:
    for handle in handles:
        try:
            handle.close()
        finally:
            Path(handle.name).unlink(missing_ok=True)


def staging_folder(store: Datastore) -> Path:
    return store.folder() / STAGING_FOLDER


# ---------------------------------------------------------------- placing

def place(store: Datastore, files: list[ArrivedFile], folder: str = "", *, extract: bool = False,
          limit: int = DEFAULT_UPLOAD_LIMIT) -> list[dict]:
    """Move arrived files into `folder` of the datastore (unpacking zips when `extract`); all or nothing."""
    try:
        if not files:
            raise DataError(400, "missing-file", "the upload has no file (send each in a multipart field 'file')",
                            {"field": "file"})
        base = store.locate(folder, allow_root=True)
        plan: list[tuple[Path, Path, str]] = []  # (staged file or folder, target, path shown)
        for item in files:
            name = item.filename.replace("\\", "/").strip()
            if extract and name.lower().endswith(".zip"):
                unpacked = _unpack(item, store, limit)
                for member in sorted(p for p in unpacked.rglob("*") if p.is_file()):
                    relative = member.relative_to(unpacked).as_posix()
                    plan.append((member, *_target(store, base, relative)))
            else:
                plan.append((item.staged, *_target(store, base, name)))
        for _, target, shown in plan:
            if target.is_dir():
                raise DataError(409, "conflict", f"'{shown}' is a folder already; delete it or upload elsewhere",
                                {"path": shown})
        placed = []
        for staged, target, shown in plan:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
            placed.append({"path": shown, "size": target.stat().st_size})
        return placed
    finally:
        for item in files:
            item.staged.unlink(missing_ok=True)
            shutil.rmtree(str(item.staged) + ".unzipped", ignore_errors=True)


def _target(store: Datastore, base: Path, relative: str) -> tuple[Path, str]:
    root = store.folder().resolve()
    shown = (base.relative_to(root) / relative).as_posix() if base != root else relative
    try:
        target = confine(root, shown)
    except PathOutsideDatastore as exc:
        raise DataError(400, "path-outside-datastore", f"{exc} (datastore '{store.name}')",
                        {"path": exc.path, "datastore": store.name}) from None
    if any(part == STAGING_FOLDER for part in PurePosixPath(shown).parts):
        raise DataError(400, "invalid-path", f"'{shown}' is inside the upload staging folder", {"path": shown})
    return target, shown


def _unpack(item: ArrivedFile, store: Datastore, limit: int) -> Path:
    """Extract a staged zip next to it after checking every member; the caller moves the files."""
    try:
        archive = zipfile.ZipFile(item.staged)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(400, "invalid-zip", f"'{item.filename}' is not a readable zip file ({exc})",
                        {"path": item.filename}) from None
    target = Path(str(item.staged) + ".unzipped")
    with archive:
        total = 0
        for info in archive.infolist():
            name = info.filename.replace("\\", "/")
            parts = PurePosixPath(name).parts
            mode = info.external_attr >> 16
            if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]) or stat.S_ISLNK(mode):
                raise DataError(400, "path-outside-datastore",
                                f"zip file '{item.filename}' holds an unsafe entry '{info.filename}' (an absolute "
                                f"path, a '..' or a link); nothing was kept",
                                {"path": info.filename, "datastore": store.name})
            total += info.file_size
            if total > limit:
                raise too_large(limit)
        target.mkdir()
        for info in archive.infolist():
            if info.is_dir():
                continue
            destination = target / info.filename.replace("\\", "/")
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, open(destination, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
    return target


def _size(limit: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if limit >= 1 << shift:
            return f"{limit / (1 << shift):g} {unit}"
    return f"{limit} bytes"
