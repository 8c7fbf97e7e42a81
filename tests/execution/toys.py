"""Small real components for executor tests: they count calls so tests can see what really ran."""
from __future__ import annotations

import threading
import time
from collections import Counter

from components.ports import AnyPort
from components.spec import ComponentError, Input, Param, component

CALLS: Counter = Counter()
_lock = threading.Lock()


def _count(name: str) -> None:
    with _lock:
        CALLS[name] += 1


@component(id="toy-number", category="Test", outputs={"value": AnyPort})
def toy_number(*, value: Param(int, 1), label: Param(str, "")):
    """Emit a number."""
    _count(f"number:{label or value}")
    return value


@component(id="toy-add", category="Test", inputs={"a": AnyPort, "b": Input(AnyPort, optional=True)},
           outputs={"value": AnyPort})
def toy_add(a, b, *, offset: Param(int, 0), label: Param(str, "")):
    """Add two numbers."""
    _count(f"add:{label}")
    return a + (b or 0) + offset


@component(id="toy-sleep", category="Test", inputs={"a": Input(AnyPort, optional=True)}, outputs={"value": AnyPort})
def toy_sleep(a, *, seconds: Param(float, 0.3), label: Param(str, ""), ctx=None):
    """Sleep in small steps, reporting progress (and so noticing cancellation)."""
    _count(f"sleep:{label}")
    steps = max(1, int(seconds / 0.02))
    for i in range(steps):
        ctx.progress(i / steps, f"step {i}")
        time.sleep(seconds / steps)
    ctx.log(f"slept {seconds}s")
    return (a or 0) + 1


@component(id="toy-fail", category="Test", inputs={"a": Input(AnyPort, optional=True)}, outputs={"value": AnyPort})
def toy_fail(a, *, kind: Param(str, "component", choices=("component", "bug"))):
    """Fail on purpose."""
    _count("fail")
    if kind == "component":
        raise ComponentError("column 'x' does not exist")
    return {}["missing"]


@component(id="toy-metrics", category="Test", inputs={"a": AnyPort}, outputs={"metrics": "Metrics"})
def toy_metrics(a):
    """Report a metric."""
    return {"task": "test", "metrics": {"value": float(a)}, "charts": {}}
