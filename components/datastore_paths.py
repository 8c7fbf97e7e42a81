"""The datastore as a boundary: every path a component opens, and every file it reaches through links, is inside.

Checks resolved paths (all symlinks followed), not only the path the user typed:
a folder whose part file links elsewhere, or a class folder that is itself a link,
is refused. Any code that reads or writes user files calls these:

    resolve_inside(root, "raw/sales.csv")   # a user-given path -> its resolved Path
    files_inside(root, folder)              # every file under a folder, each checked
    ensure_inside(root, path)               # one path already in hand (e.g. from a listing)
"""
from __future__ import annotations

import os
from pathlib import Path

from components.spec import ComponentError

#: More files than this under one folder is surely not what the user meant to read.
MAX_FILES = 1_000_000


class OutsideDatastore(ComponentError):
    """A path, or a file reached through a link, lies outside the datastore."""


def _root(root: str | os.PathLike) -> Path:
    return Path(root).resolve()


def _is_inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def resolve_inside(root: str | os.PathLike, relative: str) -> Path:
    """The resolved path of a user-given `relative` path, refusing empty paths, NUL bytes and escapes."""
    text = str(relative).strip()
    if not text:
        raise ComponentError("no path was given")
    if "\x00" in text:
        raise ComponentError(f"path {relative!r} contains a NUL character")
    base = _root(root)
    try:
        candidate = (base / text).resolve()
    except (OSError, ValueError, RuntimeError) as exc:  # a link loop, a name too long
        raise ComponentError(f"path {relative!r} cannot be used: {exc}") from None
    if not _is_inside(candidate, base):
        raise OutsideDatastore(f"path {relative!r} is outside the datastore {base}")
    return candidate


def ensure_inside(root: str | os.PathLike, path: str | os.PathLike, shown: str | None = None) -> Path:
    """`path` resolved (links followed); OutsideDatastore when that lands outside `root`."""
    base = _root(root)
    resolved = Path(os.path.realpath(path))
    if not _is_inside(resolved, base):
        name = shown or str(path)
        raise OutsideDatastore(f"'{name}' leads outside the datastore {base} (through a link to {resolved})")
    return resolved


def files_inside(root: str | os.PathLike, folder: str | os.PathLike) -> list[Path]:
    """Every file under `folder` (links followed), sorted; refuses the lot if any of them, or any folder
    reached on the way, resolves outside `root`. Paths are returned as found (not resolved)."""
    base = _root(root)
    start = Path(folder)
    ensure_inside(base, start)
    if not start.is_dir():
        return [start]
    found: list[Path] = []
    seen: set[str] = set()
    for current, dirs, files in os.walk(start, followlinks=True):
        real = os.path.realpath(current)
        if real in seen:  # a link back up the tree: visit each real folder once
            dirs[:] = []
            continue
        seen.add(real)
        ensure_inside(base, current, _shown(current, start))
        dirs.sort()
        for name in sorted(files):
            path = Path(current) / name
            ensure_inside(base, path, _shown(path, start))
            found.append(path)
            if len(found) > MAX_FILES:
                raise ComponentError(f"more than {MAX_FILES} files under '{start}'")
        for name in dirs:
            ensure_inside(base, Path(current) / name, _shown(Path(current) / name, start))
    return found


def _shown(path, start: Path) -> str:
    try:
        return str(Path(path).relative_to(start.parent))
    except ValueError:
        return str(path)
