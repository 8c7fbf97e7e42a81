"""Cold run vs a re-run after changing one parameter of evaluate-model's parent (score-model).

Only score-model and evaluate-model run again; everything upstream comes from the cache.
Target: the re-run is ≥ 20× faster than the cold run. Printed for iris (the issue's case,
where training takes ~10 ms, so the two nodes that must re-run are a large share of the cold
run) and for the wine neural network (where training is most of the cold run).
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

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
REPEATS = 3


def timed_run(designer: Designer, document: dict):
    started = time.perf_counter()
    result = designer.run(document)
    elapsed = time.perf_counter() - started
    assert result.status == "completed", result.error
    return elapsed, result


def measure(example: str) -> tuple[float, float]:
    base = json.loads((EXAMPLES / f"{example}.json").read_text())
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
    return statistics.median(colds), statistics.median(reruns)


def main() -> None:
    print("cold run vs re-run after changing score-model's append_score_columns "
          f"(median of {REPEATS}, fresh home each; only score and eval re-run)")
    for example in ("iris-classification", "wine-neural-network"):
        cold, rerun = measure(example)
        ratio = cold / rerun
        print(f"  {example:<22} cold {cold * 1000:8.1f} ms   re-run {rerun * 1000:7.1f} ms   "
              f"ratio {ratio:6.1f}×   (target ≥ 20×: {'ok' if ratio >= 20 else 'UNDER TARGET'})")


if __name__ == "__main__":
    main()
