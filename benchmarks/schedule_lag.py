"""How late a schedule fires: the lag from each fire time to its run being started, over a 1-second recurrence.

    .venv/bin/python benchmarks/schedule_lag.py [--firings 100]

A real scheduler thread on the real clock runs a one-node graph every second in a
fresh SQLite home; for each firing the lag is (the moment the run was started) −
(its fire time). Alongside, the same number of ticks of the bare pure core
(due_firing) give the floor the scheduler's own work adds nothing to. Target:
every firing within 1 s of its time (p50, p95 and max reported).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from designer.home import Home  # noqa: E402
from designer.scheduling.schedules import schedule_values  # noqa: E402
from designer.scheduling.scheduler import Scheduler  # noqa: E402
from designer.service import Designer  # noqa: E402

TINY = {"format": "designer-graph/1", "name": "Tiny", "nodes": [
    {"id": "iris", "component": "sample-dataset", "params": {"name": "iris"}}], "edges": []}


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firings", type=int, default=100)
    args = parser.parse_args()
    lags: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        designer = Designer(Home.resolve(home))
        scheduler = Scheduler(designer, on_started=lambda o: lags.append(
            (datetime.now(timezone.utc) - o["fire_time"]).total_seconds()))
        try:
            graph = designer.store.create_graph(TINY)
            values = schedule_values({"graph_id": graph["id"], "every": {"interval": 1, "unit": "seconds"}},
                                     designer.store)
            schedule = designer.store.create_schedule(**values)
            scheduler.start()
            deadline = time.monotonic() + args.firings * 1.5 + 10
            while len(lags) < args.firings and time.monotonic() < deadline:
                time.sleep(0.1)
            scheduler.stop()
            record = designer.store.get_schedule(schedule["id"])
            missed = sum(r["missed"] for r in record["recent_firings"])
        finally:
            scheduler.stop()
            for run in designer.store.list_runs(graph_id=graph["id"], limit=args.firings + 10):
                designer.wait(run["run_id"], 30)
            designer.close()
    lags = lags[:args.firings]
    ms = [1000 * lag for lag in lags]
    print(f"{len(lags)} firings of a 1-second recurrence (a one-node graph each), lag from fire time to run started:")
    print(f"  p50 {quantile(ms, 0.5):.1f} ms   p95 {quantile(ms, 0.95):.1f} ms   max {max(ms):.1f} ms   "
          f"mean {statistics.mean(ms):.1f} ms   (missed fire times in the last 10: {missed})")
    within = sum(1 for lag in lags if lag <= 1.0)
    print(f"target: every firing within 1 s -> {'met' if within == len(lags) else 'NOT met'} "
          f"({within}/{len(lags)} within 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
