"""Sweep fixtures: real apps over a real SQLite home (the same home twice is a server restart)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from designer.server import close_app, create_app  # noqa: E402


def _stop(app) -> None:
    designer = app.extensions["designer"]
    for job_id, run in list(designer.automl._runs.items()):
        if run.is_alive():
            run.cancel()
            run.join(60)
    for sweep_id, run in list(designer.sweeps._runs.items()):
        if run.is_alive():
            run.cancel()
            run.join(30)
    for run_id in list(designer._threads):
        designer.cancel_run(run_id)
        designer.wait(run_id, 20)


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def make_app(home, tmp_path):
    apps = []

    def build(**config):
        config.setdefault("STATIC_DIST", str(tmp_path / "no-dist"))
        app = create_app(home=home, config=config)
        apps.append(app)
        return app

    yield build
    for app in apps:
        _stop(app)
        close_app(app)


@pytest.fixture
def client(make_app):
    return make_app().test_client()


def _waiter(what: str, default_timeout: float):
    def wait(client, ident: str, timeout: float = default_timeout, until=lambda view: view["status"] != "running"):
        deadline = time.monotonic() + timeout
        while True:
            response = client.get(f"/api/{what}/{ident}")
            assert response.status_code == 200, response.json
            if until(response.json):
                return response.json
            assert time.monotonic() < deadline, f"the {what} job did not get there in time: {response.json}"
            time.sleep(0.1)

    return wait


@pytest.fixture
def wait_for_sweep():
    return _waiter("sweeps", 120.0)


@pytest.fixture
def wait_for_automl():
    """Poll GET /api/automl/<id> until `until(view)` (by default: no longer running)."""
    return _waiter("automl", 240.0)
