"""The trial the sweep benchmark runs: burns a calibrated amount of CPU and reports a score as metrics."""
from __future__ import annotations

from compute_bench_components import burn
from components.ports import Metrics
from components.spec import Param, component


@component(id="bench-trial", category="Benchmark", outputs={"metrics": Metrics})
def bench_trial(*, iterations: Param(int, 1_000_000), index: Param(int, 0)):
    """Burn CPU for `iterations` loop steps; the score is a number that depends on `index`."""
    burn(iterations)
    return {"metrics": {"score": float(index % 97)}}
