"""Fixtures for schedules and monitoring: real homes behind real Flask apps with a clock the test moves."""
from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from designer.server import close_app, create_app  # noqa: E402
from operations_support import EXAMPLES, FakeClock  # noqa: E402


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 3, 2, 8, 0, 0, tzinfo=timezone.utc))


@pytest.fixture
def make_app(tmp_path, clock):
    """make_app(home=None, **config): an app over `home` (default the test's) with no scheduler thread."""
    apps = []

    def make(home=None, **config):
        settings = {"DESIGNER_SCHEDULER": False, "DESIGNER_CLOCK": clock, "DESIGNER_MONITOR_FLUSH_SECONDS": 3600}
        settings.update(config)
        app = create_app(home=str(home or tmp_path / "home"), config=settings)
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_app(app)


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def iris_graph(client):
    document = json.loads((EXAMPLES / "iris-classification.json").read_text())
    return client.post("/api/graphs", json=document).get_json()["id"]


@pytest.fixture
def published(client, iris_graph):
    body = client.post(f"/api/graphs/{iris_graph}/publish", json={"name": "Iris nightly"}).get_json()
    return {**body, "graph_id": iris_graph}


__all__ = ["timedelta"]
