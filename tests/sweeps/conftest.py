"""Sweep fixtures: a client over the root conftest's make_app, and waiters for sweeps and automated-ML jobs."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))



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
