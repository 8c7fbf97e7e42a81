"""Data fixtures: a real app over a real SQLite home with its Flask test client."""
from __future__ import annotations

import pytest

from designer.server import close_app, create_app


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


@pytest.fixture
def app(home, tmp_path):
    app = create_app(home=home, config={"STATIC_DIST": str(tmp_path / "no-dist")})
    yield app
    designer = app.extensions["designer"]
    for run_id in list(getattr(designer, "_threads", {})):
        designer.wait(run_id, 30)
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def designer(app):
    return app.extensions["designer"]


@pytest.fixture
def workspace(designer):
    return designer.home.datastore
