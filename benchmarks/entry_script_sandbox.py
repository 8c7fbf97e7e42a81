"""One-row request latency to an entry-script endpoint: in its sandbox against the plain child process it had before.

    .venv/bin/python benchmarks/entry_script_sandbox.py [--requests 300] [--rounds 5] [--base main]

Azure ML's documented score.py serves a scikit-learn iris model three ways, side by
side in the same run: "before" (the entry-script runtime of `--base`, read with
`git show`, a plain child process of the server), "rlimits" (this tree's runtime
with the sandbox's fallback: scrubbed environment, rlimits, own session) and
"bubblewrap" (this tree's runtime in the full sandbox, when the machine has it).
Each is deployed as an endpoint of one app (the "before" one then has its runtime
swapped for the old class); each round sends `--requests` one-row bodies to every
endpoint's scoring route (in-process WSGI, key check and all) and to its runtime's
run() alone, variants in alternating order so other load on the machine hits all
alike. Prints p50/p95 per variant and the ratio of its p50 to "before", and the
time each takes to deploy (start the process and run init()). The isolation is meant to cost
nothing per request: the process is warm and a request is one line each way.
"""
from __future__ import annotations

import argparse
import importlib.util
import io
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import joblib
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "workspace"))

from components import script_sandbox  # noqa: E402
from designer.server import close_app, create_app  # noqa: E402
from designer.serving.entry_script import EntryScriptEndpoint  # noqa: E402
from workspace_support import AZURE_DOCS_SCORE_PY  # noqa: E402


def before_runtime(base: str, folder: Path):
    """The EntryScriptEndpoint class of `base`, its host importable as `entry_host_before`."""
    def shown(path: str) -> str:
        return subprocess.run(["git", "show", f"{base}:{path}"], cwd=ROOT, check=True, capture_output=True,
                              text=True).stdout

    (folder / "entry_host_before.py").write_text(shown("designer/serving/_entry_host.py"))
    source = shown("designer/serving/entry_script.py").replace('"designer.serving._entry_host"',
                                                               '"entry_host_before"')
    (folder / "entry_script_before.py").write_text(source)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), str(ROOT), os.environ.get("PYTHONPATH")]))
    spec = importlib.util.spec_from_file_location("entry_script_before", folder / "entry_script_before.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.EntryScriptEndpoint


def served(app, variants: dict, model_dir: Path) -> dict:
    """Deploy one endpoint per variant through the API ("before": its runtime then swapped for the old one)."""
    client = app.test_client()
    buffer = io.BytesIO((model_dir / "model.pkl").read_bytes())
    uploaded = client.post("/api/models", data={"name": "iris-bench", "flavor": "sklearn", "file": (buffer, "model.pkl")},
                           content_type="multipart/form-data").get_json()
    model = f"iris-bench:{uploaded['version']}"
    endpoints = {}
    for name, (make, sandbox) in variants.items():
        os.environ["DESIGNER_SCRIPT_SANDBOX"] = sandbox or "rlimits"
        started = time.perf_counter()
        deployed = client.post("/api/endpoints", json={"name": f"bench-{name}", "model": model,
                                                       "entry_script": AZURE_DOCS_SCORE_PY})
        assert deployed.status_code == 201, deployed.get_json()
        if make is not EntryScriptEndpoint:
            started = time.perf_counter()
            runtime = make(f"bench-{name}", {"kind": "entry-script", "entry_script": AZURE_DOCS_SCORE_PY}, model_dir)
            app.extensions["designer.endpoints"].replace(runtime)
        endpoints[name] = (deployed.get_json()["key"], time.perf_counter() - started)
    return endpoints


def one_round(app, client, name: str, key: str, bodies: list[str]) -> tuple[list[float], list[float]]:
    """(seconds per scoring request through the route, seconds per run() call of the runtime alone)."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    runtime = app.extensions["designer.endpoints"].get(f"bench-{name}")
    route, direct = [], []
    for body in bodies:
        started = time.perf_counter()
        response = client.post(f"/endpoints/bench-{name}/score", data=body, headers=headers)
        route.append(time.perf_counter() - started)
        assert response.status_code == 200, response.get_json()
        started = time.perf_counter()
        runtime.run(body)
        direct.append(time.perf_counter() - started)
    return route, direct


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--base", default="main", help="the git revision whose runtime is the baseline")
    options = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    X, y = load_iris(return_X_y=True)
    bodies = [json.dumps({"data": [X[i % len(X)].tolist()]}) for i in range(options.requests)]
    with tempfile.TemporaryDirectory(prefix="entry-bench-") as temp:
        folder = Path(temp)
        model_dir = folder / "model"
        model_dir.mkdir()
        joblib.dump(LogisticRegression(max_iter=1000).fit(X, y), model_dir / "model.pkl")
        variants = {"before": (before_runtime(options.base, folder), None), "rlimits": (EntryScriptEndpoint, "rlimits")}
        isolation = script_sandbox.detect_isolation()
        if isolation.level == script_sandbox.BUBBLEWRAP:
            variants["bubblewrap"] = (EntryScriptEndpoint, "auto")
        else:
            print(f"bubblewrap left out: {isolation.describe()}")
        app = create_app(home=str(folder / "home"))
        client = app.test_client()
        try:
            endpoints = served(app, variants, model_dir)
            route = {name: [] for name in endpoints}
            direct = {name: [] for name in endpoints}
            for round_number in range(options.rounds):
                order = list(endpoints) if round_number % 2 == 0 else list(reversed(endpoints))
                for name in order:
                    one_round(app, client, name, endpoints[name][0], bodies[:20])  # warm the path again
                    taken = one_round(app, client, name, endpoints[name][0], bodies)
                    route[name] += taken[0]
                    direct[name] += taken[1]
        finally:
            close_app(app)
    print(f"{'variant':<11} {'route p50':>10} {'p95':>7} {'/ before':>9}   {'run() p50':>9} {'p95':>7} "
          f"{'/ before':>9}   {'deploy s':>8}")
    row = {}
    for name in endpoints:
        for kind, samples in (("route", route[name]), ("direct", direct[name])):
            samples.sort()
            row[kind] = (statistics.median(samples), samples[int(0.95 * (len(samples) - 1))])
        ratios = [row[kind][0] / statistics.median(table["before"]) for kind, table in (("route", route),
                                                                                        ("direct", direct))]
        print(f"{name:<11} {row['route'][0] * 1e3:8.3f}ms {row['route'][1] * 1e3:7.3f} {ratios[0]:9.2f}   "
              f"{row['direct'][0] * 1e3:7.3f}ms {row['direct'][1] * 1e3:7.3f} {ratios[1]:9.2f}   "
              f"{endpoints[name][1]:8.2f}")
    print(f"({options.rounds} rounds x {options.requests} one-row requests per variant, alternating order; "
          "route = POST /endpoints/<name>/score in-process, run() = the runtime alone)")


if __name__ == "__main__":
    main()
