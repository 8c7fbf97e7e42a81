"""Compute target kinds: what each is, the settings it takes, and where its implementation lives.

One table names every kind; the target registry builds targets from it, and
`designer compute add` and `POST /api/compute` derive their options and checks
from each kind's declared settings. A kind is light to declare: its
implementation module (`build`, "module:function") is imported only when a
target of that kind is first built, so the CLI stays quick to start.

A third-party package adds a kind with an entry point in the group
`designer.compute_kinds` naming a `TargetKind` object::

    [project.entry-points."designer.compute_kinds"]
    ray = "acme_ray.kind:RAY"

    RAY = TargetKind("ray", "a Ray cluster", "acme_ray.target:from_settings",
                     (Setting("address", str, "the cluster's address", flag="--ray", metavar="ADDRESS"),))

`from_settings(name, settings)` returns a `designer.compute.base.ComputeTarget`.
"""
from __future__ import annotations

import importlib
import logging
import threading
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Callable, Mapping

ENTRY_POINT_GROUP = "designer.compute_kinds"
log = logging.getLogger(__name__)
_TYPE_WORDS = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}


@dataclass(frozen=True)
class Setting:
    """One setting of a kind, with its type and limits; `flag` is a `designer compute add` option that
    picks this kind and sets this setting in one go (e.g. `--process 4`)."""

    name: str
    type: type
    description: str
    min: float | None = None
    flag: str | None = None
    metavar: str | None = None

    def problem(self, value: Any) -> str | None:
        """Why `value` is not acceptable, or None."""
        expected = _TYPE_WORDS[self.type]
        if self.type is bool:
            ok = isinstance(value, bool)
        elif self.type is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif self.type is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        else:
            ok = isinstance(value, str)
        if not ok:
            return f"settings.{self.name} must be {expected}"
        if self.min is not None and value < self.min:
            return f"settings.{self.name} must be {expected} of at least {self.min:g}"
        return None

    def to_json(self) -> dict:
        out = {"name": self.name, "type": self.type.__name__, "description": self.description}
        if self.min is not None:
            out["min"] = self.min
        if self.flag:
            out["flag"] = self.flag
        return out


@dataclass(frozen=True)
class TargetKind:
    name: str
    description: str
    #: "module:function" building a target from (name, settings).
    build: str
    settings: tuple = ()

    def factory(self) -> Callable[[str, dict], Any]:
        module, _, function = self.build.partition(":")
        return getattr(importlib.import_module(module), function)

    def setting(self, name: str) -> Setting | None:
        return next((s for s in self.settings if s.name == name), None)

    def problems(self, settings: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(field, message) for every setting that is unknown to this kind or not acceptable."""
        found = []
        for key, value in settings.items():
            declared = self.setting(key)
            if declared is None:
                known = ", ".join(s.name for s in self.settings) or "none"
                found.append((f"settings.{key}", f"settings.{key} is not a setting of the '{self.name}' kind "
                                                 f"(its settings: {known})"))
            elif (message := declared.problem(value)) is not None:
                found.append((f"settings.{key}", message))
        return found

    def to_json(self) -> dict:
        return {"name": self.name, "description": self.description,
                "settings": [s.to_json() for s in self.settings]}


BUILT_IN = (
    TargetKind("local", "threads inside the server or CLI process", "designer.compute.local:from_settings", (
        Setting("workers", int, "threads running nodes at the same time", min=1),
    )),
    TargetKind("process", "a pool of worker processes on this machine (a crash fails only its node)",
               "designer.compute.process:from_settings", (
        Setting("workers", int, "worker processes (default 2)", min=1, flag="--process", metavar="N"),
        Setting("cancel_grace_seconds", float, "seconds a cancelled node may take to stop before its process is "
                                               "terminated (default 1)", min=0),
    )),
    TargetKind("dask", "a Dask cluster: an existing scheduler, or a LocalCluster the designer starts",
               "designer.compute.dask_target:from_settings", (
        Setting("address", str, "the scheduler to attach, tcp://HOST:PORT", flag="--dask", metavar="ADDRESS"),
        Setting("local_workers", int, "start a LocalCluster with this many workers", min=1, flag="--dask-local",
                metavar="N"),
        Setting("shared_filesystem", bool, "workers see the server's artifact store (default true)"),
        Setting("worker_store_root", str, "where workers keep artifacts when the filesystem is not shared"),
        Setting("connect_timeout", float, "seconds to wait for the scheduler (default 3)", min=0),
    )),
)

_kinds: dict[str, TargetKind] | None = None
_lock = threading.Lock()
#: entry point -> error text, for plugin kinds that failed to load (logged, never fatal).
load_errors: dict[str, str] = {}


def target_kinds() -> dict[str, TargetKind]:
    """Every kind: the built-in ones, then those of installed packages (entry points `designer.compute_kinds`)."""
    global _kinds
    if _kinds is None:
        with _lock:
            if _kinds is None:
                found = {kind.name: kind for kind in BUILT_IN}
                for entry in entry_points(group=ENTRY_POINT_GROUP):
                    try:
                        kind = entry.load()
                        if not isinstance(kind, TargetKind):
                            raise TypeError(f"{entry.value} is not a TargetKind")
                    except Exception as exc:  # one broken plugin must not take compute down
                        load_errors[entry.value] = f"{type(exc).__name__}: {exc}"
                        log.warning("compute kind plugin %s failed to load: %s", entry.value, exc)
                        continue
                    found.setdefault(kind.name, kind)
                _kinds = found
    return _kinds


def add_kind(kind: TargetKind) -> None:
    """Make `kind` known in this process (what an entry point does for an installed package)."""
    target_kinds()[kind.name] = kind
