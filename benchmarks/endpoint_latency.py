"""Real-time endpoint overhead and batch scoring throughput, against the same fitted model used bare.

    .venv/bin/python benchmarks/endpoint_latency.py [--requests 500] [--rounds 5] [--rows 150000]

(a) Server CPU per one-row request of a bare Flask route, the designer's route and the lean app
    `designer serve-endpoint` runs, each called in-process as WSGI (target <= 1 ms); then
    the iris classifier deployed as a designer endpoint (the full app: key check,
    payload validation, the in-process graph walk) against a bare Flask route that
    calls the same fitted TrainedModel on `pd.DataFrame.from_records(rows)`. Both
    are served by werkzeug's threaded server in background threads on free
    127.0.0.1 ports and driven by the same client (one requests.Session per
    client thread) at concurrency 1 and 16, one row per request. Rounds alternate
    bare/endpoint so other load on the machine hits both alike.
    Targets: endpoint throughput >= 0.8x bare, p50 latency <= 1.25x bare.
(b) Batch scoring rows/s, each against a plain loop over the same model doing
    the same job: the endpoint runtime on 10,000-row requests against
    from_records + model.score + the same answer; the batch inference graph run
    by the executor (Parquet in, Parquet out) against a script that reads the
    Parquet file, loops model.score over 10,000-row chunks and writes Parquet.
    Target: >= 0.9x.
"""
from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import requests
from flask import Flask, request
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from designer.inference.making import make_inference_graph  # noqa: E402
from designer.server import close_app, create_app  # noqa: E402
from designer.serving.deployment import deploy_endpoint  # noqa: E402
from designer.serving.monitoring import EndpointMonitor  # noqa: E402
from designer.serving.payloads import answer, parse_request, predictions  # noqa: E402
from designer.serving.shared_runtimes import SharedRuntimes  # noqa: E402
from designer.serving.wsgi import ScoringApp  # noqa: E402

CHUNK = 10_000


def trained_iris(app) -> tuple[str, str]:
    """Train the iris example in the app's home; return (training graph id, realtime graph id)."""
    designer = app.extensions["designer"]
    document = json.loads((ROOT / "examples" / "iris-classification.json").read_text())
    graph = designer.store.create_graph(document)
    result = designer.run(document, graph_id=graph["id"], revision=graph["revision"])
    assert result.status == "completed", result.error
    realtime = make_inference_graph(designer, graph["id"], "realtime")
    return graph["id"], realtime["id"]


def bare_app(model) -> Flask:
    """The baseline: one route, the same fitted model, no key, no schema, no graph."""
    app = Flask("bare")

    @app.post("/score")
    def score():
        frame = pd.DataFrame.from_records(request.get_json()["data"])
        scored = model.score(frame)
        labels = scored["Scored Labels"].tolist()
        columns = [c for c in scored.columns if c.startswith("Scored Probabilities_")]
        probabilities = [scored[c].tolist() for c in columns]
        classes = [c[len("Scored Probabilities_"):] for c in columns]
        return {"predictions": [{"label": label, "probabilities": {k: p[i] for k, p in zip(classes, probabilities)}}
                                for i, label in enumerate(labels)]}

    return app


