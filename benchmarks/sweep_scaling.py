"""Sweep figures: cluster scaling, what early termination saves, and the runner's per-trial overhead.

    .venv/bin/python benchmarks/sweep_scaling.py [--trials 16] [--seconds 1.0] [--rounds 2]

(a) 16 trials of a ~1 s CPU-bound node on a Dask LocalCluster of 2 workers against 1 worker, in
    alternating rounds: the speed-up of the sweep's wall time. Goal >= 1.8x.
(b) the wine neural network swept over 16 learning rates (the same seeded points), with the bandit
    policy against none: epochs trained (goal <= 0.6x of none) and the best eval.accuracy (goal: within
    1% of none's best).
(c) per-trial overhead on the process target: from the sweep runner deciding to start a trial to its
    first node running, against the same for a run started alone (start_run → first node running).
    Goal <= 50 ms.
Each measurement uses a fresh home, so no trial is answered from another's cache.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import sweep_bench_components  # noqa: E402,F401 - registers bench-trial
from compute_bench_components import burn  # noqa: E402
from designer.home import Home  # noqa: E402
from designer.service import Designer  # noqa: E402
from designer.sweeps import runner  # noqa: E402


def fresh_designer(targets: dict) -> Designer:
    designer = Designer(Home.resolve(tempfile.mkdtemp(prefix="sweep-bench-"), None))
    for name, (kind, settings) in targets.items():
        designer.store.add_compute_target(name, kind, settings)
    return designer


def run_sweep(designer: Designer, document: dict, body: dict) -> tuple[float, dict]:
    started = time.perf_counter()
    sweep_id = designer.sweeps.submit(document, body)
    designer.sweeps.wait(sweep_id)
    return time.perf_counter() - started, designer.sweeps.view(sweep_id)


def calibrate(seconds: float) -> int:
    iterations = 200_000
    while True:
        started = time.perf_counter()
        burn(iterations)
        elapsed = time.perf_counter() - started
        if elapsed > 0.2:
            return int(iterations * seconds / elapsed)
        iterations *= 2


# ---------------------------------------------------------------- (a) scaling on Dask
def trial_document(iterations: int) -> dict:
    return {"format": "designer-graph/1", "name": "bench trial",
            "parameters": [{"name": "index", "type": "int", "default": 0}],
            "nodes": [{"id": "burn", "component": "bench-trial",
                       "params": {"iterations": iterations, "index": {"$param": "index"}}}], "edges": []}


def most_overlapping(nodes: list[dict]) -> int:
    from datetime import datetime

    moments = sorted([(datetime.fromisoformat(n["started_at"]), 1) for n in nodes]
                     + [(datetime.fromisoformat(n["finished_at"]), -1) for n in nodes])
    running = most = 0
    for _, change in moments:
        running += change
        most = max(most, running)
    return most


def cluster_scaling(trials: int, seconds: float, rounds: int) -> None:
    iterations = calibrate(seconds)
    body = {"sampling": "grid", "primary_metric": "burn.score", "max_total_trials": trials,
            "max_concurrent_trials": trials}
    times = {1: [], 2: []}
    designers = {w: fresh_designer({f"dask{w}": ("dask", {"local_workers": w})}) for w in (1, 2)}
    try:
        for workers, designer in designers.items():  # start the clusters before timing
            designer.run(trial_document(1000), compute=f"dask{workers}", parameters={"index": -1})
        for round_ in range(rounds):
            for workers in ((1, 2) if round_ % 2 == 0 else (2, 1)):
                designer = designers[workers]
                # New indexes each round, so no trial is the cached result of an earlier one.
                indexes = ", ".join(str(1000 * (round_ + 1) + i) for i in range(trials))
                body_round = {**body, "compute": f"dask{workers}", "search_space": {"index": f"choice({indexes})"}}
                elapsed, view = run_sweep(designer, trial_document(iterations), body_round)
                statuses = {t["status"] for t in view["trials"]}
                times[workers].append(elapsed)
                nodes = [designer.store.get_run(t["run_id"])["nodes"]["burn"] for t in view["trials"]]
                seconds = statistics.median(n["seconds"] for n in nodes)
                print(f"  round {round_ + 1}: {workers} worker(s): {elapsed:6.1f} s  ({len(view['trials'])} trials, "
                      f"{', '.join(sorted(statuses))}; a trial's node took {seconds:.2f} s, at most "
                      f"{most_overlapping(nodes)} ran at once)", flush=True)
    finally:
        for designer in designers.values():
            designer.close()
    one, two = statistics.median(times[1]), statistics.median(times[2])
    print(f"(a) {trials} trials of {seconds:.1f} s CPU on Dask: 1 worker {one:.1f} s, 2 workers {two:.1f} s "
          f"→ speed-up {one / two:.2f}x (goal >= 1.8x)", flush=True)


# ---------------------------------------------------------------- (b) bandit against none
def wine_document(epochs: int) -> dict:
    document = json.loads((ROOT / "examples" / "wine-neural-network.json").read_text())
    document["parameters"] = [{"name": "learning_rate", "type": "float", "default": 0.01}]
    for node in document["nodes"]:
        if node["id"] == "nn":
            node["params"].update(learning_rate={"$param": "learning_rate"}, epochs=epochs,
                                  validation_fraction=0.2)
    return document


def early_termination(trials: int, epochs: int) -> None:
    base = {"search_space": {"learning_rate": "loguniform(0.000003, 0.1)"}, "sampling": "random",
            "primary_metric": "eval.accuracy", "max_total_trials": trials, "max_concurrent_trials": 2, "seed": 7,
            "intermediate_metric": "train.val_accuracy"}
    # The policy: a trial more than 15% behind the best so far is stopped (from epoch 8).
    policies = {"none": None, "bandit": {"policy": "bandit", "slack_factor": 0.15, "evaluation_interval": 1,
                                         "delay_evaluation": 8}}
    results = {}
    for name, policy in policies.items():
        designer = fresh_designer({})
        try:
            body = dict(base) if policy is None else {**base, "early_termination": policy}
            elapsed, view = run_sweep(designer, wine_document(epochs), body)
        finally:
            designer.close()
        trained = sum(len(t["intermediate"]) for t in view["trials"])
        stopped = sum(t["status"] == "early_terminated" for t in view["trials"])
        best = view["best"]["metric"] if view["best"] else float("nan")
        results[name] = (trained, best, elapsed)
        print(f"  {name:>6}: {trained:4d} epochs trained, {stopped:2d} trials stopped early, best eval.accuracy "
              f"{best:.4f}, {elapsed:.1f} s", flush=True)
    (none_epochs, none_best, none_time), (bandit_epochs, bandit_best, bandit_time) = results["none"], results["bandit"]
    print(f"(b) bandit vs none on {trials} wine trials: epochs {bandit_epochs / none_epochs:.2f}x (goal <= 0.6x), "
          f"best {bandit_best:.4f} vs {none_best:.4f} ({(bandit_best - none_best) / none_best * 100:+.1f}%, goal "
          f"within 1%), wall time {bandit_time / none_time:.2f}x", flush=True)


# ---------------------------------------------------------------- (c) per-trial overhead
def trial_overhead(trials: int) -> None:
    designer = fresh_designer({"proc": ("process", {"workers": 2})})
    first_running: dict[str, float] = {}

    def listen(event: dict) -> None:
        if event.get("event") == "node.status" and event.get("status") == "running":
            first_running.setdefault(event["run_id"], time.perf_counter())

    designer.listeners.append(listen)
    starts: dict[int, float] = {}
    original = runner._SweepRun._start_trial

    def timed_start(self, sampler, number):
        starts[number] = time.perf_counter()
        return original(self, sampler, number)

    runner._SweepRun._start_trial = timed_start
    try:
        designer.run(trial_document(10), compute="proc", parameters={"index": -1})  # warm the pool
        alone = []
        for index in range(trials):
            started = time.perf_counter()
            run_id = designer.start_run(trial_document(10), compute="proc", parameters={"index": 1000 + index})
            designer.wait(run_id)
            alone.append(first_running[run_id] - started)
        sweep_id = designer.sweeps.submit(trial_document(10), {
            "search_space": {"index": "randint(0, 100000)"}, "sampling": "random", "primary_metric": "burn.score",
            "max_total_trials": trials, "max_concurrent_trials": 1, "compute": "proc", "seed": 1})
        designer.sweeps.wait(sweep_id)
        view = designer.sweeps.view(sweep_id)
        in_sweep = [first_running[t["run_id"]] - starts[t["trial"]] for t in view["trials"] if t["run_id"]]
    finally:
        runner._SweepRun._start_trial = original
        designer.close()
    alone_ms, sweep_ms = statistics.median(alone) * 1000, statistics.median(in_sweep) * 1000
    print(f"(c) trial start → first node running on the process target: {sweep_ms:.1f} ms in a sweep, "
          f"{alone_ms:.1f} ms for a run started alone → overhead {sweep_ms - alone_ms:+.1f} ms per trial "
          f"(goal <= 50 ms)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--only", choices=("scaling", "early", "overhead"))
    args = parser.parse_args()
    if args.only in (None, "overhead"):
        trial_overhead(args.trials)
    if args.only in (None, "early"):
        early_termination(args.trials, args.epochs)
    if args.only in (None, "scaling"):
        cluster_scaling(args.trials, args.seconds, args.rounds)


if __name__ == "__main__":
    main()
