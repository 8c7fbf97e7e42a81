"""Fixtures for inference graphs, endpoints and published pipelines: one real home where the examples trained.

Training the example graphs is the slow part, so it happens once per session in
a real SQLite home behind a real Flask app; tests that change shared state
(endpoint names, keys) use names of their own.
"""
from __future__ import annotations

import pytest

from designer.server import close_app, create_app
from inference_support import RAW_TEST_ROWS, Trained


@pytest.fixture(scope="session")
def trained(tmp_path_factory):
    home = tmp_path_factory.mktemp("inference-home")
    app = create_app(home=str(home))
    state = Trained(app)
    state.home = home
    state.train(RAW_TEST_ROWS)
    yield state
    close_app(app)


@pytest.fixture
def client(trained):
    return trained.client
