"""Shared fixtures: real homes, real stores, real components."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# The suite draws the same examples on every run, so CI passes or fails on the code, never on the draw;
# DESIGNER_HYPOTHESIS=explore draws new ones each run (with DESIGNER_FUZZ_BODIES, a longer fuzz) to hunt for bugs.
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("DESIGNER_HYPOTHESIS", "ci"))

from canvas_store.artifacts import ArtifactStore
from components.context import RunContext


@pytest.fixture
def artifact_store(tmp_path):
    return ArtifactStore(tmp_path / "artifacts")


@pytest.fixture
def ctx(tmp_path):
    """A RunContext whose events are collected in `ctx.events` and whose datastore is a temp folder."""
    events = []
    datastore = tmp_path / "datastore"
    datastore.mkdir()
    context = RunContext(run_id="test-run", node_id="node", datastore=datastore,
                         work_dir=tmp_path / "work", report=lambda kind, payload: events.append((kind, payload)))
    context.events = events
    return context


@pytest.fixture
def run_component(ctx):
    """Call a catalogue component by id: run_component("split-data", {"dataset": df}, {"seed": 1})."""
    import components
    from components.calling import call_component

    def run(component_id, inputs=None, params=None, context=None):
        spec = components.get(component_id)
        assert spec is not None, f"component {component_id} is not in the catalogue"
        return call_component(spec, inputs or {}, params or {}, context or ctx)

    return run


def stop_background_work(app) -> None:
    """Let an app's automated-ML jobs, sweeps and runs end before their store is closed under them."""
    designer = app.extensions["designer"]
    for manager, wait in ((designer.automl, 60), (designer.sweeps, 30)):
        for run in list(manager._runs.values()):
            if run.is_alive():
                run.cancel()
                run.join(wait)
    for run_id in list(designer._threads):
        designer.cancel_run(run_id)
        designer.wait(run_id, 20)


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def make_app(home, tmp_path):
    """Build apps over the test home (the same home twice is a server restart); their work is stopped at the end."""
    from designer.server import close_app, create_app

    apps = []

    def build(**config):
        config.setdefault("STATIC_DIST", str(tmp_path / "no-dist"))
        app = create_app(home=home, config=config)
        apps.append(app)
        return app

    yield build
    for app in apps:
        stop_background_work(app)
        close_app(app)
