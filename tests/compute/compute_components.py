"""Test-only components for the compute target tests; workers import this module by name, as they would a plugin."""
from __future__ import annotations

import ctypes
import os
import time

from components.ports import AnyPort
from components.spec import ComponentError, Input, Param, component


@component(id="compute-number", category="Test", outputs={"value": AnyPort})
def compute_number(*, value: Param(float, 1.0)):
    """Emit a number."""
    return value


@component(id="compute-add", category="Test", inputs={"a": AnyPort, "b": Input(AnyPort, optional=True)},
           outputs={"value": AnyPort})
def compute_add(a, b, *, offset: Param(float, 0.0)):
    """Add two numbers."""
    return a + (b or 0) + offset


@component(id="compute-metrics", category="Test", inputs={"a": AnyPort, "b": Input(AnyPort, optional=True)},
           outputs={"metrics": "Metrics"})
def compute_metrics(a, b, ctx=None):
    """Turn numbers into metrics, reporting a log line and a live metric on the way."""
    ctx.log("computing metrics")
    ctx.metrics({"epoch": 1, "loss": 0.5})
    ctx.progress(0.5, "half way")
    return {"task": "test", "metrics": {"sum": float(a) + float(b or 0), "ratio": float(a) / 3.0}, "charts": {}}


@component(id="compute-where", category="Test", inputs={"a": Input(AnyPort, optional=True)},
           outputs={"value": AnyPort})
def compute_where(a, *, label: Param(str, "")):
    """Report which process ran this node."""
    return {"pid": os.getpid(), "label": label}


@component(id="compute-sleep", category="Test", inputs={"a": Input(AnyPort, optional=True)},
           outputs={"value": AnyPort})
def compute_sleep(a, *, seconds: Param(float, 1.0), label: Param(str, ""), ctx=None):
    """Sleep in small steps, reporting progress (so it notices cancellation); returns when it ran, where."""
    started = time.time()
    steps = max(1, int(seconds / 0.02))
    for i in range(steps):
        ctx.progress(i / steps, f"step {i}")
        time.sleep(seconds / steps)
    return {"started": started, "finished": time.time(), "pid": os.getpid(), "label": label}


@component(id="compute-stubborn", category="Test", inputs={"a": Input(AnyPort, optional=True)},
           outputs={"value": AnyPort})
def compute_stubborn(a, *, seconds: Param(float, 60.0)):
    """Sleep without ever checking for cancellation: only killing its process stops it early."""
    time.sleep(seconds)
    return seconds


@component(id="compute-crash", category="Test", inputs={"a": Input(AnyPort, optional=True)},
           outputs={"value": AnyPort})
def compute_crash(a, *, how: Param(str, "exit", choices=("exit", "segfault", "error", "bug"))):
    """Take the process down (or fail politely), on purpose."""
    if how == "exit":
        os._exit(3)
    if how == "segfault":
        ctypes.string_at(0)
    if how == "error":
        raise ComponentError("column 'x' does not exist")
    return {}["missing"]
