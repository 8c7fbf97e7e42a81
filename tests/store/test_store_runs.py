"""Runs: status, batched node updates, logs, metric streams, listing, recovery after a restart."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest

from canvas_store.repository import NotFound

DIGEST = "ab" * 32


@pytest.fixture
def graph(store, make_document):
    return store.create_graph(make_document())


@pytest.fixture
def run_id(store, graph):
    return store.create_run(graph["document"], graph_id=graph["id"], revision=1,
                            parameters={"test_fraction": 0.25})


def test_new_run_is_queued_with_its_document_and_no_nodes(store, graph, run_id):
    run = store.get_run(run_id)

    assert len(run_id) == 32
    assert run["status"] == "queued"
    assert (run["graph_id"], run["revision"]) == (graph["id"], 1)
    assert run["compute"] == "local" and run["kind"] == "manual"
    assert run["parameters"] == {"test_fraction": 0.25}
    assert run["document"] == graph["document"]
    assert run["nodes"] == {}
    assert run["started_at"] is None and run["finished_at"] is None and run["error"] is None
    assert datetime.fromisoformat(run["created_at"]).tzinfo is not None


def test_run_status_stamps_start_and_finish_times(store, run_id):
    store.set_run_status(run_id, "running")
    started = store.get_run(run_id)["started_at"]
    assert started is not None and store.get_run(run_id)["finished_at"] is None

    store.set_run_status(run_id, "failed", error="train: boom")

    run = store.get_run(run_id)
    assert run["status"] == "failed" and run["error"] == "train: boom"
    assert run["started_at"] == started
    assert run["finished_at"] >= started


def test_explicit_run_times_are_kept_in_utc(store, run_id):
    store.set_run_status(run_id, "completed", started_at="2024-05-01T12:00:00+02:00",
                         finished_at=datetime(2024, 5, 1, 10, 30, tzinfo=timezone.utc))
    run = store.get_run(run_id)
    assert run["started_at"] == "2024-05-01T10:00:00+00:00"
    assert run["finished_at"] == "2024-05-01T10:30:00+00:00"


def test_a_batch_of_node_updates_creates_and_updates_node_rows(store, run_id):
    store.apply_node_updates(run_id, [
        {"node_id": "iris", "status": "running", "started_at": 1714557600.0, "compute": "local"},
        {"node_id": "split", "status": "queued"},
        {"node_id": "iris", "progress": 0.5, "progress_message": "loading"},
    ])
    store.apply_node_updates(run_id, [
        {"node_id": "iris", "status": "completed", "seconds": 1.25, "cache_key": "cd" * 32,
         "finished_at": "2024-05-01T10:00:02+00:00", "progress": 1.0,
         "outputs": {"dataset": {"digest": DIGEST, "type": "DataFrame"}}},
        {"node_id": "split", "status": "cached", "cached": True},
    ])

    nodes = store.get_run(run_id)["nodes"]

    assert set(nodes) == {"iris", "split"}
    iris = nodes["iris"]
    assert iris["status"] == "completed" and iris["cached"] is False
    assert iris["started_at"] == "2024-05-01T10:00:00+00:00"
    assert iris["finished_at"] == "2024-05-01T10:00:02+00:00"
    assert iris["seconds"] == 1.25 and iris["progress"] == 1.0
    assert iris["progress_message"] == "loading" and iris["compute"] == "local"
    assert iris["outputs"] == {"dataset": {"digest": DIGEST, "type": "DataFrame"}}
    assert iris["cache_key"] == "cd" * 32
    assert nodes["split"]["status"] == "cached" and nodes["split"]["cached"] is True
    assert set(iris) == {"status", "cached", "seconds", "started_at", "finished_at", "error",
                         "traceback", "outputs", "metrics", "metric_events", "progress",
                         "progress_message", "compute", "cache_key"}


def test_failed_node_keeps_its_error_and_traceback(store, run_id):
    store.apply_node_updates(run_id, [{"node_id": "split", "status": "failed",
                                       "error": "ValueError: bad fraction",
                                       "traceback": "Traceback (most recent call last): ..."}])
    node = store.get_run(run_id)["nodes"]["split"]
    assert node["error"] == "ValueError: bad fraction"
    assert node["traceback"].startswith("Traceback")


def test_logs_append_in_order_and_stay_out_of_get_run(store, run_id):
    store.apply_node_updates(run_id, [{"node_id": "train", "status": "running",
                                       "append_log": "epoch 1\n"}])
    store.apply_node_updates(run_id, [{"node_id": "train", "append_log": "epoch 2\n"},
                                      {"node_id": "train", "append_log": "done\n"},
                                      {"node_id": "eval", "append_log": "other node\n"}])

    assert store.get_node_log(run_id, "train") == "epoch 1\nepoch 2\ndone\n"
    assert store.get_node_log(run_id, "eval") == "other node\n"
    assert store.get_node_log(run_id, "split") == ""
    assert "log" not in store.get_run(run_id)["nodes"]["train"]
    with pytest.raises(NotFound):
        store.get_node_log("f" * 32, "train")


def test_metric_events_accumulate_per_node(store, run_id):
    for epoch in range(1, 4):
        store.apply_node_updates(run_id, [{"node_id": "train", "append_metric_event":
                                           {"epoch": epoch, "loss": 1.0 / epoch}}])
    store.apply_node_updates(run_id, [{"node_id": "train", "metrics": {"loss": 1 / 3}}])

    node = store.get_run(run_id)["nodes"]["train"]

    assert [e["epoch"] for e in node["metric_events"]] == [1, 2, 3]
    assert node["metrics"] == {"loss": 1 / 3}
    assert node["status"] == "queued"  # appends alone do not invent a status


def test_a_bad_update_in_a_batch_writes_nothing(store, run_id):
    store.apply_node_updates(run_id, [{"node_id": "iris", "status": "running"}])
    with pytest.raises(ValueError):
        store.apply_node_updates(run_id, [{"node_id": "iris", "status": "completed"},
                                          {"node_id": "split", "colour": "red"}])
    assert store.get_run(run_id)["nodes"]["iris"]["status"] == "running"
    assert "split" not in store.get_run(run_id)["nodes"]


def test_updates_for_an_unknown_run_are_not_found(store):
    with pytest.raises(NotFound) as missing:
        store.apply_node_updates("e" * 32, [{"node_id": "iris", "status": "running",
                                             "append_log": "x"}])
    assert missing.value.what == "run"
    with pytest.raises(NotFound):
        store.set_run_status("e" * 32, "running")
    with pytest.raises(NotFound):
        store.get_run("e" * 32)


def test_many_threads_update_nodes_and_read_without_errors(store, run_id):
    errors = []

    def executor(worker):
        try:
            for step in range(15):
                store.apply_node_updates(run_id, [
                    {"node_id": f"node-{worker}", "status": "running", "progress": step / 15},
                    {"node_id": f"node-{worker}", "append_log": f"{step}\n"},
                ])
                store.get_run(run_id)
        except Exception as error:  # noqa: BLE001 - collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=executor, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(store.get_run(run_id)["nodes"]) == 6
    assert store.get_node_log(run_id, "node-3") == "".join(f"{i}\n" for i in range(15))


def test_list_runs_is_newest_first_with_evaluation_metrics_only(store, graph, make_document):
    first = store.create_run(graph["document"], graph_id=graph["id"], revision=1, evaluation_nodes=["eval"])
    store.apply_node_updates(first, [
        {"node_id": "eval", "status": "completed", "metrics": {"accuracy": 0.9, "auc": 0.95}},
        {"node_id": "split", "status": "completed", "metrics": {"rows": 150}},
    ])
    store.set_run_status(first, "completed")
    second = store.create_run(graph["document"], graph_id=graph["id"], revision=1, compute="dask",
                              kind="pipeline")
    loose = store.create_run(make_document("scratch"))

    everything = store.list_runs()
    of_graph = store.list_runs(graph_id=graph["id"])

    assert [r["run_id"] for r in everything] == [loose, second, first]
    assert [r["run_id"] for r in of_graph] == [second, first]
    assert of_graph[1]["metrics"] == {"eval": {"accuracy": 0.9, "auc": 0.95}}
    assert of_graph[0]["metrics"] == {} and of_graph[0]["compute"] == "dask"
    assert "document" not in of_graph[0] and "nodes" not in of_graph[0]
    assert [r["run_id"] for r in store.list_runs(limit=1)] == [loose]


def test_unfinished_runs_fail_after_a_restart(store, graph):
    running = store.create_run(graph["document"], graph_id=graph["id"], revision=1)
    store.set_run_status(running, "running")
    store.apply_node_updates(running, [
        {"node_id": "iris", "status": "completed"},
        {"node_id": "split", "status": "running"},
        {"node_id": "eval", "status": "queued"},
    ])
    queued = store.create_run(graph["document"], graph_id=graph["id"], revision=1)
    done = store.create_run(graph["document"], graph_id=graph["id"], revision=1)
    store.set_run_status(done, "completed")

    assert store.mark_unfinished_runs_failed("server stopped") == 2

    for run_id in (running, queued):
        run = store.get_run(run_id)
        assert run["status"] == "failed" and run["error"] == "server stopped"
        assert run["finished_at"] is not None
    nodes = store.get_run(running)["nodes"]
    assert nodes["iris"]["status"] == "completed"
    assert nodes["split"]["status"] == "failed" and nodes["split"]["error"] == "server stopped"
    assert nodes["eval"]["status"] == "cancelled"
    assert store.get_run(done)["status"] == "completed"
    assert store.mark_unfinished_runs_failed() == 0


def test_run_of_an_unknown_graph_is_refused(store, make_document):
    with pytest.raises(NotFound):
        store.create_run(make_document(), graph_id="a" * 32, revision=1)


def test_metrics_from_numpy_and_undefined_values_are_stored_as_plain_json(store, run_id):
    import numpy as np

    store.apply_node_updates(run_id, [{"node_id": "eval", "metrics": {
        "accuracy": np.float64(0.875), "support": np.int64(40), "auc": float("nan"),
        "confusion_matrix": np.array([[20, 2], [3, 15]]), "loss": np.float32("inf")}}])

    metrics = store.get_run(run_id)["nodes"]["eval"]["metrics"]
    assert metrics == {"accuracy": 0.875, "support": 40, "auc": None,
                       "confusion_matrix": [[20, 2], [3, 15]], "loss": None}


def test_a_node_update_batch_is_one_transaction_of_few_statements(store, run_id):
    from sqlalchemy import event

    statements = []
    engine = store._db.engine
    listener = lambda conn, cursor, statement, *rest: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        store.apply_node_updates(run_id, [
            {"node_id": "train", "status": "running", "append_log": "epoch 1\n"},
            {"node_id": "train", "progress": 0.5, "append_metric_event": {"epoch": 1, "loss": 0.7}},
            {"node_id": "train", "append_log": "epoch 2\n"},
            {"node_id": "score", "status": "queued"},
        ])
    finally:
        event.remove(engine, "before_cursor_execute", listener)

    work = [s for s in statements if not s.upper().startswith(("BEGIN", "COMMIT", "SELECT 1"))]
    # One upsert per node, one insert for all log chunks, one for all metric events.
    assert len(work) == 4, work
    if store._db.dialect == "sqlite":
        assert statements[0] == "BEGIN IMMEDIATE"
    assert store.get_node_log(run_id, "train") == "epoch 1\nepoch 2\n"


def test_a_run_belongs_to_the_experiment_named_after_its_graph_unless_told(store, graph):
    default = store.get_run(store.create_run(graph["document"], graph_id=graph["id"]))
    chosen = store.get_run(store.create_run(
        graph["document"], graph_id=graph["id"], experiment="tuning", display_name="lr 0.1",
        description="first try", tags={"team": "vision", "lr": 0.1}, trigger="sweep:abc",
        environment={"python": "3.11.7", "packages": {"numpy": "2.0"}}))

    assert default["experiment"] == graph["document"]["name"]
    assert default["trigger"] == "manual" and default["tags"] == {} and default["display_name"] == ""
    assert chosen["experiment"] == "tuning" and chosen["display_name"] == "lr 0.1"
    assert chosen["description"] == "first try" and chosen["trigger"] == "sweep:abc"
    assert chosen["tags"] == {"team": "vision", "lr": "0.1"}
    assert chosen["environment"] == {"python": "3.11.7", "packages": {"numpy": "2.0"}}
    listed = {r["run_id"]: r for r in store.list_runs(graph_id=graph["id"])}
    assert listed[chosen["run_id"]]["experiment"] == "tuning" and "environment" not in listed[chosen["run_id"]]


def test_a_published_run_is_triggered_by_its_pipeline(store, graph):
    run = store.get_run(store.create_run(graph["document"], kind="published"))

    assert run["trigger"] == "published"
