"""The content-addressed artifact store and the cache index that maps cache keys to outputs.

Layout under the store root:
    objects/<d[:2]>/<digest>/      one artifact directory (meta.json + its form's files)
    cache/<k[:2]>/<key>.json       {"outputs": {port: digest}, "seconds": float}
Writes go to a temporary directory and are renamed into place, so a crash
never leaves a half-written artifact where a reader could find it.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from components.ports import PortType, load_value, read_meta, save_value


class ArtifactNotFound(KeyError):
    pass


class ArtifactStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.cache_dir = self.root / "cache"
        self.tmp = self.root / "tmp"
        for path in (self.objects, self.cache_dir, self.tmp):
            path.mkdir(parents=True, exist_ok=True)
        #: Fan-out directories known to exist, so the hot path does not ask the filesystem again.
        self._made: set[Path] = set()

    def _ensure_dir(self, path: Path) -> None:
        if path not in self._made:
            path.mkdir(parents=True, exist_ok=True)
            self._made.add(path)

    # ------------------------------------------------------------ artifacts
    def put(self, port: PortType, value: Any) -> str:
        """Save `value` in its on-disk form and return its content digest."""
        staging = Path(tempfile.mkdtemp(dir=self.tmp))
        try:
            save_value(port, value, staging)
            digest = directory_digest(staging)
            final = self.path(digest)
            if final.exists():
                shutil.rmtree(staging, ignore_errors=True)
            else:
                self._ensure_dir(final.parent)
                try:
                    os.rename(staging, final)
                except OSError:
                    # Another writer stored the same content first.
                    shutil.rmtree(staging, ignore_errors=True)
            return digest
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def get(self, digest: str) -> Any:
        return load_value(self.existing_path(digest))

    def meta(self, digest: str) -> dict:
        return read_meta(self.existing_path(digest))

    def path(self, digest: str) -> Path:
        if not _is_digest(digest):
            raise ArtifactNotFound(digest)
        return self.objects / digest[:2] / digest

    def existing_path(self, digest: str) -> Path:
        path = self.path(digest)
        if not path.is_dir():
            raise ArtifactNotFound(digest)
        return path

    def exists(self, digest: str) -> bool:
        return _is_digest(digest) and self.path(digest).is_dir()

    # ------------------------------------------------------------ cache index
    def cached_outputs(self, cache_key: str) -> dict[str, str] | None:
        """The outputs recorded for `cache_key`, if every one of them is still present."""
        entry = self._cache_file(cache_key)
        try:
            record = json.loads(entry.read_text())
        except (OSError, ValueError):
            return None
        outputs = record.get("outputs") or {}
        if not all(self.exists(d) for d in outputs.values()):
            return None
        return outputs

    def record_cache(self, cache_key: str, outputs: dict[str, str], **info: Any) -> None:
        entry = self._cache_file(cache_key)
        self._ensure_dir(entry.parent)
        fd, temp = tempfile.mkstemp(dir=self.tmp)
        with os.fdopen(fd, "w") as fh:
            json.dump({"outputs": outputs, **info}, fh)
        os.replace(temp, entry)

    def forget_cache(self, cache_key: str) -> None:
        try:
            self._cache_file(cache_key).unlink()
        except FileNotFoundError:
            pass

    def work_dir(self, cache_key: str, create: bool = True) -> Path:
        """A scratch directory tied to one cache key (checkpoints survive a cancelled run)."""
        path = self.root / "work" / cache_key[:2] / cache_key
        if create:
            path.mkdir(parents=True, exist_ok=True)
        return path

    def _cache_file(self, cache_key: str) -> Path:
        if not _is_digest(cache_key):
            raise ValueError(f"bad cache key {cache_key!r}")
        return self.cache_dir / cache_key[:2] / f"{cache_key}.json"


def directory_digest(directory: Path) -> str:
    """sha256 over the relative path and bytes of every file, in sorted order."""
    hasher = hashlib.sha256()
    directory = Path(directory)
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        rel = path.relative_to(directory).as_posix().encode()
        hasher.update(len(rel).to_bytes(4, "big") + rel)
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                hasher.update(chunk)
        hasher.update(b"\0")
    return hasher.hexdigest()


def _is_digest(text: str) -> bool:
    return isinstance(text, str) and len(text) == 64 and all(c in "0123456789abcdef" for c in text)
