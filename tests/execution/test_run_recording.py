"""The run recorder never loses an update: failed writes are retried, and a run whose record cannot be saved fails."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import OperationalError

import toys  # noqa: F401  (registers the toy components)
from canvas_store.repository import Store
from designer.execution import recording
from designer.home import Home
from designer.service import Designer


class FlakyStore:
    """A real store whose node-update writes fail the first `failures` times (as a locked database does)."""

    def __init__(self, store, failures: int):
        self._store = store
        self.failures = failures
        self.refused = 0
        self._lock = threading.Lock()

    def apply_node_updates(self, run_id, updates):
        with self._lock:
            if self.refused < self.failures:
                self.refused += 1
                raise OperationalError("UPDATE run_nodes", {}, Exception("database is locked"))
        return self._store.apply_node_updates(run_id, updates)

    def __getattr__(self, name):
        return getattr(self._store, name)


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(recording, "RETRY_DELAYS", (0.01, 0.01, 0.01))


def chain():
    return {"format": "designer-graph/1", "name": "chain", "nodes": [
        {"id": "a", "component": "toy-number", "params": {"value": 2}},
        {"id": "b", "component": "toy-add", "params": {"offset": 1}},
        {"id": "c", "component": "toy-sleep", "params": {"seconds": 0.05}},
    ], "edges": [
        {"source": "a", "source_port": "value", "target": "b", "target_port": "a"},
        {"source": "b", "source_port": "value", "target": "c", "target_port": "a"},
    ]}


def run_with_flaky_store(tmp_path, failures: int):
    """Run the chain on a real home whose store refuses the first `failures` node-update writes."""
    home = Home.resolve(tmp_path / "home")
    flaky = FlakyStore(Store.for_home(home.path, home.db_url), failures)
    designer = Designer(home, store=flaky)
    try:
        result = designer.run(chain())
        run = designer.store.get_run(result.run_id)
        run["log_of_c"] = designer.store.get_node_log(result.run_id, "c")
        return result, run, flaky
    finally:
        designer.close()


def test_a_store_that_fails_once_loses_no_node_update(tmp_path):
    result, run, flaky = run_with_flaky_store(tmp_path, failures=1)

    assert flaky.refused == 1
    assert result.status == "completed" and run["status"] == "completed"
    assert {n: r["status"] for n, r in run["nodes"].items()} == {"a": "completed", "b": "completed", "c": "completed"}
    assert run["nodes"]["c"]["outputs"]["value"]["digest"] and run["nodes"]["c"]["seconds"] is not None
    assert run["log_of_c"] == "slept 0.05s\n"


def test_a_store_that_keeps_refusing_fails_the_run_with_the_reason(tmp_path):
    result, run, flaky = run_with_flaky_store(tmp_path, failures=10_000)

    assert result.status == "failed" and run["status"] == "failed"
    assert "could not be saved" in run["error"] and "database is locked" in run["error"]
    assert result.error == run["error"]
    assert flaky.refused > 1  # retried before giving up


def test_a_failed_flush_keeps_its_batch_in_order_for_the_next_one(tmp_path, monkeypatch):
    monkeypatch.setattr(recording, "FLUSH_INTERVAL", 60)  # only the flushes this test makes
    home = Home.resolve(tmp_path / "home")
    flaky = FlakyStore(Store.for_home(home.path, home.db_url), failures=1)
    run_id = flaky.create_run({"format": "designer-graph/1", "nodes": [], "edges": []})
    recorder = recording.RunRecorder(flaky, run_id, {})
    try:
        recorder({"event": "node.log", "node_id": "n", "text": "first"})
        with pytest.raises(recording.RecordingFailed):
            recorder.flush()
        recorder({"event": "node.log", "node_id": "n", "text": "second"})
        recorder.flush()
    finally:
        recorder.close()
    assert flaky.get_node_log(run_id, "n") == "first\nsecond\n"
    flaky.close()
