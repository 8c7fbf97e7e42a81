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


@pytest.fixture(params=["designer", "table-path", "serve-endpoint"])
def scoring_client(request, trained):
    """A client for the scoring routes, once per way a request can be answered.

    designer: the designer's Flask route (row path for small requests); table-path: the same route
    with every request scored through pandas tables, as before the row path; serve-endpoint: the
    lean WSGI app `designer serve-endpoint` runs, over the same store.
    """
    from werkzeug.test import Client

    from designer.serving.shared_runtimes import SharedRuntimes
    from designer.serving.wsgi import ScoringApp

    if request.param == "serve-endpoint":
        designer = trained.designer
        runtimes = SharedRuntimes(designer.store, designer.artifacts.get, designer.home.datastore)
        yield Client(ScoringApp(runtimes))
        return
    trained.app.config["DESIGNER_ROW_PATH"] = request.param == "designer"
    try:
        yield trained.client
    finally:
        trained.app.config["DESIGNER_ROW_PATH"] = True
