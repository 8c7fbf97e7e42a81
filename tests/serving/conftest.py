"""Serving fixtures: a real home where the iris example trained and was deployed, and real server processes."""
from __future__ import annotations

import pytest

from serving_support import Home, Served


@pytest.fixture(scope="session")
def home(tmp_path_factory):
    state = Home(tmp_path_factory.mktemp("serving-home"))
    yield state
    state.close()


@pytest.fixture
def served():
    started: list[Served] = []

    def start(command, **options) -> Served:
        server = Served(command, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
