"""Shared fixtures: real homes, real stores, real components."""
from __future__ import annotations

import pytest

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
