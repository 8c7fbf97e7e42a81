"""`designer serve-endpoint` against `mlflow models serve`: the same iris model, the same client, side by side.

    .venv/bin/python benchmarks/serving_vs_mlflow.py [--requests 1000] [--rounds 4] [--workers 2]
        [--venv /tmp/designer-bench-mlflow]

MLflow is not a dependency of the project: the benchmark makes a throw-away
virtual environment (kept at --venv for the next run) and `pip install`s mlflow
and this scikit-learn version there; when that cannot be done it says so and
exits 0 without figures.

The designer trains its iris example (logistic regression) and deploys it; the
very same fitted scikit-learn estimator is saved with `mlflow.sklearn.save_model`
in the MLflow environment. Both servers get the same number of worker processes
and are driven by the same light client (one kept-alive http.client connection per client thread),
one row per request, at concurrency 1 and 16, in alternating rounds so other
load on the machine hits both alike. The designer answers label and class
probabilities; MLflow's default sklearn flavour answers only `predict`.
Server CPU per request is the CPU time of the server's whole process tree over
a round divided by the requests it answered.
Goals: throughput >= 1.5x MLflow's at both concurrencies, p50 <= 0.8x.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from endpoint_latency import percentile, trained_iris  # noqa: E402

DESIGNER_CLI = str(Path(sys.executable).with_name("designer"))
SAVE_MODEL = r"""
import json, sys, joblib, numpy, mlflow.sklearn
estimator = joblib.load(sys.argv[1])
# As if fitted on a DataFrame (MLflow's usual case): no "X has feature names" warning on every request.
estimator.feature_names_in_ = numpy.array(json.loads(sys.argv[3]), dtype=object)
mlflow.sklearn.save_model(estimator, sys.argv[2])
"""


def mlflow_python(venv: Path) -> Path | None:
    """The throw-away environment's python with mlflow in it, made on first use; None when it cannot be."""
    import sklearn

    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import mlflow, sklearn; print(sklearn.__version__)"]
    if python.exists():
        found = subprocess.run(probe, capture_output=True, text=True)
        if found.returncode == 0 and found.stdout.strip() == sklearn.__version__:
            return python
    print(f"making a throw-away environment with mlflow in {venv} (once; this takes a few minutes)", flush=True)
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "mlflow",
                        f"scikit-learn=={sklearn.__version__}"], check=True, timeout=1800)
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"skipped: mlflow could not be installed in a throw-away environment ({exc})")
        return None
    return python if subprocess.run(probe, capture_output=True).returncode == 0 else None


