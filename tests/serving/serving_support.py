"""Helpers for the serving tests: a trained, deployed home and server child processes.

`Served(...)` starts `designer serve-endpoint` (or a bundle's serve.py) as a child
process on a free port and waits for the line naming its URL.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from designer.inference.making import make_inference_graph
from designer.server import close_app, create_app
from designer.serving.deployment import deploy_endpoint

ROOT = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).with_name("designer"))
IRIS_ROW = {"sepal length (cm)": 5.1, "sepal width (cm)": 3.5, "petal length (cm)": 1.4, "petal width (cm)": 0.2}
_URL = re.compile(r"http://[\d.]+:(\d+)/endpoints/")


class Home:
    """A trained, deployed home: its path, the Flask app and client over it, the endpoint name and key."""

    def __init__(self, path: Path, db: str | None = None):
        self.path = path
        self.db = db
        self.app = create_app(home=str(path), db=db)
        self.client = self.app.test_client()
        self.designer = self.app.extensions["designer"]
        document = json.loads((ROOT / "examples" / "iris-classification.json").read_text())
        graph = self.designer.store.create_graph(document)
        result = self.designer.run(document, graph_id=graph["id"], revision=graph["revision"])
        assert result.status == "completed", result.error
        self.run = self.designer.store.get_run(result.run_id)
        self.realtime = make_inference_graph(self.designer, graph["id"], "realtime")
        self.name = "iris"
        record, _ = deploy_endpoint(self.designer, self.app.extensions["designer.endpoints"], self.name,
                                    self.realtime["id"])
        self.key = record["key"]

    def test_rows(self) -> list[dict]:
        digest = self.run["nodes"]["split"]["outputs"]["test"]["digest"]
        return self.designer.artifacts.get(digest).drop(columns=["species"]).to_dict(orient="records")

    def in_process(self, body: dict, key: str | None = None):
        return self.client.post(f"/endpoints/{self.name}/score", json=body,
                                headers={"Authorization": f"Bearer {key or self.key}"})

    def close(self):
        close_app(self.app)


class Served:
    """A server child process and the base URL it printed."""

    def __init__(self, command: list[str], *, env: dict | None = None, cwd: str | None = None, timeout: float = 90):
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        env=env, cwd=cwd, start_new_session=True)
        self.output: list[str] = []
        deadline = time.monotonic() + timeout
        port = None
        while port is None:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError(f"server exited before it served: {''.join(self.output)}")
            self.output.append(line)
            match = _URL.search(line)
            if match:
                port = int(match.group(1))
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"server did not start: {''.join(self.output)}")
        self.url = f"http://127.0.0.1:{port}"
        _wait_until(lambda: requests.get(f"{self.url}/api/health", timeout=5).status_code == 200, 30)

    def score(self, name: str, body: dict, key: str, session=None, timeout: float = 10):
        return (session or requests).post(f"{self.url}/endpoints/{name}/score", json=body, timeout=timeout,
                                          headers={"Authorization": f"Bearer {key}"})

    def worker_pids(self) -> set[int]:
        """The live worker processes: children of the gunicorn master."""
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return {int(p) for p in out.split()}

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def _wait_until(check, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


def serve_endpoint_command(home: Path, *names: str, workers: int = 2, db: str | None = None) -> list[str]:
    command = [CLI, "serve-endpoint", *names, "--home", str(home), "--port", "0", "--workers", str(workers)]
    return command + (["--db", db] if db else [])
