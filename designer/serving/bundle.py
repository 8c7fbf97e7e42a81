"""`designer package`: an endpoint as a folder that serves it on any machine with `pip install` and one command.

A bundle holds:
    endpoint.json      the inference graph document, the endpoint's name and its key hash (the key keeps working)
    artifacts/         the artifacts the graph loads (models, fitted transformations), content-addressed
    app/               this designer's own packages, so the bundle needs nothing but its requirements
    requirements.txt   the pinned versions of every distribution serving it imports (measured, not guessed)
    serve.py           the entry point: `python serve.py [--host H] [--port P] [--workers N]`
    Dockerfile, README.md
Serving installs it into a home (a fresh one by default, inside the bundle) and
runs `designer serve-endpoint` on it.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

BUNDLE_FORMAT = "designer-endpoint-bundle/1"
PACKAGES = ("designer", "components", "canvas_store")
#: Imported by the server itself, whatever the graph: always pinned.
SERVER_DISTRIBUTIONS = ("gunicorn", "orjson")
_SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")


class BundleError(Exception):
    pass


# ---------------------------------------------------------------- writing

def write_bundle(store, artifacts, name: str, out: Path) -> dict:
    """Write endpoint `name` of `store` as a bundle in `out` (which must be empty or absent); returns a summary."""
    from designer.serving.endpoint import Endpoint

    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BundleError(f"{out} is not empty; choose a new folder for the bundle")
    record = store.get_endpoint(name)
    state = store.endpoint_state(name)
    loaded: list[str] = []

    def load(digest: str):
        loaded.append(digest)
        return artifacts.get(digest)

    Endpoint(name, record["document"], load_artifact=load)  # proves it loads, and records what it loads
    out.mkdir(parents=True, exist_ok=True)
    for digest in dict.fromkeys(loaded):
        source = artifacts.existing_path(digest)
        shutil.copytree(source, out / "artifacts" / "objects" / digest[:2] / digest, ignore=_SKIPPED)
    for package in PACKAGES:
        shutil.copytree(_package_dir(package), out / "app" / package, ignore=_SKIPPED)
    manifest = {"format": BUNDLE_FORMAT, "name": name, "graph_id": record.get("graph_id"),
                "revision": record.get("revision"), "key_hash": state["key_hash"], "document": record["document"],
                "artifacts": list(dict.fromkeys(loaded))}
    (out / "endpoint.json").write_text(json.dumps(manifest, indent=1))
    (out / "serve.py").write_text(_SERVE_PY.format(name=name))
    requirements = measured_requirements(out)
    (out / "requirements.txt").write_text("".join(f"{dist}=={version}\n" for dist, version in requirements))
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    (out / "Dockerfile").write_text(_DOCKERFILE.format(python=python))
    (out / "README.md").write_text(_README.format(name=name, python=python))
    return {"name": name, "out": str(out), "artifacts": len(manifest["artifacts"]),
            "requirements": [f"{d}=={v}" for d, v in requirements]}


def measured_requirements(bundle: Path) -> list[tuple[str, str]]:
    """(distribution, version) of everything a fresh interpreter imports to load and serve the bundle."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(bundle / "app")
    result = subprocess.run([sys.executable, "-c", _MEASURE, str(bundle)], env=env, capture_output=True,
                            text=True, timeout=300)
    if result.returncode != 0:
        raise BundleError(f"the bundle does not load in a fresh interpreter: {result.stderr.strip()[-2000:]}")
    return [tuple(pair) for pair in json.loads(result.stdout.strip().splitlines()[-1])]


_MEASURE = r"""
import json, sys, tempfile
from importlib.metadata import packages_distributions, version
from pathlib import Path
from designer.serving.bundle import install_bundle
from designer.serving.gunicorn_server import scoring_app
import gunicorn.app.base, gunicorn.workers.gthread
with tempfile.TemporaryDirectory() as home:
    name = install_bundle(Path(sys.argv[1]), home)
    scoring_app(home, None, [name])
owners = packages_distributions()
tops = {m.split(".")[0] for m in list(sys.modules)}
found = {d for t in tops for d in owners.get(t, ())} | {"gunicorn", "orjson"}
found -= {"ml-designer", "pip", "setuptools", "wheel"}
print(json.dumps(sorted((d, version(d)) for d in found)))
"""


