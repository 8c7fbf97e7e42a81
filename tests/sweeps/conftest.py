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


@pytest.fixture
def wait_for_sweep():
    def wait(client, sweep_id: str, timeout: float = 120.0, until=lambda view: view["status"] != "running"):
        deadline = time.monotonic() + timeout
        while True:
            response = client.get(f"/api/sweeps/{sweep_id}")
            assert response.status_code == 200, response.json
            if until(response.json):
                return response.json
            assert time.monotonic() < deadline, f"the sweep did not get there in time: {response.json}"
            time.sleep(0.1)

    return wait
