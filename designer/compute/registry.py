"""Compute targets by name: `local` always, others built from stored records by their kind (`kinds.py`)."""
from __future__ import annotations

import threading
from typing import Callable

from designer.compute.base import ComputeTarget, TargetUnavailable
from designer.compute.kinds import target_kinds
from designer.compute.local import LocalTarget


class TargetRegistry:
    """Builds each target on first use and keeps it; `records` gives stored {name: (kind, settings)}."""

    def __init__(self, records: Callable[[], dict] | None = None):
        self._records = records or (lambda: {})
        self._targets: dict[str, ComputeTarget] = {}
        self._lock = threading.Lock()

    def __call__(self, name: str) -> ComputeTarget:
        return self.get(name)

    def get(self, name: str) -> ComputeTarget:
        with self._lock:
            target = self._targets.get(name)
            if target is not None:
                return target
            if name == "local":
                target = LocalTarget("local")
            else:
                record = self._records().get(name)
                if record is None:
                    raise TargetUnavailable(f"compute target '{name}' does not exist "
                                            f"(known: {', '.join(self.names())})")
                kind, settings = record
                declared = target_kinds().get(kind)
                if declared is None:
                    raise TargetUnavailable(f"compute target '{name}' has unknown kind '{kind}'")
                try:
                    factory = declared.factory()
                except ImportError as exc:
                    raise TargetUnavailable(f"compute target '{name}' ({kind}) cannot be built here: {exc}") from None
                target = factory(name, dict(settings or {}))
            self._targets[name] = target
            return target

    def built(self, name: str) -> ComputeTarget | None:
        """The target if it was already built (listing targets must not connect to clusters)."""
        with self._lock:
            return self._targets.get(name)

    def names(self) -> list[str]:
        return ["local"] + sorted(n for n in self._records() if n != "local")

    def forget(self, name: str) -> None:
        with self._lock:
            target = self._targets.pop(name, None)
        if target is not None:
            target.close()

    def close(self) -> None:
        with self._lock:
            targets, self._targets = list(self._targets.values()), {}
        for target in targets:
            target.close()
