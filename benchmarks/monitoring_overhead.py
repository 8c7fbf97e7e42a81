"""What endpoint monitoring costs: scoring throughput with monitoring on against off, in the same run.

    .venv/bin/python benchmarks/monitoring_overhead.py [--requests 200] [--pairs 20] [--concurrency 1,8]

One app serves the deployed iris endpoint on werkzeug's threaded server; between
rounds its monitor is switched on (request counting, latency rollups, Prometheus
metrics, drift input capture and binning, background flushes to the store every
second) and off (the same server, the same endpoint, nothing counted). Rounds come
in off/on pairs, in alternating order, and the figure is the median over pairs of
each pair's on/off throughput ratio, so load from other processes on the machine
cancels out. Target: monitoring costs at most 3% of throughput (ratio >= 0.97).
"""
from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from endpoint_latency import Served, drive, percentile, trained_iris  # noqa: E402

from designer.server import close_app, create_app  # noqa: E402
from designer.server.operations import monitor_for  # noqa: E402
from designer.serving.deployment import deploy_endpoint  # noqa: E402

ROW = {"sepal length (cm)": 5.1, "sepal width (cm)": 3.5, "petal length (cm)": 1.4, "petal width (cm)": 0.2}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--concurrency", default="1,8")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    worst = None
    with tempfile.TemporaryDirectory() as home:
        app = create_app(home=home, config={"DESIGNER_SCHEDULER": False, "DESIGNER_MONITOR_FLUSH_SECONDS": 1.0})
        monitor = monitor_for(app)
        _, realtime = trained_iris(app)
        from designer.server.endpoints_api import runtimes

        with app.app_context():
            record, _ = deploy_endpoint(app.extensions["designer"], runtimes(), "iris-bench", realtime)
        server = Served(app)
        url = f"{server.url}/endpoints/iris-bench/score"
        body = json.dumps({"data": [ROW]}).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {record['key']}"}
        print(f"iris endpoint, 1 row per request; {args.pairs} off/on pairs of {args.requests} requests each")
        try:
            for concurrency in [int(c) for c in args.concurrency.split(",")]:
                ratios, rps, p50 = [], {"off": [], "on": []}, {"off": [], "on": []}
                for number in range(args.pairs):
                    pair = {}
                    for state in (("off", "on") if number % 2 == 0 else ("on", "off")):
                        monitor.enabled = state == "on"
                        latencies, wall = drive(url, body, headers, args.requests, concurrency)
                        pair[state] = args.requests / wall
                        rps[state].append(pair[state])
                        p50[state].append(1000 * percentile(latencies, 50))
                    ratios.append(pair["on"] / pair["off"])
                ratio = statistics.median(ratios)
                worst = ratio if worst is None else min(worst, ratio)
                print(f"concurrency {concurrency:2}: off {statistics.median(rps['off']):7.1f} req/s "
                      f"(p50 {statistics.median(p50['off']):.2f} ms)   on {statistics.median(rps['on']):7.1f} req/s "
                      f"(p50 {statistics.median(p50['on']):.2f} ms)   on/off median of pairs {ratio:.3f} "
                      f"(quartiles {statistics.quantiles(ratios, n=4)[0]:.3f}-{statistics.quantiles(ratios, n=4)[2]:.3f})")
            monitor.enabled = True
            time.sleep(1.5)
            totals = app.test_client().get("/api/endpoints/iris-bench/metrics?minutes=60").get_json()["totals"]
            print(f"monitoring counted {totals['requests']} requests while on "
                  f"(server-side p50 {totals['latency_ms']['p50']} ms, p99 {totals['latency_ms']['p99']} ms)")
        finally:
            server.close()
            close_app(app)
    print(f"target: on/off >= 0.97 -> {'met' if worst >= 0.97 else 'NOT met'} (worst {worst:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
