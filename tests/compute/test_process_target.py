"""The `process` target: crash isolation, cancellation by killing, parallel branches, events, errors."""
from __future__ import annotations

import os
import threading
import time
import uuid

import pytest

from compute_graphs import crash_graph, graph, output, overlap, run, two_sleeping_branches
from designer.compute.process import ProcessTarget
from designer.execution.executor import Executor


@pytest.fixture
def executor(store, local_target, process_target):
    return Executor(store, {"local": local_target, "process": process_target})


def test_nodes_run_in_worker_processes_not_in_the_server(executor):
    result = run(executor, graph([("where", "compute-where", {})], [], default_compute="process"))
    assert result.status == "completed"
    assert output(executor, result, "where")["pid"] != os.getpid()


@pytest.mark.parametrize("how, exit_text", [("segfault", "exit code -11 / signal SIGSEGV"), ("exit", "exit code 3")])
def test_a_crashing_component_fails_only_its_node_and_the_next_run_works(executor, how, exit_text):
    result = run(executor, crash_graph(how, "process"))

    assert result.status == "failed"
    statuses = {n: r.status for n, r in result.nodes.items()}
    assert statuses == {"root": "completed", "crash": "failed", "after": "skipped", "sibling": "completed"}
    assert f"the worker process running this node died ({exit_text})" in result.nodes["crash"].error
    assert output(executor, result, "sibling") == 3.0
    again = run(executor, graph([("a", "compute-number", {"value": 5.0}), ("b", "compute-add", {"offset": 1.0})],
                                [("a", "value", "b", "a")], default_compute="process"))
    assert again.status == "completed"
    assert output(executor, again, "b") == 6.0


def test_component_errors_read_the_same_as_on_local(executor):
    messages = {}
    for compute in ("local", "process"):
        result = run(executor, graph([("polite", "compute-crash", {"how": "error"}),
                                      ("bug", "compute-crash", {"how": "bug"})], [], default_compute=compute))
        messages[compute] = {n: r.error for n, r in result.nodes.items()}
        assert "compute_crash" in result.nodes["bug"].traceback
    assert messages["local"] == messages["process"] == {
        "polite": "column 'x' does not exist", "bug": "KeyError: 'missing'"}


def test_the_worker_traceback_reaches_the_node(executor):
    result = run(executor, graph([("bug", "compute-crash", {"how": "bug"})], [], default_compute="process"))
    assert "traceback in the worker process" in result.nodes["bug"].traceback
    assert "compute_components.py" in result.nodes["bug"].traceback


def test_progress_log_and_metrics_events_reach_the_executor(executor):
    events = []
    result = run(executor, graph([("a", "compute-number", {"value": 6.0}), ("m", "compute-metrics", {})],
                                 [("a", "value", "m", "a")], default_compute="process"), events)
    assert result.status == "completed"
    assert result.nodes["m"].metrics == {"sum": 6.0, "ratio": 2.0}
    mine = [e for e in events if e.get("node_id") == "m"]
    assert {"event": "node.log", "text": "computing metrics"}.items() <= next(
        e for e in mine if e["event"] == "node.log").items()
    assert any(e["event"] == "node.metrics" and e["loss"] == 0.5 for e in mine)
    assert any(e["event"] == "node.progress" and e["fraction"] == 0.5 for e in mine)


def test_two_independent_slow_branches_overlap(executor):
    result = run(executor, two_sleeping_branches("process", seconds=0.8))
    assert result.status == "completed"
    left, right = output(executor, result, "left"), output(executor, result, "right")
    assert left["pid"] != right["pid"]
    assert overlap(left, right)


def test_cancelling_kills_a_node_that_never_checks_and_the_pool_recovers(executor, process_target):
    events, run_id = [], uuid.uuid4().hex
    document = graph([("stubborn", "compute-stubborn", {"seconds": 60.0}), ("next", "compute-add", {})],
                     [("stubborn", "value", "next", "a")], default_compute="process")

    def cancel_once_running():
        while not any(e.get("node_id") == "stubborn" and e.get("status") == "running" for e in list(events)):
            time.sleep(0.01)
        time.sleep(0.2)  # let the task reach its worker
        executor.cancel(run_id)

    threading.Thread(target=cancel_once_running, daemon=True).start()
    result = run(executor, document, events, run_id=run_id)

    assert result.status == "cancelled"
    assert result.nodes["stubborn"].status == "cancelled"
    assert result.nodes["next"].status == "cancelled"
    again = run(executor, graph([("where", "compute-where", {"label": "after cancel"})], [],
                                default_compute="process"))
    assert again.status == "completed"


def test_cancelling_a_cooperative_node_stops_it_without_killing_its_worker(executor, process_target):
    events, run_id = [], uuid.uuid4().hex

    def cancel_once_progressing():
        while not any(e.get("node_id") == "slow" and e["event"] == "node.progress" for e in list(events)):
            time.sleep(0.01)
        executor.cancel(run_id)

    before = {w.process.pid for w in process_target._workers}
    threading.Thread(target=cancel_once_progressing, daemon=True).start()
    result = run(executor, graph([("slow", "compute-sleep", {"seconds": 30.0})], [], default_compute="process"),
                 events, run_id=run_id)

    assert result.nodes["slow"].status == "cancelled"
    assert {w.process.pid for w in process_target._workers} == before


def test_cancelling_a_long_node_on_local_is_cooperative(executor):
    events, run_id = [], uuid.uuid4().hex

    def cancel_once_progressing():
        while not any(e.get("node_id") == "slow" and e["event"] == "node.progress" for e in list(events)):
            time.sleep(0.01)
        executor.cancel(run_id)

    threading.Thread(target=cancel_once_progressing, daemon=True).start()
    result = run(executor, graph([("slow", "compute-sleep", {"seconds": 30.0})], [], default_compute="local"),
                 events, run_id=run_id)
    assert result.status == "cancelled"
    assert result.nodes["slow"].status == "cancelled"


def test_a_closed_target_refuses_work_with_a_clear_reason(store):
    target = ProcessTarget("short-lived", workers=1)
    target.check_available()
    target.close()
    document = graph([("a", "compute-number", {})], [], default_compute="local") | {"default_compute": "short-lived"}
    result = run(Executor(store, {"short-lived": target}), document)
    assert result.status == "failed"
    assert result.error == "compute target 'short-lived' is closed"
