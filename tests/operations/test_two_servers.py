"""Two `designer serve` processes on one PostgreSQL database start each fire time of a schedule exactly once."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from canvas_store.repository import Store

PG_URL = os.environ.get("DESIGNER_TEST_PG_URL")
CLI = Path(sys.executable).with_name("designer")
TINY = {"format": "designer-graph/1", "name": "Tiny", "nodes": [
    {"id": "iris", "component": "sample-dataset", "params": {"name": "iris"}}], "edges": []}

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason="DESIGNER_TEST_PG_URL is not set")]


def start_server(home: Path, db: str):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    process = subprocess.Popen([str(CLI), "serve", "--port", "0", "--home", str(home), "--db", db, "--no-examples"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        found = re.search(r"running at (http://[^/ ]+)/", line)
        if found:
            return process, found.group(1)
        if process.poll() is not None:
            break
    process.kill()
    raise AssertionError("the server did not start")


def call(url: str, method: str, path: str, body=None):
    request = urllib.request.Request(url + path, data=None if body is None else json.dumps(body).encode(),
                                     method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def test_two_servers_on_one_postgresql_database_fire_a_schedule_once_per_time(tmp_path, pg_url):
    with Store(pg_url) as store:
        graph = store.create_graph(TINY)
    servers = [start_server(tmp_path / f"server-{i}", pg_url) for i in range(2)]
    try:
        first_url = servers[0][1]
        schedule = call(first_url, "POST", "/api/schedules",
                        {"graph_id": graph["id"], "every": {"interval": 1, "unit": "seconds"}})
        time.sleep(6)
        call(servers[1][1], "PATCH", f"/api/schedules/{schedule['id']}", {"enabled": False})
        time.sleep(1.5)
    finally:
        for process, _ in servers:
            process.terminate()
        for process, _ in servers:
            process.wait(30)
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as connection:
            firings = connection.execute(sa.text(
                "SELECT fire_time, run_id, claimed_by FROM schedule_firings WHERE schedule_id = :id ORDER BY fire_time"),
                {"id": schedule["id"]}).all()
            runs = connection.execute(sa.text('SELECT id FROM runs WHERE "trigger" = :t'),
                                      {"t": f"schedule:{schedule['id']}"}).scalars().all()
    finally:
        engine.dispose()
    assert len(firings) >= 4
    times = [f.fire_time for f in firings]
    assert len(set(times)) == len(times)
    assert all((b - a).total_seconds() == 1 for a, b in zip(times, times[1:])), times
    assert sorted(runs) == sorted(f.run_id for f in firings)  # one run per fire time, none twice
