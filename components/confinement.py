"""The one check that a user-given path stays inside its datastore: no '..', no absolute path, no link at any depth."""
from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from components.spec import ComponentError


class PathOutsideDatastore(ComponentError):
    """A path that would lead out of its datastore (or through a link); `path` is the path as given."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"path {path!r} {reason}")
        self.path = path
        self.reason = reason


def confine(root: Path | str, relative: str, *, allow_root: bool = False) -> Path:
    """The absolute path `relative` names inside `root`, or PathOutsideDatastore.

    Refused: an empty path (unless `allow_root`), an absolute path or drive, any '..' part, and a
    link at any depth (a link could point anywhere later, even if it points inside today).
    The returned path need not exist; every existing part of it is a real folder or file.
    """
    text = str(relative if relative is not None else "").strip().replace("\\", "/")
    if "\x00" in text:
        raise PathOutsideDatastore(text, "contains a NUL character")
    base = Path(root).resolve()
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
            raise PathOutsideDatastore(text, f"is outside the datastore: it goes through the link "
                                             f"'{current.relative_to(base).as_posix()}', which could lead anywhere")
    return current


def has_links(folder: Path) -> str | None:
    """The first link found anywhere under `folder` (relative, posix), or None."""
    folder = Path(folder)
    for current, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            if os.path.islink(os.path.join(current, name)):
                return Path(current, name).relative_to(folder).as_posix()
    return None
