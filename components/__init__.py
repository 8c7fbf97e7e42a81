"""The component library: specs, port types, and discovery of built-in and third-party components."""
from __future__ import annotations

import importlib
import logging
import pkgutil
import threading
from importlib.metadata import entry_points

from components.roles import Kind, Role
from components.spec import ComponentError, ComponentSpec, Input, Param, component, registered, with_role

__all__ = ["ComponentError", "ComponentSpec", "Input", "Kind", "Param", "Role", "component", "catalogue", "get",
           "with_role"]

#: Modules of this package that hold no components.
_NOT_COMPONENT_MODULES = {"spec", "roles", "ports", "context", "calling", "models"}
_loaded = False
_lock = threading.Lock()
#: module name -> error text, for component modules that failed to import (shown, never fatal).
load_errors: dict[str, str] = {}
log = logging.getLogger(__name__)


def catalogue() -> dict[str, ComponentSpec]:
    """Every component: this package's modules (and subpackages) plus entry points `designer.components`."""
    global _loaded
    if not _loaded:
        with _lock:
            if not _loaded:
                _load_builtin()
                _load_plugins()
                _loaded = True
    return registered()


def get(component_id: str) -> ComponentSpec | None:
    return catalogue().get(component_id)


def _load_builtin() -> None:
    for info in pkgutil.walk_packages(__path__, prefix=__name__ + "."):
        short = info.name.rsplit(".", 1)[-1]
        if short in _NOT_COMPONENT_MODULES or short.startswith("_"):
            continue
        _import_softly(info.name)


def _load_plugins() -> None:
    # A third-party package declares `[project.entry-points."designer.components"] name = "pkg.module"`;
    # importing the module runs its @component decorators.
    for entry in entry_points(group="designer.components"):
        try:
            entry.load()
        except Exception as exc:  # one broken plugin must not take the catalogue down
            load_errors[entry.value] = f"{type(exc).__name__}: {exc}"
            log.warning("component plugin %s failed to load: %s", entry.value, exc)


def _import_softly(module: str) -> None:
    try:
        importlib.import_module(module)
    except Exception as exc:
        load_errors[module] = f"{type(exc).__name__}: {exc}"
        log.warning("component module %s failed to import: %s", module, exc)
