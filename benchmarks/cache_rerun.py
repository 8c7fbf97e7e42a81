"""Iris cold run vs a re-run after changing one parameter of evaluate-model's parent (score-model).

Only score-model and evaluate-model run again; everything upstream comes from the cache.
Target: the re-run is ≥ 20× faster than the cold run.
"""
from __future__ import annotations

import copy
import json
import statistics
import tempfile
import time
from pathlib import Path

from designer.home import Home
from designer.service import Designer

IRIS = Path(__file__).resolve().parents[1] / "examples" / "iris-classification.json"
REPEATS = 3


def timed_run(designer: Designer, document: dict):
    started = time.perf_counter()
    result = designer.run(document)
    elapsed = time.perf_counter() - started
    assert result.status == "completed", result.error
    return elapsed, result


def main() -> None:
    base = json.loads(IRIS.read_text())
    colds, reruns = [], []
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory() as home:
            designer = Designer(Home.resolve(home))
            try:
                cold, _ = timed_run(designer, base)
                changed = copy.deepcopy(base)
                score = next(n for n in changed["nodes"] if n["component"] == "score-model")
                score["params"]["append_score_columns"] = False
                rerun, result = timed_run(designer, changed)
                ran = sorted(n for n, r in result.nodes.items() if not r.cached)
                assert ran == ["eval", "score"], ran
            finally:
                designer.close()
        colds.append(cold)
        reruns.append(rerun)
    cold, rerun = statistics.median(colds), statistics.median(reruns)
    ratio = cold / rerun
    print("iris: cold run vs re-run after changing score-model's append_score_columns")
    print(f"  cold run  {cold * 1000:8.1f} ms   (median of {REPEATS}, fresh home each)")
    print(f"  re-run    {rerun * 1000:8.1f} ms   (only score and eval run)")
    print(f"  ratio     {ratio:8.1f}×   (target ≥ 20×: {'ok' if ratio >= 20 else 'UNDER TARGET'})")


if __name__ == "__main__":
    main()
