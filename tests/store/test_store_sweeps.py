"""Sweep records on SQLite and PostgreSQL: trials as they start and finish, listing, and what a restart does."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from canvas_store.errors import NotFound


def test_a_sweep_keeps_its_trials_in_order_with_their_outcomes(store, make_document):
    graph = store.create_graph(make_document())
    sweep_id = store.create_sweep(graph["document"], {"goal": "maximize"}, graph_id=graph["id"], revision=1)
    store.add_trial(sweep_id, 1, {"lr": 0.1}, sampler_state={"params": {"lr": 0.1}}, status="running")
    store.add_trial(sweep_id, 0, {"lr": 0.01}, status="running")
    store.update_trial(sweep_id, 0, status="completed", metric=0.9, intermediate=[0.5, 0.8], finished_at=1.7e9)
    store.update_trial(sweep_id, 1, status="early_terminated", intermediate=[0.1])
    record = store.get_sweep(sweep_id)
    assert record["status"] == "running" and record["graph_id"] == graph["id"]
    assert [t["trial"] for t in record["trials"]] == [0, 1]
    assert record["trials"][0]["metric"] == 0.9 and record["trials"][0]["intermediate"] == [0.5, 0.8]
    assert record["trials"][1]["sampler_state"] == {"params": {"lr": 0.1}}
    listed = store.list_sweeps(graph_id=graph["id"])
    assert listed[0]["trial_counts"] == {"completed": 1, "early_terminated": 1}
    store.set_sweep_status(sweep_id, "completed")
    assert store.get_sweep(sweep_id)["finished_at"] is not None


def test_one_trial_number_is_one_trial(store, make_document):
    sweep_id = store.create_sweep(make_document(), {})
    store.add_trial(sweep_id, 0, {"lr": 0.1})
    with pytest.raises(IntegrityError):
        store.add_trial(sweep_id, 0, {"lr": 0.2})


def test_a_restart_interrupts_running_sweeps_and_drops_their_half_done_trials(store, make_document):
    running = store.create_sweep(make_document(), {})
    finished = store.create_sweep(make_document(), {})
    store.set_sweep_status(finished, "completed")
    store.add_trial(running, 0, {"lr": 0.1}, status="completed")
    store.add_trial(running, 1, {"lr": 0.2}, status="running")
    assert store.mark_unfinished_sweeps_interrupted() == [running]
    assert store.get_sweep(running)["status"] == "interrupted"
    assert store.get_sweep(finished)["status"] == "completed"
    dropped = store.discard_unfinished_trials(running)
    assert [t["trial"] for t in dropped] == [1]
    assert [t["trial"] for t in store.get_sweep(running)["trials"]] == [0]


def test_unknown_sweeps_and_trials_are_not_found(store, make_document):
    with pytest.raises(NotFound):
        store.get_sweep("nope")
    with pytest.raises(NotFound):
        store.set_sweep_status("nope", "cancelled")
    sweep_id = store.create_sweep(make_document(), {})
    with pytest.raises(NotFound):
        store.update_trial(sweep_id, 7, status="failed")
    with pytest.raises(NotFound):
        store.create_sweep(make_document(), {}, graph_id="nope")
