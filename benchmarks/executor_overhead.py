"""Executor overhead per node: a 500-node graph of trivial components vs the same functions called directly.

Includes everything a real run pays: validation, planning, cache keys and lookups,
artifact writes, the cache index, and the run records in the database.
Target: ≤ 2 ms per node in-process.
"""
from __future__ import annotations

import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from trivial_components import bench_increment, chain_graph, fan_out_graph  # noqa: E402

from designer.home import Home  # noqa: E402
from designer.service import Designer  # noqa: E402

NODES = 500


def direct_chain(n: int) -> float:
    started = time.perf_counter()
    value = None
    for _ in range(n):
        value = bench_increment(value, step=1, salt="")
    return time.perf_counter() - started


def through_designer(designer: Designer, document: dict) -> float:
    started = time.perf_counter()
    result = designer.run(document)
    elapsed = time.perf_counter() - started
    assert result.status == "completed", result.error
    assert all(not n.cached for n in result.nodes.values())
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as home_dir:
        designer = Designer(Home.resolve(home_dir))
        try:
            through_designer(designer, chain_graph(20, "warm-up"))
            direct = min(direct_chain(NODES) for _ in range(3))
            rows = []
            for name, build in (("chain", chain_graph), ("fan-out", fan_out_graph)):
                elapsed = min(through_designer(designer, build(NODES, uuid.uuid4().hex)) for _ in range(3))
                per_node_ms = (elapsed - direct) / NODES * 1000
                rows.append((name, elapsed, per_node_ms))
            started = time.perf_counter()
            cached = designer.run(chain_graph(NODES, "cached-check"))
            designer.run(chain_graph(NODES, "cached-check"))
            cached_ms = (time.perf_counter() - started) / 2 / NODES * 1000
            assert cached.status == "completed"
        finally:
            designer.close()
    print(f"executor overhead, {NODES}-node graphs of trivial components (direct calls: {direct * 1000:.2f} ms total)")
    for name, elapsed, per_node_ms in rows:
        verdict = "ok" if per_node_ms <= 2.0 else "OVER TARGET"
        print(f"  {name:<8} run {elapsed:6.2f} s   overhead {per_node_ms:5.2f} ms/node   (target ≤ 2 ms: {verdict})")
    print(f"  mixed cold+cached chain: {cached_ms:5.2f} ms/node on average")


if __name__ == "__main__":
    main()
