"""Requests two `designer serve-endpoint` workers answer show in the workspace's monitoring, each counted once.

The workers flush their rollups into the shared store (the workspace's
`/api/endpoints/<name>/metrics` reads them), sample request logs when the
endpoint's owner turned logging on, feed drift, and add up their Prometheus
counters in `/metrics`; a worker that is stopped writes what it still held.
"""
from __future__ import annotations

import os
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from serving_support import IRIS_ROW, serve_endpoint_command

pytestmark = pytest.mark.timeout(240)


def totals(home) -> dict:
    response = home.client.get(f"/api/endpoints/{home.name}/metrics?minutes=60")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["totals"]


def scored_rows(home) -> int:
    return home.client.get(f"/api/endpoints/{home.name}/drift").get_json().get("scored_rows", 0)


def wait_for(check, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def flushing_often(seconds: float = 0.3) -> dict:
    return {**os.environ, "DESIGNER_MONITOR_FLUSH_SECONDS": str(seconds)}


def prometheus(server) -> dict:
    """{(sample name, endpoint, status class): value} of the server's /metrics."""
    text = requests.get(f"{server.url}/metrics", timeout=5)
    assert text.status_code == 200 and text.headers["Content-Type"].startswith("text/plain")
    return {(s.name, s.labels.get("endpoint"), s.labels.get("status_class"), s.labels.get("le")): s.value
            for family in text_string_to_metric_families(text.text) for s in family.samples}


def test_both_workers_requests_reach_the_workspace_metrics_and_prometheus_once_each(home, served):
    server = served(serve_endpoint_command(home.path, home.name, workers=2), env=flushing_often())
    before, rows_before = totals(home), scored_rows(home)
    workers, rows, scored = set(), home.test_rows()[:2], 0
    deadline = time.monotonic() + 30
    while scored < 30 or (len(workers) < 2 and time.monotonic() < deadline):
        response = server.score(home.name, {"data": rows}, home.key)  # a fresh connection each time
        assert response.status_code == 200, response.text
        workers.add(response.headers["X-Designer-Worker"])  # a worker still warming answers once it is ready
        scored += 1
    for _ in range(3):
        assert server.score(home.name, {"data": rows}, "wrong").status_code == 401
    assert server.score(home.name, {"data": [{"no such column": 1}]}, home.key).status_code == 400
    assert len(workers) == 2

    wanted = before["requests"] + scored + 4
    assert wait_for(lambda: totals(home)["requests"] >= wanted), totals(home)
    time.sleep(1.0)  # several more flushes: nothing is added twice
    after = totals(home)
    assert after["requests"] == wanted
    assert after["errors_4xx"] == before["errors_4xx"] + 4
    assert after["errors_5xx"] == before["errors_5xx"]
    assert after["latency_ms"]["p50"] is not None
    minutes = home.client.get(f"/api/endpoints/{home.name}/metrics?minutes=60").get_json()["minutes"]
    assert len(minutes) == 60 and sum(m["requests"] for m in minutes) == after["requests"]
    # The rows of the scored requests feed drift as `designer serve`'s do (binned off the request path).
    assert wait_for(lambda: scored_rows(home) >= rows_before + 2 * scored)
    assert scored_rows(home) == rows_before + 2 * scored

    samples = prometheus(server)
    counted = {key[2]: value for key, value in samples.items()
               if key[0] == "designer_endpoint_requests_total" and key[1] == home.name}
    assert counted == {"2xx": scored, "4xx": 4}  # both workers' counters, added up
    assert samples[("designer_endpoint_request_seconds_count", home.name, None, None)] == scored + 4
    assert samples[("designer_endpoint_request_seconds_bucket", home.name, None, "+Inf")] == scored + 4
    assert any(key[0] == "designer_runs_total" for key in samples)


def test_request_logging_turned_on_in_the_workspace_logs_serve_endpoint_requests(home, served):
    server = served(serve_endpoint_command(home.path, home.name, workers=2), env=flushing_often())
    turned = home.client.patch(f"/api/endpoints/{home.name}", json={"logging": {"enabled": True, "sample_rate": 1}})
    assert turned.status_code == 200, turned.get_json()
    try:
        marker = {**IRIS_ROW, "sepal length (cm)": 7.123}

        def logged() -> list:
            server.score(home.name, {"data": [marker]}, home.key)
            entries = home.client.get(f"/api/endpoints/{home.name}/requests?limit=50").get_json()["requests"]
            return [e for e in entries if "7.123" in e["request"]]

        entries = wait_for(logged, 40)  # the workers read logging settings every few seconds
        assert entries, "no request of serve-endpoint was logged"
        assert entries[0]["status"] == 200 and "predictions" in entries[0]["response"]
    finally:
        home.client.patch(f"/api/endpoints/{home.name}", json={"logging": {"enabled": False}})


def test_a_stopped_server_writes_what_its_workers_still_held(home, served):
    server = served(serve_endpoint_command(home.path, home.name, workers=2),
                    env={**os.environ, "DESIGNER_MONITOR_FLUSH_SECONDS": "3600"})
    before = totals(home)["requests"]
    for _ in range(7):
        assert server.score(home.name, {"data": [IRIS_ROW]}, home.key).status_code == 200
    time.sleep(0.5)
    assert totals(home)["requests"] == before  # an hour between flushes: nothing written yet
    server.stop()  # SIGTERM: each worker flushes once more as it exits
    assert totals(home)["requests"] == before + 7


def test_no_monitoring_serves_without_counting(home, served):
    command = serve_endpoint_command(home.path, home.name, workers=1) + ["--no-monitoring"]
    server = served(command, env=flushing_often())
    before = totals(home)["requests"]
    assert server.score(home.name, {"data": [IRIS_ROW]}, home.key).status_code == 200
    time.sleep(1.0)
    assert totals(home)["requests"] == before
    assert requests.get(f"{server.url}/metrics", timeout=5).status_code == 404
