"""Automated-ML records on SQLite and PostgreSQL: a job's leaderboard as candidates finish, and what a restart does."""
from __future__ import annotations

import pytest

from canvas_store.errors import NotFound

CANDIDATES = [("logistic-regression", {}), ("decision-forest", {"task": "classification"}),
              ("neural-network", {"task": "classification"})]


def _job(store, **extra):
    options = {"task": "classification", "label": "species", "data": "flowers", "config": {"trials": 2},
               "primary_metric": "eval.accuracy", "candidates": CANDIDATES, **extra}
    return store.create_automl_job(**options)


def test_a_job_keeps_its_candidates_in_order_as_they_finish(store):
    automl_id = _job(store, dataset_version=3)
    store.update_automl_candidate(automl_id, 1, status="running", sweep_id="s" * 32, started_at=1.7e9)
    store.update_automl_candidate(automl_id, 1, status="completed", metric=0.93, parameters={"trees": 8},
                                  run_id="r" * 32, finished_at=1.7e9 + 5)
    record = store.get_automl_job(automl_id)
    assert record["status"] == "running" and record["dataset_version"] == 3 and record["created_at"]
    assert [c["learner"] for c in record["candidates"]] == [c for c, _ in CANDIDATES]
    assert record["candidates"][1]["settings"] == {"task": "classification"}
    done = record["candidates"][1]
    assert (done["status"], done["metric"], done["parameters"], done["sweep_id"]) == \
        ("completed", 0.93, {"trees": 8}, "s" * 32)
    assert done["started_at"] < done["finished_at"]
    assert [c["status"] for c in record["candidates"]] == ["queued", "completed", "queued"]


def test_finishing_a_job_records_the_winner_and_cancels_what_never_ran(store, make_document):
    graph = store.create_graph(make_document())
    automl_id = _job(store)
    store.update_automl_candidate(automl_id, 0, status="completed", metric=0.9)
    store.update_automl_candidate(automl_id, 1, status="running")
    store.finish_automl_job(automl_id, "completed", winner_learner="logistic-regression",
                            winner_graph_id=graph["id"])
    record = store.get_automl_job(automl_id)
    assert (record["status"], record["winner_learner"], record["winner_graph_id"]) == \
        ("completed", "logistic-regression", graph["id"])
    assert record["finished_at"] is not None
    assert [c["status"] for c in record["candidates"]] == ["completed", "cancelled", "cancelled"]


def test_jobs_are_listed_newest_first_with_their_candidates(store):
    first, second = _job(store), _job(store, data="wine")
    store.finish_automl_job(first, "failed", error="no learner completed a trial")
    listed = store.list_automl_jobs()
    assert [j["automl_id"] for j in listed] == [second, first]
    assert all(len(j["candidates"]) == len(CANDIDATES) for j in listed)
    assert [j["automl_id"] for j in store.list_automl_jobs(status="failed")] == [first]
    assert len(store.list_automl_jobs(limit=1)) == 1


def test_a_restart_interrupts_running_jobs_and_returns_the_sweeps_they_were_in(store):
    running, finished = _job(store), _job(store)
    store.update_automl_candidate(running, 0, status="completed", metric=0.8, sweep_id="a" * 32)
    store.update_automl_candidate(running, 1, status="running", sweep_id="b" * 32)
    store.finish_automl_job(finished, "completed")
    assert store.mark_unfinished_automl_jobs_interrupted() == [{"automl_id": running, "position": 1,
                                                                "sweep_id": "b" * 32}]
    record = store.get_automl_job(running)
    assert record["status"] == "interrupted" and "server stopped" in record["error"]
    assert [c["status"] for c in record["candidates"]] == ["completed", "interrupted", "interrupted"]
    assert store.get_automl_job(finished)["status"] == "completed"
    assert store.mark_unfinished_automl_jobs_interrupted() == []


def test_unknown_jobs_candidates_and_fields_are_refused(store):
    automl_id = _job(store)
    with pytest.raises(NotFound):
        store.get_automl_job("nope")
    with pytest.raises(NotFound):
        store.finish_automl_job("nope", "failed")
    with pytest.raises(NotFound):
        store.update_automl_candidate(automl_id, 7, status="running")
    with pytest.raises(ValueError):
        store.update_automl_candidate(automl_id, 0, learner="other")
