"""The component library: specs, port types, and discovery of built-in and third-party components."""
from __future__ import annotations

import importlib
import pkgutil
import threading
from importlib.metadata import entry_points

from components.spec import ComponentError, ComponentSpec, Input, Param, component, registered

__all__ = ["ComponentError", "ComponentSpec", "Input", "Param", "component", "catalogue", "get"]

#: Modules of this package that hold no components.
_NOT_COMPONENT_MODULES = {"spec", "ports", "context", "calling"}
_loaded = False
_lock = threading.Lock()


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
        importlib.import_module(info.name)


def _load_plugins() -> None:
    # A third-party package declares `[project.entry-points."designer.components"] name = "pkg.module"`;
    # importing the module runs its @component decorators.
    for entry in entry_points(group="designer.components"):
        entry.load()
