"""Compute target figures: parallel speed-up of two CPU-bound branches, and per-node overhead.

    .venv/bin/python benchmarks/compute_targets.py [--nodes 200] [--seconds 1.0]

(a) two independent branches each burning ~1 s of pure-Python CPU: wall time on
    local (threads: the GIL serialises them), process (2 workers) and dask (a
    LocalCluster of 2 worker processes); the ratio to one branch alone.
    Targets: process and dask <= 1.15x.
(b) a 200-node chain of trivial nodes (latency per node) and 200 independent
    trivial nodes (throughput): ms per node on each target, and the overhead
    over local. Targets: process <= 10 ms/node, dask <= 20 ms/node.
Timings exclude starting the pools (paid once per server, not per run).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import components  # noqa: E402
import compute_bench_components  # noqa: E402,F401 - registers bench-burn / bench-trivial
from canvas_store.artifacts import ArtifactStore  # noqa: E402
from designer.compute.dask_target import DaskTarget  # noqa: E402
from designer.compute.local import LocalTarget  # noqa: E402
from designer.compute.process import ProcessTarget  # noqa: E402
from designer.execution.executor import Executor  # noqa: E402
from designer.execution.plan import make_plan  # noqa: E402
from designer.graph.document import load_graph  # noqa: E402

TARGETS = ("local", "process", "dask")
REPEATS = 3


def document(nodes, edges, compute):
    return {"format": "designer-graph/1", "name": "benchmark", "default_compute": compute,
            "nodes": [{"id": i, "component": c, "params": p} for i, c, p in nodes],
            "edges": [{"source": s, "source_port": "value", "target": t, "target_port": "a"} for s, t in edges]}


def timed_run(executor, doc) -> tuple[float, object]:
    plan = make_plan(load_graph(doc), components.catalogue(), rerun=tuple(n["id"] for n in doc["nodes"]))
    started = time.perf_counter()
    result = executor.run(plan, uuid.uuid4().hex)
    elapsed = time.perf_counter() - started
    if result.status != "completed":
        raise SystemExit(f"benchmark run failed on {doc['default_compute']}: {result.error} "
                         f"{ {n: r.error for n, r in result.nodes.items() if r.error} }")
    return elapsed, result


def calibrate(seconds: float) -> int:
    """Loop iterations that take `seconds` of CPU in this process (best of five short probes)."""
    probe = 1_000_000
    best = min(_time_burn(probe) for _ in range(5))
    return int(probe * seconds / best)


def _time_burn(iterations: int) -> float:
    started = time.perf_counter()
    compute_bench_components.burn(iterations)
    return time.perf_counter() - started


def parallel_branches(executor, iterations: int, seconds: float) -> None:
    print(f"(a) two independent branches, each ~{seconds:.1f} s of pure-Python CPU ({iterations:,} iterations)")
    one = lambda compute: document([("one", "bench-burn", {"iterations": iterations})], [], compute)  # noqa: E731
    two = lambda compute: document([("left", "bench-burn", {"iterations": iterations}),  # noqa: E731
                                    ("right", "bench-burn", {"iterations": iterations})], [], compute)
    for compute in TARGETS:
        # Best of REPEATS, one branch and two branches interleaved: other work on a shared machine only adds time.
        singles, boths, overlaps = [], [], []
        for _ in range(REPEATS):
            singles.append(timed_run(executor, one(compute))[0])
            elapsed, result = timed_run(executor, two(compute))
            boths.append(elapsed)
            overlaps.append(_overlap(*(executor.store.get(result.nodes[n].outputs["value"])
                                       for n in ("left", "right"))))
        single, both = min(singles), min(boths)
        print(f"    {compute:<8} both {both:5.2f} s = {both / seconds:4.2f}x of {seconds:.1f} s; "
              f"one branch alone {single:4.2f} s, both / one = {both / single:4.2f}x; "
              f"branches overlapped {max(overlaps):4.0%} of their run time")


def _overlap(a: dict, b: dict) -> float:
    """How much of the longer branch's own run time the other branch was running too."""
    shared = min(a["finished"], b["finished"]) - max(a["started"], b["started"])
    return max(0.0, shared) / max(a["finished"] - a["started"], b["finished"] - b["started"])


def per_node_overhead(executor, nodes: int) -> None:
    print(f"(b) per-node cost of trivial nodes ({nodes} nodes)")
    figures = {}
    for compute in TARGETS:
        chain = document([(f"n{i}", "bench-trivial", {"index": i}) for i in range(nodes)],
                         [(f"n{i}", f"n{i + 1}") for i in range(nodes - 1)], compute)
        wide = document([(f"n{i}", "bench-trivial", {"index": i}) for i in range(nodes)], [], compute)
        figures[compute] = (timed_run(executor, chain)[0] * 1000 / nodes, timed_run(executor, wide)[0] * 1000 / nodes)
    local_chain, local_wide = figures["local"]
    for compute, (chain_ms, wide_ms) in figures.items():
        extra = "" if compute == "local" else (f"   overhead over local: chain {chain_ms - local_chain:+6.2f}, "
                                               f"independent {wide_ms - local_wide:+6.2f} ms/node")
        print(f"    {compute:<8} chain {chain_ms:6.2f} ms/node   independent {wide_ms:6.2f} ms/node{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} CPU(s), load average {load:.1f} at start")
    components.catalogue()
    targets = {"local": LocalTarget("local", workers=4), "process": ProcessTarget("process", workers=2),
               "dask": DaskTarget("dask", local_workers=2)}
    try:
        for name, target in targets.items():
            started = time.perf_counter()
            target.check_available()
            print(f"    {name:<8} ready in {time.perf_counter() - started:5.2f} s (once per server)")
        with tempfile.TemporaryDirectory() as root:
            executor = Executor(ArtifactStore(root), targets)
            for compute in TARGETS:  # first use of each worker: imports and caches warm
                timed_run(executor, document([(f"w{i}", "bench-trivial", {"index": i}) for i in range(4)], [],
                                             compute))
            parallel_branches(executor, calibrate(args.seconds), args.seconds)
            per_node_overhead(executor, args.nodes)
    finally:
        for target in targets.values():
            target.close()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.1f} at end")


if __name__ == "__main__":
    main()