def drive(url: str, body: bytes, headers: dict, requests_total: int, concurrency: int) -> tuple[list, float]:
    """Send `requests_total` POSTs from `concurrency` threads, each on one kept-alive http.client connection.

    A light client (http.client, not requests) so that the servers, not the client, are what is measured.
    Returns (latencies in seconds, wall seconds).
    """
    import http.client
    import threading
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    per_thread = [requests_total // concurrency + (1 if i < requests_total % concurrency else 0)
                  for i in range(concurrency)]
    barrier = threading.Barrier(concurrency + 1)
    results: list[list] = [[] for _ in range(concurrency)]

    def post(connection):
        connection.request("POST", parts.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")

    def worker(index: int, count: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        post(connection)  # connect and warm up
        barrier.wait()
        latencies = results[index]
        for _ in range(count):
            started = time.perf_counter()
            post(connection)
            latencies.append(time.perf_counter() - started)
        connection.close()

    threads = [threading.Thread(target=worker, args=(i, n)) for i, n in enumerate(per_thread)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies = [x for r in results for x in r]
    if len(latencies) != requests_total:
        raise RuntimeError(f"{url}: {requests_total - len(latencies)} request(s) failed")
    return latencies, wall


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its children (the workers)."""
    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)


def compare(python: Path, home: Path, mlflow_model: Path, key: str, row: dict, workers: int, requests_total: int,
            rounds_total: int) -> dict:
    """{concurrency: {server: figures}} for both servers started with `workers` workers each."""
    processes = []
    mlflow_port, designer_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"  # mlflow starts its uvicorn by name
    mlflow_server = subprocess.Popen(
        [str(python.parent / "mlflow"), "models", "serve", "-m", str(mlflow_model),
         "--env-manager", "local", "-h", "127.0.0.1", "-p", str(mlflow_port), "-w", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    processes.append(mlflow_server)
    designer_server = subprocess.Popen(
        [DESIGNER_CLI, "serve-endpoint", "iris", "--home", str(home), "--port", str(designer_port),
         "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    processes.append(designer_server)
    try:
        wait_for(f"http://127.0.0.1:{mlflow_port}/ping", mlflow_server)
        wait_for(f"http://127.0.0.1:{designer_port}/api/health", designer_server)
        servers = {
            "mlflow": (mlflow_server, f"http://127.0.0.1:{mlflow_port}/invocations",
                       json.dumps({"dataframe_records": [row]}).encode(), {"Content-Type": "application/json"}),
            "designer": (designer_server, f"http://127.0.0.1:{designer_port}/endpoints/iris/score",
                         json.dumps({"data": [row]}).encode(),
                         {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}),
        }
        for name, (_, url, body, headers) in servers.items():
            response = requests.post(url, data=body, headers=headers, timeout=10)
            response.raise_for_status()
            print(f"{name} answers: {response.text[:160]}")
        figures = {}
        for concurrency in (1, 16):
            rounds = {name: [] for name in servers}
            for _ in range(rounds_total):
                for name, (process, url, body, headers) in servers.items():
                    cpu_before = tree_cpu_seconds(process.pid)
                    latencies, wall = drive(url, body, headers, requests_total, concurrency)
                    cpu = tree_cpu_seconds(process.pid) - cpu_before
                    rounds[name].append((requests_total / wall, percentile(latencies, 50),
                                         percentile(latencies, 99), cpu / (requests_total + concurrency)))
            figures[concurrency] = {name: {"rps": statistics.median(r[0] for r in results),
                                           "p50_ms": 1000 * statistics.median(r[1] for r in results),
                                           "p99_ms": 1000 * statistics.median(r[2] for r in results),
                                           "cpu_ms": 1000 * statistics.median(r[3] for r in results)}
                                    for name, results in rounds.items()}
    finally:
        for process in processes:
            stop(process)

    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per round and concurrency")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--workers", type=lambda text: [int(n) for n in text.split(",")], default=[1, 2],
                        help="worker processes of each server, one comparison per count (default 1,2)")
    parser.add_argument("--venv", type=Path, default=Path(tempfile.gettempdir()) / "designer-bench-mlflow")
    args = parser.parse_args(argv)

    python = mlflow_python(args.venv)
    if python is None:
        return 0
    from designer.server import close_app, create_app
    from designer.server.endpoints_api import RUNTIMES
    from designer.serving.deployment import deploy_endpoint

    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch) / "home"
        app = create_app(home=str(home))
        designer = app.extensions["designer"]
        _, realtime = trained_iris(app)
        record, endpoint = deploy_endpoint(designer, app.extensions[RUNTIMES], "iris", realtime)
        model = next(v for k, v in endpoint._static.items() if k[1] == "trained_model")
        import joblib

        joblib.dump(model.estimator, Path(scratch) / "estimator.joblib")
        row = dict(zip(model.feature_columns, [5.1, 3.5, 1.4, 0.2]))
        close_app(app)
        subprocess.run([str(python), "-c", SAVE_MODEL, str(Path(scratch) / "estimator.joblib"),
                        str(Path(scratch) / "mlflow-model"), json.dumps(model.feature_columns)],
                       check=True, capture_output=True)

        results = {workers: compare(python, home, Path(scratch) / "mlflow-model", record["key"], row, workers,
                                    args.requests, args.rounds) for workers in args.workers}
    for workers, figures in results.items():
        print(f"\niris logistic regression, 1 row per request, {workers} worker(s) each; medians of "
              f"{args.rounds} alternating rounds of {args.requests} requests")
        print(f"{'concurrency':>11}  {'server':<9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'server CPU ms/req':>18}")
        for concurrency, by_server in figures.items():
            for name, f in by_server.items():
                print(f"{concurrency:>11}  {name:<9} {f['rps']:8.0f} {f['p50_ms']:8.2f} {f['p99_ms']:8.2f} "
                      f"{f['cpu_ms']:18.2f}")
            d, m = by_server["designer"], by_server["mlflow"]
            print(f"{'':>11}  ratios    throughput {d['rps'] / m['rps']:.2f}x (goal >= 1.5)   "
                  f"p50 {d['p50_ms'] / m['p50_ms']:.2f}x (goal <= 0.8)   server CPU {d['cpu_ms'] / m['cpu_ms']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
