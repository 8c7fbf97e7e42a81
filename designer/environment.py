"""What a run ran on: Python, the platform and the installed package versions, as Azure ML records."""
from __future__ import annotations

import functools
import platform
import sys
from importlib import metadata


@functools.lru_cache(maxsize=1)
def _packages() -> tuple[tuple[str, str], ...]:
    # Reading every distribution's metadata costs tens of milliseconds: once per process is enough,
    # since a running interpreter does not see packages installed after it started anyway.
    found: dict[str, str] = {}
    for distribution in metadata.distributions():
        name = distribution.metadata.get("Name")
        if name:
            found.setdefault(name.lower(), distribution.version)
    return tuple(sorted(found.items()))


def run_environment() -> dict:
    """A JSON-ready record of the interpreter, the machine and every installed package."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "executable": sys.executable,
        "packages": dict(_packages()),
    }
