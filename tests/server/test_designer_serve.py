"""`designer serve --home DIR` prints its URL, serves the API with the examples loaded, and stops on Ctrl+C."""
from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time

import requests

from designer.server import serve

from server_components import REPO


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_designer_serve_prints_its_url_and_serves_a_home_with_the_examples(tmp_path):
    port = free_port()
    home = tmp_path / "home"
    process = subprocess.Popen([sys.executable, "-m", "designer.cli", "serve", "--home", str(home),
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    try:
        url, deadline = None, time.monotonic() + 40
        while url is None and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                assert process.poll() is None, "designer serve exited early"
                continue
            if line.startswith("Designer running at "):
                url = line.split()[3]
        assert url == f"http://127.0.0.1:{port}/"
        assert (home / "designer.db").is_file()
        health = requests.get(f"{url}api/health", timeout=5)
        while health.status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
            health = requests.get(f"{url}api/health", timeout=5)
        assert health.json()["status"] == "ok"
        names = {g["name"] for g in requests.get(f"{url}api/graphs", timeout=5).json()["graphs"]}
        expected = {json.loads(p.read_text())["name"] for p in (REPO / "examples").glob("*.json")}
        assert names == expected
        assert requests.get(url, timeout=5).headers["Content-Type"].startswith("text/html")
        refused = requests.get(f"{url}api/health", headers={"Host": f"rebound.example:{port}"}, timeout=5)
        assert refused.status_code == 403
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode in (0, 130)


def test_designer_serve_on_a_busy_port_says_so_and_returns_1(tmp_path, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert serve(port=port, home=tmp_path / "home", load_examples=False) == 1
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
