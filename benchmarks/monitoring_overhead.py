"""What endpoint monitoring costs: scoring throughput with monitoring on against off, in the same run.

    .venv/bin/python benchmarks/monitoring_overhead.py [--requests 400] [--rounds 6] [--concurrency 1,8]

Two apps over one home serve the same deployed iris endpoint on werkzeug's threaded
server: one with monitoring (request counting, latency histograms, Prometheus
metrics, drift input capture, background flushes to the store), one created with
DESIGNER_MONITORING off. Rounds alternate off/on so other load on the machine
hits both alike; the figure is the median throughput of each and their ratio.
Target: monitoring costs at most 3% of throughput (ratio >= 0.97).
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from endpoint_latency import Served, drive, percentile, trained_iris  # noqa: E402

from designer.server import close_app, create_app  # noqa: E402
from designer.serving.deployment import deploy_endpoint  # noqa: E402

ROW = {"sepal length (cm)": 5.1, "sepal width (cm)": 3.5, "petal length (cm)": 1.4, "petal width (cm)": 0.2}


def main() -> int:
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--concurrency", default="1,8")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as home:
        monitored = create_app(home=home, config={"DESIGNER_SCHEDULER": False, "DESIGNER_MONITOR_FLUSH_SECONDS": 1.0})
        _, realtime = trained_iris(monitored)
        from designer.server.endpoints_api import runtimes

        with monitored.app_context():
            record, _ = deploy_endpoint(monitored.extensions["designer"], runtimes(), "iris-bench", realtime)
        bare = create_app(home=home, config={"DESIGNER_SCHEDULER": False, "DESIGNER_MONITORING": False})
        servers = {"off": Served(bare), "on": Served(monitored)}
        body = json.dumps({"data": [ROW]}).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {record['key']}"}
        print(f"iris endpoint, 1 row per request, {args.requests} requests x {args.rounds} alternating rounds")
        worst = None
        try:
            for concurrency in [int(c) for c in args.concurrency.split(",")]:
                results = {"off": [], "on": []}
                for _ in range(args.rounds):
                    for name in ("off", "on"):
                        latencies, wall = drive(f"{servers[name].url}/endpoints/iris-bench/score", body, headers,
                                                args.requests, concurrency)
                        results[name].append((args.requests / wall, percentile(latencies, 50)))
                rps = {n: statistics.median(r[0] for r in rs) for n, rs in results.items()}
                p50 = {n: 1000 * statistics.median(r[1] for r in rs) for n, rs in results.items()}
                ratio = rps["on"] / rps["off"]
                worst = ratio if worst is None else min(worst, ratio)
                print(f"concurrency {concurrency:2}: off {rps['off']:7.1f} req/s (p50 {p50['off']:.2f} ms)   "
                      f"on {rps['on']:7.1f} req/s (p50 {p50['on']:.2f} ms)   on/off throughput {ratio:.3f}")
            totals = monitored.test_client().get("/api/endpoints/iris-bench/metrics?minutes=60").get_json()["totals"]
            print(f"monitoring counted {totals['requests']} requests "
                  f"(p50 {totals['latency_ms']['p50']} ms, p99 {totals['latency_ms']['p99']} ms server-side)")
        finally:
            for server in servers.values():
                server.close()
            close_app(bare)
            close_app(monitored)
    print(f"target: on/off >= 0.97 -> {'met' if worst >= 0.97 else 'NOT met'} (worst {worst:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
