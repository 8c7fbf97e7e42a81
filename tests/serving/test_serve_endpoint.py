"""`designer serve-endpoint`: gunicorn workers answer as the in-process endpoint, share keys, survive a kill."""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest
import requests

from serving_support import CLI, IRIS_ROW, serve_endpoint_command

pytestmark = pytest.mark.timeout(180)


def test_two_workers_answer_exactly_as_the_in_process_endpoint(home, served):
    server = served(serve_endpoint_command(home.path, home.name, workers=2))
    assert len(server.worker_pids()) == 2
    rows = home.test_rows()
    for body in ({"data": rows}, {"data": rows[:1]}, {"Inputs": {"WebServiceInput0": rows[:3]}}):
        response = server.score(home.name, body, home.key)
        assert response.status_code == 200, response.text
        assert response.json() == home.in_process(body).get_json()
    assert server.score(home.name, {"data": rows[:1]}, "wrong").status_code == 401
    assert server.score("no-such-endpoint", {"data": rows[:1]}, home.key).status_code == 404
    swagger = requests.get(f"{server.url}/endpoints/{home.name}/swagger.json", timeout=5).json()
    assert f"/endpoints/{home.name}/score" in swagger["paths"]


def test_a_key_rotated_elsewhere_is_refused_by_every_worker_within_a_second(home, served):
    server = served(serve_endpoint_command(home.path, home.name, workers=2))
    old_key = home.key
    seen = _workers_answering(server, home.name, old_key, expect=200)
    assert len(seen) == 2  # both workers hold the endpoint warm and trust the old key
    new_key = home.client.post(f"/api/endpoints/{home.name}/rotate-key").get_json()["key"]
    home.key = new_key
    time.sleep(1.0)
    assert len(_workers_answering(server, home.name, old_key, expect=401)) == 2
    assert len(_workers_answering(server, home.name, new_key, expect=200)) == 2


def _workers_answering(server, name: str, key: str, *, expect: int, seconds: float = 30.0) -> set[str]:
    """The worker pids that answered fresh-connection requests until both did (or `seconds` passed);
    every answer must be `expect`. A worker still warming its endpoints answers only once it is ready."""
    seen, deadline = set(), time.monotonic() + seconds
    while len(seen) < 2 and time.monotonic() < deadline:
        response = server.score(name, {"data": [IRIS_ROW]}, key)  # a new connection each time
        assert response.status_code == expect, response.text
        seen.add(response.headers["X-Designer-Worker"])
        time.sleep(0.02)
    return seen


def test_a_killed_worker_is_replaced_and_only_requests_in_flight_are_lost(home, served):
    server = served(serve_endpoint_command(home.path, home.name, workers=2))
    before = server.worker_pids()
    clients, stop = 4, threading.Event()
    outcomes: list[str] = []

    def client():
        session = requests.Session()
        while not stop.is_set():
            try:
                response = server.score(home.name, {"data": [IRIS_ROW]}, home.key, session=session, timeout=10)
                outcomes.append("ok" if response.status_code == 200 else f"status {response.status_code}")
            except requests.RequestException:
                outcomes.append("lost")
                session = requests.Session()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    victim = sorted(before)[0]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while not (server.worker_pids() - before) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)
    stop.set()
    for thread in threads:
        thread.join(20)
    after = server.worker_pids()
    assert victim not in after and len(after) == 2, (before, after)  # the master started a replacement
    assert outcomes.count("ok") > 50
    assert not [o for o in outcomes if o.startswith("status")]
    assert outcomes.count("lost") <= clients  # at most the requests the killed worker held
    response = server.score(home.name, {"data": [IRIS_ROW]}, home.key)
    assert response.status_code == 200


def test_serving_an_unknown_endpoint_is_refused_before_starting(home):
    import subprocess

    result = subprocess.run([CLI, "serve-endpoint", "no-such-endpoint", "--home", str(home.path), "--port", "0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "no-such-endpoint" in result.stderr
    result = subprocess.run([CLI, "serve-endpoint", home.name, "--home", str(home.path), "--workers", "0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
