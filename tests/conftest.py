"""Shared fixtures: real homes, real stores, real components."""
from __future__ import annotations

import os

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
