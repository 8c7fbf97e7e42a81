"""Graphs: revisions, optimistic concurrency, listing, soft delete."""
from __future__ import annotations

import threading
from datetime import datetime

import pytest

from canvas_store.repository import NotFound, StaleRevision


def test_created_graph_reads_back_at_revision_one(store, make_document):
    document = make_document()
    created = store.create_graph(document)

    assert created["revision"] == 1
    assert len(created["id"]) == 32 and int(created["id"], 16) >= 0
    assert created["name"] == "Iris classification"
    assert created["description"] == "split, train, score, evaluate"
    fetched = store.get_graph(created["id"])
    assert fetched == created
    assert fetched["document"] == document
    assert datetime.fromisoformat(fetched["created_at"]).utcoffset().total_seconds() == 0


def test_each_update_adds_a_revision_and_old_ones_stay_readable(store, make_document):
    graph = store.create_graph(make_document("first"))
    second = store.update_graph(graph["id"], make_document("second"), expected_revision=1)
    third = store.update_graph(graph["id"], make_document("third"), expected_revision=2)

    assert (second["revision"], third["revision"]) == (2, 3)
    assert store.get_graph(graph["id"])["name"] == "third"
    assert store.get_graph(graph["id"], revision=1)["document"]["name"] == "first"
    assert store.get_graph(graph["id"], revision=2)["name"] == "second"
    assert [(r["revision"], r["name"]) for r in store.list_revisions(graph["id"])] == [
        (3, "third"), (2, "second"), (1, "first")]
    with pytest.raises(NotFound):
        store.get_graph(graph["id"], revision=4)


def test_update_from_a_stale_revision_is_refused_with_the_current_one(store, make_document):
    graph = store.create_graph(make_document())
    store.update_graph(graph["id"], make_document("mine"), expected_revision=1)

    with pytest.raises(StaleRevision) as refused:
        store.update_graph(graph["id"], make_document("theirs"), expected_revision=1)

    assert refused.value.current_revision == 2
    assert store.get_graph(graph["id"])["name"] == "mine"
    assert len(store.list_revisions(graph["id"])) == 2


def test_concurrent_updates_from_one_revision_let_exactly_one_win(store, make_document):
    graph = store.create_graph(make_document())
    writers = 6
    start = threading.Barrier(writers)
    outcomes = []

    def save(n):
        start.wait()
        try:
            store.update_graph(graph["id"], make_document(f"writer {n}"), expected_revision=1)
            outcomes.append(("won", n))
        except StaleRevision as error:
            outcomes.append(("stale", error.current_revision))

    threads = [threading.Thread(target=save, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [n for outcome, n in outcomes if outcome == "won"]
    assert len(winners) == 1
    assert [o for o in outcomes if o[0] == "stale"] == [("stale", 2)] * (writers - 1)
    current = store.get_graph(graph["id"])
    assert current["revision"] == 2 and current["name"] == f"writer {winners[0]}"


def test_list_graphs_shows_newest_first_with_last_run(store, make_document):
    older = store.create_graph(make_document("older"))
    newer = store.create_graph(make_document("newer"))
    first_run = store.create_run(older["document"], graph_id=older["id"], revision=1)
    store.set_run_status(first_run, "completed")
    second_run = store.create_run(older["document"], graph_id=older["id"], revision=1)
    store.update_graph(older["id"], make_document("older, edited"), expected_revision=1)

    listed = store.list_graphs()

    assert [g["name"] for g in listed] == ["older, edited", "newer"]
    assert listed[0]["revision"] == 2
    assert listed[0]["last_run"] == {"run_id": second_run, "status": "queued", "finished_at": None}
    assert listed[1]["last_run"] is None
    assert set(listed[1]) == {"id", "name", "description", "revision", "updated_at", "created_at", "last_run",
                              "kind", "nodes"}
    assert newer["id"] == listed[1]["id"]


def test_deleted_graph_disappears_but_its_runs_remain(store, make_document):
    graph = store.create_graph(make_document())
    run_id = store.create_run(graph["document"], graph_id=graph["id"], revision=1)

    store.delete_graph(graph["id"])

    assert store.list_graphs() == []
    for call in (lambda: store.get_graph(graph["id"]),
                 lambda: store.list_revisions(graph["id"]),
                 lambda: store.update_graph(graph["id"], make_document(), 1),
                 lambda: store.delete_graph(graph["id"])):
        with pytest.raises(NotFound) as missing:
            call()
        assert missing.value.what == "graph" and missing.value.id == graph["id"]
    assert store.get_run(run_id)["graph_id"] == graph["id"]
    assert store.find_graph_by_name("Iris classification") is None


def test_find_graph_by_name_returns_the_latest_saved_match(store, make_document):
    store.create_graph(make_document("churn"))
    second = store.create_graph(make_document("churn"))
    store.create_graph(make_document("other"))

    found = store.find_graph_by_name("churn")

    assert found["id"] == second["id"] and found["document"]["name"] == "churn"
    assert store.find_graph_by_name("missing") is None


def test_unknown_graph_is_not_found(store):
    with pytest.raises(NotFound) as missing:
        store.get_graph("0" * 32)
    assert isinstance(missing.value, LookupError)
    assert (missing.value.what, missing.value.id) == ("graph", "0" * 32)