class Served:
    """A WSGI app on werkzeug's threaded server in a background thread, on a free loopback port."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.thread.join(5)


def drive(url: str, body: bytes, headers: dict, requests_total: int, concurrency: int) -> tuple[list, float]:
    """Send `requests_total` POSTs from `concurrency` threads; return (latencies in seconds, wall seconds)."""
    per_thread = [requests_total // concurrency + (1 if i < requests_total % concurrency else 0)
                  for i in range(concurrency)]
    barrier = threading.Barrier(concurrency + 1)

    def worker(count):
        session = requests.Session()
        session.post(url, data=body, headers=headers).raise_for_status()  # connection and warm-up
        latencies = []
        barrier.wait()
        for _ in range(count):
            started = time.perf_counter()
            response = session.post(url, data=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: {response.status_code} {response.text[:200]}")
        session.close()
        return latencies

    with ThreadPoolExecutor(concurrency) as pool:
        futures = [pool.submit(worker, n) for n in per_thread]
        barrier.wait()
        started = time.perf_counter()
        latencies = [x for f in futures for x in f.result()]
        wall = time.perf_counter() - started
    return latencies, wall


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def latency_figures(endpoint_url, bare_url, key, row, total, rounds):
    """Per server and concurrency: the median over alternating rounds of each round's p50, p99 and req/s."""
    body = json.dumps({"data": [row]}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    figures = {}
    for concurrency in (1, 16):
        rounds_of = {"bare": [], "endpoint": []}
        for _ in range(rounds):
            for name, url in (("bare", bare_url), ("endpoint", endpoint_url)):
                latencies, wall = drive(url, body, headers, total, concurrency)
                rounds_of[name].append((percentile(latencies, 50), percentile(latencies, 99), total / wall))
        figures[concurrency] = {name: {"p50_ms": 1000 * statistics.median(r[0] for r in results),
                                       "p99_ms": 1000 * statistics.median(r[1] for r in results),
                                       "rps": statistics.median(r[2] for r in results),
                                       "rps_range": (min(r[2] for r in results), max(r[2] for r in results))}
                                for name, results in rounds_of.items()}
    return figures


def cpu_per_request(apps: dict, key: str, row: dict, count: int = 500, rounds: int = 3) -> dict:
    """Milliseconds of server CPU one request costs each WSGI app, called in-process with a ready WSGI environ.

    No client and no HTTP parsing are counted: only what the app itself spends between the request's bytes
    and the answer's (the part a server's worker spends besides its HTTP parser).
    """
    import io

    body = json.dumps({"data": [row]}).encode()

    def environ(path):
        return {"REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
                "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
                "HTTP_HOST": "127.0.0.1", "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
                "HTTP_AUTHORIZATION": f"Bearer {key}", "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
                "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False,
                "wsgi.run_once": False, "wsgi.version": (1, 0)}

    def start_response(status, headers, exc_info=None):
        if not status.startswith("200"):
            raise RuntimeError(status)

    best = {}
    for _ in range(rounds):
        for name, (app, url) in apps.items():
            for _ in range(50):
                b"".join(app(environ(url), start_response))
            started = time.thread_time()
            for _ in range(count):
                b"".join(app(environ(url), start_response))
            best[name] = min(best.get(name, float("inf")), (time.thread_time() - started) / count * 1000)
    return best


def batch_figures(app, model, endpoint, realtime_rows: pd.DataFrame, rows: int, rounds: int):
    designer = app.extensions["designer"]
    repeats = -(-rows // len(realtime_rows))
    frame = pd.concat([realtime_rows] * repeats, ignore_index=True).head(rows)
    chunks = [frame.iloc[i:i + CHUNK].reset_index(drop=True) for i in range(0, len(frame), CHUNK)]
    bodies = [{"data": chunk.to_dict(orient="records")} for chunk in chunks]
    datastore = designer.home.datastore
    frame.to_parquet(datastore / "bench-rows.parquet")

    def best_of(function):
        """(rows/s by wall clock, rows/s by this process's CPU time): the best round of each."""
        walls, cpus = [], []
        for _ in range(rounds):
            started, started_cpu = time.perf_counter(), time.process_time()
            function()
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - started_cpu)
        return len(frame) / min(walls), len(frame) / min(cpus)

    def model_loop():
        for chunk in chunks:
            model.score(chunk)

    def plain_requests():
        # What a hand-written scoring route does with the same request and answer shapes.
        for body in bodies:
            scored = model.score(pd.DataFrame.from_records(body["data"]))
            predictions(scored)

    def runtime_requests():
        for body in bodies:
            shape, tables = parse_request(body, endpoint)
            answer(shape, endpoint, endpoint.score(tables))

    def plain_script():
        # A hand-written batch job: read the file, score it chunk by chunk, write the result.
        data = pd.read_parquet(datastore / "bench-rows.parquet")
        scored = pd.concat([model.score(data.iloc[i:i + CHUNK]) for i in range(0, len(data), CHUNK)])
        scored.to_parquet(datastore / "bench-plain.parquet")

    graph_id = app.extensions["bench.training_graph"]
    batch = make_inference_graph(designer, graph_id, "batch")
    node_seconds = []

    def batch_graph():
        result = designer.run(batch["document"], graph_id=batch["id"], revision=batch["revision"],
                              parameters={"dataset_path": "bench-rows.parquet", "output_path": "bench-out.parquet"},
                              rerun=[n["id"] for n in batch["document"]["nodes"]])  # measure, never reuse
        assert result.status == "completed", result.error
        node_seconds.append(result.nodes["score"].seconds)

    figures = {"rows": len(frame)}
    # Alternate the pairs, so load from elsewhere on the machine hits both sides of a ratio alike.
    for _ in range(2):
        for name, function in (("model_loop", model_loop), ("plain_requests", plain_requests),
                               ("runtime_requests", runtime_requests), ("plain_script", plain_script),
                               ("batch_graph", batch_graph)):
            wall, cpu = best_of(function)
            figures[name] = max(figures.get(name, 0.0), wall)
            figures[f"{name}_cpu"] = max(figures.get(f"{name}_cpu", 0.0), cpu)
    figures["batch_score_node"] = len(frame) / min(node_seconds)
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="requests per round and concurrency")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rows", type=int, default=150_000, help="rows for the batch figures")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory() as home:
        app = create_app(home=home)
        designer = app.extensions["designer"]
        training_graph, realtime_graph = trained_iris(app)
        app.extensions["bench.training_graph"] = training_graph
        from designer.server.endpoints_api import RUNTIMES

        runtimes = app.extensions[RUNTIMES]
        record, endpoint = deploy_endpoint(designer, runtimes, "iris", realtime_graph)
        model = next(v for k, v in endpoint._static.items() if k[1] == "trained_model")
        run = designer.store.list_runs(graph_id=training_graph, limit=1)[0]
        test_rows = designer.artifacts.get(designer.store.get_run(run["run_id"])["nodes"]["split"]["outputs"]
                                           ["test"]["digest"]).drop(columns=["species"])
        row = test_rows.iloc[0].to_dict()

        bare = bare_app(model)
        lean = ScoringApp(SharedRuntimes(designer.store, designer.artifacts.get, designer.home.datastore), ["iris"])
        # As a serve-endpoint worker runs it: every request counted, timed and its rows kept for drift.
        monitor = EndpointMonitor(designer.store, flush_seconds=3600)
        monitored = ScoringApp(SharedRuntimes(designer.store, designer.artifacts.get, designer.home.datastore),
                               ["iris"], monitor=monitor)
        monitor.start()
        cpu = cpu_per_request({"bare": (bare, "/score"), "endpoint": (app, "/endpoints/iris/score"),
                               "serve-endpoint": (lean, "/endpoints/iris/score"),
                               "monitored": (monitored, "/endpoints/iris/score")}, record["key"], row)
        monitor.stop()
        served_endpoint, served_bare = Served(app), Served(bare)
        try:
            latency = latency_figures(f"{served_endpoint.url}/endpoints/iris/score", f"{served_bare.url}/score",
                                      record["key"], row, args.requests, args.rounds)
        finally:
            served_endpoint.close()
            served_bare.close()
        batch = batch_figures(app, model, endpoint, test_rows, args.rows, args.rounds)
        close_app(app)

    print(f"real-time scoring, iris logistic regression, 1 row per request; medians of {args.rounds} alternating "
          f"rounds of {args.requests} requests")
    print(f"{'concurrency':>11}  {'server':<9} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    for concurrency, servers in latency.items():
        for name, f in servers.items():
            low, high = f["rps_range"]
            print(f"{concurrency:>11}  {name:<9} {f['p50_ms']:8.2f} {f['p99_ms']:8.2f} {f['rps']:8.0f}"
                  f"   (rounds {low:.0f}-{high:.0f} req/s)")
        e, b = servers["endpoint"], servers["bare"]
        print(f"{'':>11}  ratios    throughput {e['rps'] / b['rps']:.2f}x (target >= 0.8)   "
              f"p50 {e['p50_ms'] / b['p50_ms']:.2f}x (target <= 1.25)   p99 {e['p99_ms'] / b['p99_ms']:.2f}x")
    print(f"server CPU per one-row request, in-process WSGI call (no client, no HTTP parsing): bare Flask route "
          f"{cpu['bare']:.2f} ms, designer route {cpu['endpoint']:.2f} ms ({cpu['endpoint'] / cpu['bare']:.2f}x), "
          f"serve-endpoint app {cpu['serve-endpoint']:.2f} ms ({cpu['serve-endpoint'] / cpu['bare']:.2f}x; "
          f"target <= 1 ms), monitored as its workers run it {cpu['monitored']:.2f} ms "
          f"({cpu['monitored'] / cpu['serve-endpoint']:.2f}x unmonitored)")
    print(f"\nbatch scoring, {batch['rows']} iris rows: rows/s by wall clock and by process CPU time "
          f"(best of {args.rounds} x 2 alternating rounds)")

    def line(label, name, against=None, target=""):
        wall, cpu = batch[name], batch[f"{name}_cpu"]
        text = f"  {label:<58} {wall:>10,.0f} {cpu:>10,.0f}"
        if against:
            text += (f"   {wall / batch[against]:.2f}x wall, {cpu / batch[f'{against}_cpu']:.2f}x CPU"
                     + (f" (target >= {target})" if target else ""))
        print(text)

    print(f"  {'':<58} {'wall':>10} {'CPU':>10}")
    line(f"model.score over {CHUNK}-row chunks (reference)", "model_loop")
    line(f"plain loop, {CHUNK}-row requests: from_records+score+answer", "plain_requests")
    line("endpoint runtime, same requests", "runtime_requests", "plain_requests", "0.9")
    line("plain script: read Parquet, score in chunks, write Parquet", "plain_script")
    line("batch inference graph run (same file in, Parquet out)", "batch_graph", "plain_script", "0.9")
    print(f"  score node of the batch graph (load, score, store)         {batch['batch_score_node']:>10,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
