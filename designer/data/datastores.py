"""Datastores: where data lives (the workspace folder, other folders, SQL databases) and the files in them."""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from components.datastore_paths import PathOutsideDatastore, confine
from designer.data.errors import DataError

WORKSPACE = "workspace"
KINDS = ("folder", "sql")
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,99}$")
#: Upload staging inside each folder datastore (same disk, so finished files are renamed into place).
STAGING_FOLDER = ".designer-uploads"
HIDDEN = frozenset({STAGING_FOLDER})


@dataclass(frozen=True)
class Datastore:
    name: str
    kind: str  # "folder" | "sql"
    path: Path | None = None
    url: str | None = None

    def to_json(self) -> dict:
        out = {"name": self.name, "kind": self.kind}
        if self.kind == "folder":
            out["path"] = str(self.path)
        else:
            out["url"] = shown_url(self.url)
        return out

    def run_settings(self) -> dict:
        """What a running component needs to reach it (NodeTask.datastores)."""
        return {"kind": "folder", "path": str(self.path)} if self.kind == "folder" else {"kind": "sql", "url": self.url}

    def folder(self) -> Path:
        if self.kind != "folder":
            raise DataError(400, "not-a-folder-datastore",
                            f"datastore '{self.name}' is a {self.kind} datastore: it holds tables, not files",
                            {"datastore": self.name})
        return Path(self.path)

    def locate(self, relative: str, *, allow_root: bool = False) -> Path:
        """`relative` inside this datastore, or a 400 naming the path."""
        try:
            return confine(self.folder(), relative, allow_root=allow_root)
        except PathOutsideDatastore as exc:
            raise DataError(400, "path-outside-datastore", f"{exc} (datastore '{self.name}')",
                            {"path": exc.path, "datastore": self.name}) from None


def shown_url(url: str | None) -> str | None:
    """A SQLAlchemy URL with its password masked."""
    if url is None:
        return None
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def workspace(home_datastore: Path) -> Datastore:
    return Datastore(WORKSPACE, "folder", path=Path(home_datastore))


def from_record(record: dict) -> Datastore:
    settings = record.get("settings") or {}
    if record["kind"] == "folder":
        return Datastore(record["name"], "folder", path=Path(settings["path"]))
    return Datastore(record["name"], "sql", url=settings["url"])


def checked_settings(name: str, kind: str, path: str | None, url: str | None) -> dict:
    """The settings to store for a new datastore, or DataError saying what is wrong."""
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise DataError(400, "invalid-name", "a datastore name starts with a letter and holds only letters, digits, "
                        "'_', '.' and '-' (at most 100 characters)", {"field": "name"})
    if name == WORKSPACE:
        raise DataError(409, "conflict", "datastore 'workspace' already exists (it is the home's datastore folder)")
    if kind not in KINDS:
        raise DataError(400, "invalid-kind", f"'kind' must be one of {list(KINDS)}, not {kind!r}", {"field": "kind"})
    if kind == "folder":
        if not isinstance(path, str) or not path.strip():
            raise DataError(400, "missing-field", "a folder datastore needs 'path'", {"field": "path"})
        folder = Path(path).expanduser()
        if not folder.is_absolute():
            raise DataError(400, "invalid-path", f"'path' must be an absolute folder path, not {path!r}",
                            {"field": "path"})
        if not folder.is_dir():
            raise DataError(400, "invalid-path", f"folder {path!r} does not exist", {"field": "path"})
        return {"path": str(folder.resolve())}
    if not isinstance(url, str) or not url.strip():
        raise DataError(400, "missing-field", "a sql datastore needs 'url' (a SQLAlchemy URL)", {"field": "url"})
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(url)
    except ArgumentError as exc:
        raise DataError(400, "invalid-url", f"'url' is not a SQLAlchemy URL: {exc}", {"field": "url"}) from None
    return {"url": url}


# ---------------------------------------------------------------- files

def list_files(store: Datastore, prefix: str = "") -> dict:
    """The files and folders directly inside folder `prefix` of the datastore."""
    folder = store.locate(prefix, allow_root=True)
    if not folder.exists():
        raise DataError(404, "not-found", f"folder {prefix!r} does not exist in datastore '{store.name}'",
                        {"path": prefix, "datastore": store.name})
    if not folder.is_dir():
        raise DataError(400, "not-a-folder", f"{prefix!r} is a file, not a folder", {"path": prefix})
    root = store.folder().resolve()
    entries = []
    with os.scandir(folder) as scan:
        for item in scan:
            if item.name in HIDDEN or item.is_symlink():
                continue
            relative = Path(item.path).relative_to(root).as_posix()
            info = item.stat()
            if item.is_dir():
                entries.append({"name": item.name, "path": relative, "type": "folder", "size": None,
                                "file_count": _count_files(Path(item.path)), "modified": info.st_mtime})
            else:
                entries.append({"name": item.name, "path": relative, "type": "file", "size": info.st_size,
                                "modified": info.st_mtime})
    entries.sort(key=lambda e: (e["type"] != "folder", e["name"].lower()))
    shown = Path(folder).relative_to(root).as_posix() if folder != root else ""
    return {"datastore": store.name, "prefix": shown, "files": entries}


def _count_files(folder: Path, limit: int = 100_000) -> int:
    count = 0
    for _, _, files in os.walk(folder):
        count += len(files)
        if count >= limit:
            break
    return count


def delete_path(store: Datastore, relative: str) -> dict:
    """Delete a file (or a whole folder) of the datastore; registered dataset versions keep their copies."""
    target = store.locate(relative)
    if not target.exists():
        raise DataError(404, "not-found", f"{relative!r} does not exist in datastore '{store.name}'",
                        {"path": relative, "datastore": store.name})
    if target.is_dir():
        shutil.rmtree(target)
        return {"deleted": relative, "type": "folder"}
    target.unlink()
    return {"deleted": relative, "type": "file"}