def _package_dir(package: str) -> Path:
    module = __import__(package)
    return Path(module.__file__).resolve().parent


# ---------------------------------------------------------------- serving

def read_manifest(bundle: Path) -> dict:
    try:
        manifest = json.loads((Path(bundle) / "endpoint.json").read_text())
    except (OSError, ValueError) as exc:
        raise BundleError(f"{bundle} is not an endpoint bundle: {exc}") from None
    if manifest.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"{bundle}/endpoint.json is not a {BUNDLE_FORMAT} bundle")
    return manifest


def install_bundle(bundle: Path, home=None, db=None) -> str:
    """Put the bundle's artifacts and endpoint (same key) into a home; returns the endpoint name. Idempotent."""
    from canvas_store.artifacts import ArtifactStore
    from canvas_store.repository import Store
    from designer.home import Home

    bundle = Path(bundle)
    manifest = read_manifest(bundle)
    resolved = Home.resolve(home, db)
    artifacts = ArtifactStore(resolved.artifacts)
    for digest in manifest["artifacts"]:
        target = artifacts.path(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = artifacts.tmp / f"bundle-{digest}"
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(bundle / "artifacts" / "objects" / digest[:2] / digest, staging)
            os.replace(staging, target)
    with Store.for_home(resolved.path, resolved.db_url) as store:
        if store.endpoint_state(manifest["name"]) is None:
            store.import_endpoint(manifest["name"], manifest["document"], manifest["key_hash"],
                                  graph_id=manifest.get("graph_id"), revision=manifest.get("revision"))
    return manifest["name"]


def main(bundle: Path, argv: list[str] | None = None) -> int:
    """The bundle's entry point (serve.py)."""
    from designer.serving.gunicorn_server import serve_endpoints

    parser = argparse.ArgumentParser(prog="serve.py", description="Serve this bundle's endpoint.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "2")))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--home", default=os.environ.get("DESIGNER_HOME") or str(Path(bundle) / "home"),
                        help="state folder to install the endpoint into (default: home/ inside the bundle)")
    parser.add_argument("--db", default=os.environ.get("DESIGNER_DB_URL"), help="SQLAlchemy URL (default SQLite)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    try:
        name = install_bundle(Path(bundle), args.home, args.db)
    except BundleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return serve_endpoints([name], home=args.home, db=args.db, host=args.host, port=args.port,
                           workers=args.workers, threads=args.threads)


_SERVE_PY = '''#!/usr/bin/env python3
"""Serve the real-time endpoint '{name}' from this bundle: `pip install -r requirements.txt`, then `python serve.py`."""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "app"))

from designer.serving.bundle import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(HERE, sys.argv[1:]))
'''

_DOCKERFILE = """FROM python:{python}-slim
WORKDIR /bundle
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
EXPOSE 8080
CMD ["python", "serve.py", "--host", "0.0.0.0", "--port", "8080", "--workers", "2"]
"""

_README = """# Endpoint `{name}`

A self-contained bundle of a real-time endpoint made with the pipeline designer
(`designer package`). It needs Python {python} and nothing else:

    pip install -r requirements.txt
    python serve.py --port 8080            # or: docker build -t {name} . && docker run -p 8080:8080 {name}

It answers at `http://HOST:8080/endpoints/{name}/score` with the same key as the
endpoint it was packaged from (`Authorization: Bearer KEY`):

    curl -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \\
         -d '{{"data": [{{...one row...}}]}}' http://127.0.0.1:8080/endpoints/{name}/score

Azure ML's `{{"Inputs": {{"WebServiceInput0": [rows]}}}}` and Studio (classic)'s
`{{"Inputs": {{"input1": {{"ColumnNames": [...], "Values": [[...]]}}}}}}` shapes are
answered too. `/endpoints/{name}/swagger.json` describes the columns it takes;
`/api/health` answers when the server is up.

Options: `--workers N` (processes), `--host`, `--port`, `--home DIR` (where the
endpoint is installed; default `home/` here), `--db URL` (a PostgreSQL URL lets
several copies behind a load balancer share keys; it also needs
`pip install "psycopg[binary]"`). `HOST`, `PORT` and `WORKERS` may be set in the
environment instead.
"""
