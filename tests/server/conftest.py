"""Server fixtures: an app from the root conftest's make_app, a Flask test client, and a real HTTP + Socket.IO server."""
from __future__ import annotations

import threading
import time

import pytest
from werkzeug.serving import make_server

from server_components import iris_document  # importing it registers the server-test-* components

FINISHED = ("completed", "failed", "cancelled")


@pytest.fixture
def iris() -> dict:
    return iris_document()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def app_client(app):
    return app.test_client()


@pytest.fixture
def designer(app):
    return app.extensions["designer"]


@pytest.fixture
def wait_for_run(app_client):
    """Poll GET /api/runs/<id> until the run has finished; returns its JSON."""

    def wait(run_id: str, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            response = app_client.get(f"/api/runs/{run_id}")
            assert response.status_code == 200, response.json
            if response.json["status"] in FINISHED or time.monotonic() > deadline:
                return response.json
            time.sleep(0.05)

    return wait


@pytest.fixture
def saved_graph(app_client):
    """POST a document and return its id."""

    def save(document: dict) -> str:
        response = app_client.post("/api/graphs", json=document)
        assert response.status_code == 201, response.json
        return response.json["id"]

    return save


@pytest.fixture
def finished_run(app_client, saved_graph, wait_for_run):
    """Save `document`, run it through the API and wait for the end: (graph_id, run JSON)."""

    def run(document: dict, **options) -> tuple[str, dict]:
        graph_id = saved_graph(document)
        response = app_client.post(f"/api/graphs/{graph_id}/runs", json=options)
        assert response.status_code == 202, response.json
        return graph_id, wait_for_run(response.json["run_id"])

    return run


@pytest.fixture
def live_server(app):
    """The app on a real threaded HTTP server (WebSocket included) on a free port: its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)

