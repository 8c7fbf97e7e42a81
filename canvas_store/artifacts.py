"""The content-addressed artifact store and the cache index that maps cache keys to outputs.

Layout under the store root:
    objects/<d[:2]>/<digest>/      one artifact directory (meta.json + its form's files)
    cache/<k[:2]>/<key>.json       {"outputs": {port: digest}, "seconds": float}
Writes go to a temporary directory and are renamed into place, so a crash
never leaves a half-written artifact where a reader could find it.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from components.ports import PortType, load_value, planned_files, read_meta, save_value


#: Recently used artifacts kept decoded in memory (artifacts never change, so this is always valid).
MEMORY_CACHE_BYTES = 256 * 1024 * 1024
#: Artifacts larger than this on disk are never kept in memory.
MEMORY_CACHE_ITEM_BYTES = 32 * 1024 * 1024
#: Blocks (of up to 1 MiB) read and hashed ahead of the writer thread when storing planned files.
WRITE_AHEAD_BLOCKS = 16


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
        self._memory: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._memory_bytes = 0
        self._memory_lock = threading.Lock()

    def _ensure_dir(self, path: Path) -> None:
        if path not in self._made:
            path.mkdir(parents=True, exist_ok=True)
            self._made.add(path)

    # ------------------------------------------------------------ artifacts
    def put(self, port: PortType, value: Any) -> str:
        """Save `value` in its on-disk form and return its content digest."""
        staging = Path(tempfile.mkdtemp(dir=self.tmp))
        try:
            files = planned_files(port, value)
            if files is not None:
                digest, size = _write_and_digest(files, staging)  # each source read once
            else:
                save_value(port, value, staging)
                digest, size = _digest_and_size(staging)
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
            # Only tables are remembered on write, in the exact form a load from disk gives
            # (string column names, column roles as the only attrs); other values on first read.
            table = _as_loaded_table(value)
            if table is not None:
                self._remember(digest, table, size)
            return digest
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def get(self, digest: str) -> Any:
        """The artifact's value; a fresh copy for tables, so a component that edits its input harms no one."""
        with self._memory_lock:
            entry = self._memory.get(digest)
            if entry is not None:
                self._memory.move_to_end(digest)
        if entry is not None and self.exists(digest):
            return _fresh(entry[0])
        path = self.existing_path(digest)
        value = load_value(path)
        self._remember(digest, value, sum(p.stat().st_size for p in path.rglob("*") if p.is_file()))
        return _fresh(value)

    def _remember(self, digest: str, value: Any, size: int) -> None:
        if size > MEMORY_CACHE_ITEM_BYTES:
            return
        with self._memory_lock:
            if digest in self._memory:
                return
            self._memory[digest] = (_fresh(value), size)
            self._memory_bytes += size
            while self._memory_bytes > MEMORY_CACHE_BYTES and self._memory:
                _, (_, dropped) = self._memory.popitem(last=False)
                self._memory_bytes -= dropped

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
    return _digest_and_size(directory)[0]


def _digest_and_size(directory: Path) -> tuple[str, int]:
    hasher = hashlib.sha256()
    directory = Path(directory)
    size = 0
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        rel = path.relative_to(directory).as_posix().encode()
        hasher.update(len(rel).to_bytes(4, "big") + rel)
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                hasher.update(chunk)
                size += len(chunk)
        hasher.update(b"\0")
    return hasher.hexdigest(), size


def _write_and_digest(files: list, directory: Path) -> tuple[str, int]:
    """Write planned files into `directory`, hashing as they are copied; the digest `_digest_and_size` gives.

    Each source is read once; its blocks are hashed here while a writer thread writes them out
    (both release the GIL), so storing costs about as much as hashing. Relative paths stay plain
    posix strings: with thousands of images, Path arithmetic would cost as much as the hashing.
    """
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    hasher = hashlib.sha256()
    size = 0
    root = os.fspath(directory)
    made: set[str] = set()
    pending: deque = deque()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="artifact-writer") as writer:
        def later(call, *args) -> None:
            pending.append(writer.submit(call, *args))
            while len(pending) > WRITE_AHEAD_BLOCKS:
                pending.popleft().result()

        for relative, content in sorted(files, key=lambda item: item[0].split("/")):
            target = os.path.join(root, relative)
            parent = os.path.dirname(target)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            rel = relative.encode()
            hasher.update(len(rel).to_bytes(4, "big") + rel)
            out = open(target, "wb")
            try:
                if isinstance(content, (str, os.PathLike)):
                    with open(content, "rb") as source:
                        for chunk in iter(lambda: source.read(1 << 20), b""):
                            hasher.update(chunk)
                            later(out.write, chunk)
                            size += len(chunk)
                else:
                    data = content() if callable(content) else content
                    hasher.update(data)
                    later(out.write, data)
                    size += len(data)
            finally:
                later(out.close)
            hasher.update(b"\0")
        while pending:
            pending.popleft().result()
    return hasher.hexdigest(), size


def _as_loaded_table(value: Any) -> Any:
    import sys

    pandas = sys.modules.get("pandas")
    if pandas is None or not isinstance(value, pandas.DataFrame):
        return None
    if not all(isinstance(c, str) for c in value.columns) or value.columns.has_duplicates:
        return None
    from components.ports import ROLES_KEY

    table = value.copy(deep=not _copy_on_write(pandas))
    roles = value.attrs.get(ROLES_KEY)
    table.attrs = {ROLES_KEY: roles} if roles else {}
    return table


def _fresh(value: Any) -> Any:
    """Tables and plain JSON-like values are copied (tables copy-on-write); models and other objects are shared."""
    import sys

    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(value, pandas.DataFrame):
        return value.copy(deep=not _copy_on_write(pandas))
    if isinstance(value, (dict, list)):
        return copy.deepcopy(value)
    return value


def _copy_on_write(pandas) -> bool:
    """True where pandas itself keeps shallow copies apart (pandas 3: a write to one never reaches the other),
    so a shallow copy protects the remembered table as a deep one did, without copying every column."""
    return int(pandas.__version__.split(".", 1)[0]) >= 3


def _is_digest(text: str) -> bool:
    return isinstance(text, str) and len(text) == 64 and all(c in "0123456789abcdef" for c in text)


_open_stores: dict[str, ArtifactStore] = {}
_open_lock = threading.Lock()


def store_at(root: Path | str) -> ArtifactStore:
    """This process's one ArtifactStore for `root`, so every user of a root shares its memory cache."""
    key = str(root)
    store = _open_stores.get(key)
    if store is None:
        with _open_lock:
            store = _open_stores.get(key)
            if store is None:
                store = _open_stores[key] = ArtifactStore(root)
    return store
