"""Components the compute target benchmark runs; a module of their own so worker processes can import them."""
from __future__ import annotations

import time

from components.ports import AnyPort
from components.spec import Input, Param, component


def burn(iterations: int) -> int:
    """Pure-Python work that holds the GIL the whole time."""
    total = 0
    for i in range(iterations):
        total += i * i % 7
    return total


@component(id="bench-burn", category="Benchmark", inputs={"a": Input(AnyPort, optional=True)},
           outputs={"value": AnyPort})
def bench_burn(a, *, iterations: Param(int, 1_000_000)):
    """Burn CPU for a calibrated number of loop iterations; return when it ran."""
    started = time.time()
    burn(iterations)
    return {"started": started, "finished": time.time()}


@component(id="bench-trivial", category="Benchmark", inputs={"a": Input(AnyPort, optional=True)},
           outputs={"value": AnyPort})
def bench_trivial(a, *, index: Param(int, 0)):
    """Almost nothing: what is left is the target's own cost per node."""
    return index
