"""The datastore as a boundary: every path a component opens, and every file it reaches through links, is inside.

Checks resolved paths (all symlinks followed), not only the path the user typed:
a folder whose part file links elsewhere, or a class folder that is itself a link,
is refused. Any code that reads or writes user files calls these:

    confine(root, "raw/sales.csv")          # a user-given path -> its Path inside root
    resolve_inside(root, "raw/sales.csv")   # the same, resolved (links followed)
    files_inside(root, folder)              # every file under a folder, each checked
    ensure_inside(root, path)               # one path already in hand (e.g. from a listing)
    link_leading_outside(folder)            # the first link under a folder that leads out, if any

A link is fine as long as where it leads stays inside the datastore.
"""
from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from components.spec import ComponentError

#: More files than this under one folder is surely not what the user meant to read.
MAX_FILES = 1_000_000


class OutsideDatastore(ComponentError):
    """A path, or a file reached through a link, lies outside the datastore."""


class PathOutsideDatastore(OutsideDatastore):
    """A user-given path that cannot be used (outside, empty, a NUL byte); `path` is the path as given."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"path {path!r} {reason}")
        self.path = path
        self.reason = reason


def _root(root: str | os.PathLike) -> Path:
    return Path(root).resolve()


def _is_inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def confine(root: str | os.PathLike, relative: str, *, allow_root: bool = False) -> Path:
    """The path `relative` names inside `root` (not resolved), or PathOutsideDatastore.

    Refused: an empty path (unless `allow_root`), a NUL byte, an absolute path or drive, any '..'
    part, and a link on the way whose target lies outside `root`. The path need not exist.
    """
    text = str(relative if relative is not None else "").strip().replace("\\", "/")
    if "\x00" in text:
        raise PathOutsideDatastore(text, "contains a NUL character")
    base = _root(root)
    parts = [p for p in PurePosixPath(text).parts if p not in ("", ".")] if text else []
    if text.startswith("/") or (parts and ":" in parts[0]):
        raise PathOutsideDatastore(text, "is outside the datastore: it is an absolute path; "
                                         "give a path relative to the datastore")
    if ".." in parts:
        raise PathOutsideDatastore(text, "is outside the datastore: it goes up through '..'")
    if not parts:
        if allow_root:
            return base
        raise PathOutsideDatastore(text, "is empty: no path was given; name a file or folder inside the datastore")
    current = base
    for part in parts:
        current = current / part
        if os.path.islink(current):
            try:
                target = current.resolve()
            except (OSError, RuntimeError) as exc:  # a link loop
                raise PathOutsideDatastore(text, f"cannot be used: {exc}") from None
            if not _is_inside(target, base):
                raise PathOutsideDatastore(text, f"is outside the datastore: it goes through the link "
                                                 f"'{current.relative_to(base).as_posix()}', which leads outside")
    return current


def resolve_inside(root: str | os.PathLike, relative: str) -> Path:
    """`confine`, resolved: the real file or folder a user-given path names inside `root`."""
    path = confine(root, relative)
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:  # a link loop, a name too long
        raise PathOutsideDatastore(str(relative), f"cannot be used: {exc}") from None


def link_leading_outside(folder: str | os.PathLike, root: str | os.PathLike | None = None) -> str | None:
    """The first link under `folder` (relative, posix) whose target is outside `root` (default `folder`)."""
    folder = Path(folder)
    base = _root(root if root is not None else folder)
    for current, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            path = Path(current, name)
            if path.is_symlink() and not _is_inside(Path(os.path.realpath(path)), base):
                return path.relative_to(folder).as_posix()
    return None


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
