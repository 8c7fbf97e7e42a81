"""The `dask` target on a real LocalCluster (started once for this module), and targets agreeing on results."""
from __future__ import annotations

import os
import threading
import time
import uuid

import pytest

from compute_graphs import crash_graph, graph, iris_document, output, overlap, run, two_sleeping_branches
from designer.compute.base import TargetUnavailable
from designer.compute.dask_target import DaskTarget
from designer.execution.executor import Executor


@pytest.fixture(scope="module")
def dask_target():
    """A target that starts its own LocalCluster of two worker processes, as `{"local_workers": 2}` does."""
    target = DaskTarget("dask", local_workers=2)
    target.check_available()
    yield target
    target.close()


@pytest.fixture
def executor(store, local_target, process_target, dask_target):
    return Executor(store, {"local": local_target, "process": process_target, "dask": dask_target})


def metrics_graph(compute):
    return graph([("a", "compute-number", {"value": 6.0}), ("b", "compute-number", {"value": 1.5}),
                  ("sum", "compute-add", {"offset": 0.25}), ("m", "compute-metrics", {})],
                 [("a", "value", "sum", "a"), ("b", "value", "sum", "b"), ("sum", "value", "m", "a"),
                  ("b", "value", "m", "b")], default_compute=compute)


def test_the_same_graph_gives_identical_metrics_on_local_process_and_dask(executor):
    results = {compute: run(executor, metrics_graph(compute)) for compute in ("local", "process", "dask")}
    assert {c: r.status for c, r in results.items()} == dict.fromkeys(results, "completed")
    assert results["local"].nodes["m"].metrics == {"sum": 9.25, "ratio": 7.75 / 3.0}
    assert results["process"].nodes["m"].metrics == results["dask"].nodes["m"].metrics \
        == results["local"].nodes["m"].metrics


def test_the_iris_example_gives_identical_metrics_on_local_process_and_dask(tmp_path, local_target, process_target,
                                                                             dask_target):
    from canvas_store.artifacts import ArtifactStore

    metrics = {}
    for compute in ("local", "process", "dask"):  # a store each, so nothing is reused from another target's run
        executor = Executor(ArtifactStore(tmp_path / compute),
                            {"local": local_target, "process": process_target, "dask": dask_target})
        result = run(executor, iris_document(compute))
        assert result.status == "completed", result.error
        assert {r.compute for r in result.nodes.values()} == {compute}
        metrics[compute] = result.nodes["eval"].metrics
    assert metrics["local"]["accuracy"] > 0.8
    assert metrics["local"] == metrics["process"] == metrics["dask"]


def test_a_node_choice_of_target_wins_over_the_pipeline_default(executor):
    document = graph([("here", "compute-where", {"label": "default"}),
                      ("in-process", "compute-where", {"label": "process"}, "process"),
                      ("on-dask", "compute-where", {"label": "dask"}, "dask")], [], default_compute="local")
    events = []
    result = run(executor, document, events)

    assert result.status == "completed"
    assert {n: r.compute for n, r in result.nodes.items()} == {"here": "local", "in-process": "process",
                                                              "on-dask": "dask"}
    pids = {n: output(executor, result, n)["pid"] for n in result.nodes}
    assert pids["here"] == os.getpid()
    assert len({pids["here"], pids["in-process"], pids["on-dask"]}) == 3
    finished = {e["node_id"]: e["compute"] for e in events if e["event"] == "node.status" and e["status"] == "completed"}
    assert finished == {"here": "local", "in-process": "process", "on-dask": "dask"}


def test_events_from_dask_workers_reach_the_executor_before_the_node_completes(executor):
    events = []
    result = run(executor, metrics_graph("dask"), events)
    assert result.status == "completed"
    mine = [e for e in events if e.get("node_id") == "m"]
    kinds = [e["event"] if e["event"] != "node.status" else e["status"] for e in mine]
    assert kinds.index("node.log") < kinds.index("completed")
    assert kinds.index("node.metrics") < kinds.index("completed")
    assert any(e["event"] == "node.metrics" and e["loss"] == 0.5 for e in mine)
    assert any(e["event"] == "node.progress" and e["fraction"] == 0.5 for e in mine)


