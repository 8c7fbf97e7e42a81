"""Fixtures for schedules and monitoring: real homes behind real Flask apps with a clock the test moves."""
from __future__ import annotations

import json
import os
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from designer.server import close_app, create_app  # noqa: E402
from operations_support import EXAMPLES, FakeClock  # noqa: E402


PG_URL = os.environ.get("DESIGNER_TEST_PG_URL")


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL schema (first on the search path) of the test database, dropped afterwards."""
    import sqlalchemy as sa

    if not PG_URL:
        pytest.skip("DESIGNER_TEST_PG_URL is not set")
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    schema = f"ops_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield sa.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


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