def test_two_independent_slow_branches_overlap_on_dask(executor):
    result = run(executor, two_sleeping_branches("dask", seconds=0.8))
    assert result.status == "completed"
    assert overlap(output(executor, result, "left"), output(executor, result, "right"))


def test_cancelling_a_long_node_on_dask(executor):
    events, run_id = [], uuid.uuid4().hex

    def cancel_once_progressing():
        while not any(e.get("node_id") == "slow" and e["event"] == "node.progress" for e in list(events)):
            time.sleep(0.01)
        executor.cancel(run_id)

    threading.Thread(target=cancel_once_progressing, daemon=True).start()
    document = graph([("slow", "compute-sleep", {"seconds": 30.0}), ("next", "compute-add", {})],
                     [("slow", "value", "next", "a")], default_compute="dask")
    result = run(executor, document, events, run_id=run_id)

    assert result.status == "cancelled"
    assert {n: r.status for n, r in result.nodes.items()} == {"slow": "cancelled", "next": "cancelled"}
    # The worker noticed too (its thread is free again): a new run goes through at once.
    again = run(executor, two_sleeping_branches("dask", seconds=0.3))
    assert again.status == "completed"
    assert overlap(output(executor, again, "left"), output(executor, again, "right"))


def test_artifacts_travel_to_workers_that_do_not_share_the_store(tmp_path, store, dask_target, local_target):
    worker_root = tmp_path / "worker-store"
    remote = DaskTarget("remote", address=dask_target.describe()["scheduler"], shared_filesystem=False,
                        worker_store_root=str(worker_root))
    try:
        executor = Executor(store, {"local": local_target, "remote": remote})
        document = metrics_graph("local")
        for node in document["nodes"]:
            if node["id"] in ("sum", "m"):
                node["compute"] = "remote"  # inputs made here go out, outputs made there come back
        result = run(executor, document)
    finally:
        remote.close()

    assert result.status == "completed", result.error
    assert result.nodes["m"].metrics == {"sum": 9.25, "ratio": 7.75 / 3.0}
    assert output(executor, result, "sum") == 7.75
    made_remotely = {result.nodes[n].outputs[p] for n, p in (("sum", "value"), ("m", "metrics"))}
    in_worker_store = {p.name for p in (worker_root / "objects").glob("*/*")}
    assert made_remotely <= in_worker_store
    assert result.nodes["a"].outputs["value"] in in_worker_store  # an input that travelled
    assert store.cached_outputs(result.nodes["m"].cache_key) == result.nodes["m"].outputs


def test_an_unreachable_scheduler_fails_the_run_at_submission_within_seconds(store):
    target = DaskTarget("cluster", address="tcp://127.0.0.1:1")
    started = time.monotonic()
    result = run(Executor(store, {"cluster": target}), graph([("a", "compute-number", {})], [],
                                                             default_compute="local") | {"default_compute": "cluster"})
    elapsed = time.monotonic() - started
    target.close()

    assert result.status == "failed"
    assert result.error.startswith("cannot reach Dask scheduler at tcp://127.0.0.1:1: ")
    assert {r.status for r in result.nodes.values()} == {"skipped"}
    assert elapsed < 20
    with pytest.raises(TargetUnavailable):
        DaskTarget("cluster", address="tcp://127.0.0.1:1", connect_timeout=0.5).check_available()


def test_describe_lists_each_worker_and_its_devices(dask_target):
    info = dask_target.describe()
    assert info["status"] == "ready"
    assert info["devices"][0] == "cpu"
    assert len(info["workers"]) == 2
    assert all(devices[0] == "cpu" for devices in info["workers"].values())


def test_a_component_that_kills_its_dask_worker_fails_only_its_node(executor):
    result = run(executor, crash_graph("exit", "dask"))

    assert {n: r.status for n, r in result.nodes.items()} == {
        "root": "completed", "crash": "failed", "after": "skipped", "sibling": "completed"}
    assert "the Dask workers running this node died" in result.nodes["crash"].error
    again = run(executor, two_sleeping_branches("dask", seconds=0.2))
    assert again.status == "completed"
