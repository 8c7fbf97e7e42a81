"""Searching runs in SQL on every backend: filters, tags, metric sort with runs lacking the metric last, experiments."""
from __future__ import annotations

import pytest

from canvas_store.repository import NotFound


def _run(store, make_document, accuracy=None, *, experiment="exp", tags=None, name="Iris", loss=None):
    run_id = store.create_run(make_document(name), experiment=experiment, tags=tags)
    metrics = {k: v for k, v in (("accuracy", accuracy), ("log_loss", loss)) if v is not None}
    store.apply_node_updates(run_id, [{"node_id": "eval", "status": "completed", "metrics": metrics or None}])
    return run_id


def test_sorting_by_a_metric_is_done_by_the_database_with_missing_values_last(store, make_document):
    low = _run(store, make_document, 0.5)
    high = _run(store, make_document, 0.9)
    none = _run(store, make_document)
    other = _run(store, make_document, 0.99, experiment="other")
    down = store.search_runs(experiment="exp", sort="metric:eval.accuracy")
    assert [r["run_id"] for r in down["runs"]] == [high, low, none] and down["total"] == 3
    up = store.search_runs(experiment="exp", sort="metric:eval.accuracy", order="asc")
    assert [r["run_id"] for r in up["runs"]] == [low, high, none]
    assert down["runs"][0]["metrics"] == {"eval.accuracy": 0.9}
    assert other not in [r["run_id"] for r in down["runs"]]


def test_recording_metrics_again_replaces_the_nodes_rows(store, make_document):
    run_id = _run(store, make_document, 0.5, loss=0.7)
    store.apply_node_updates(run_id, [{"node_id": "eval", "metrics": {"accuracy": 0.6}}])
    assert store.run_metrics(run_id) == {"eval.accuracy": 0.6}


def test_non_finite_metrics_are_kept_as_missing(store, make_document):
    run_id = _run(store, make_document, float("nan"))
    assert store.run_metrics(run_id) == {"eval.accuracy": None}


def test_tag_filters_match_a_key_or_a_key_and_value(store, make_document):
    vision = _run(store, make_document, tags={"team": "vision"})
    tabular = _run(store, make_document, tags={"team": "tabular", "gpu": ""})
    plain = _run(store, make_document)
    assert {r["run_id"] for r in store.search_runs(tag="team")["runs"]} == {vision, tabular}
    assert [r["run_id"] for r in store.search_runs(tag="team:vision")["runs"]] == [vision]
    assert [r["run_id"] for r in store.search_runs(tag="gpu")["runs"]] == [tabular]
    assert plain in {r["run_id"] for r in store.search_runs()["runs"]}


def test_search_matches_display_names_and_experiment_names(store, make_document):
    run_id = _run(store, make_document, experiment="Churn model")
    store.update_run(run_id, display_name="Tuned forest")
    assert [r["run_id"] for r in store.search_runs(search="tuned")["runs"]] == [run_id]
    assert [r["run_id"] for r in store.search_runs(search="churn")["runs"]] == [run_id]
    assert store.search_runs(search="50%")["runs"] == []


def test_experiments_count_runs_and_name_the_newest(store, make_document):
    first = _run(store, make_document, experiment="a")
    second = _run(store, make_document, experiment="a")
    _run(store, make_document, experiment="b")
    experiments = {e["name"]: e for e in store.list_experiments()}
    assert experiments["a"]["runs"] == 2 and experiments["a"]["last_run"]["run_id"] == second
    assert experiments["b"]["runs"] == 1 and first


def test_an_unknown_sort_or_order_is_a_value_error(store):
    with pytest.raises(ValueError):
        store.search_runs(sort="colour")
    with pytest.raises(ValueError):
        store.search_runs(order="up")


def test_updating_an_unknown_run_is_not_found(store):
    with pytest.raises(NotFound):
        store.update_run("0" * 32, display_name="x")


def test_model_versions_are_editable_and_searchable_by_tag(store):
    store.register_model("forest", "a" * 64, tags={"stage": "dev"})
    store.register_model("forest", "b" * 64)
    store.update_model_version("forest", 2, tags={"stage": "prod"}, description="better")
    assert store.get_model("forest", 2)["description"] == "better"
    assert [m["name"] for m in store.search_models(tag="stage:dev")] == ["forest"]
    assert store.search_models(tag="stage:test") == []
    assert store.search_models(search="FOR")[0]["versions"] == 2
    with pytest.raises(NotFound):
        store.update_model_version("forest", 3, tags={})


@pytest.mark.parametrize("in_memory", [1000, 0], ids=["sorted-set", "index-walk"])
def test_pages_of_a_metric_sort_cross_from_measured_runs_to_the_rest_in_order(store, make_document, monkeypatch,
                                                                             in_memory):
    from canvas_store import run_search

    monkeypatch.setattr(run_search, "SORT_IN_MEMORY_RUNS", in_memory)
    measured = [_run(store, make_document, value) for value in (0.2, 0.9, 0.5)]
    unmeasured = [_run(store, make_document) for _ in range(3)]
    expected = [measured[1], measured[2], measured[0], *reversed(unmeasured)]
    pages = [store.search_runs(sort="metric:eval.accuracy", limit=2, offset=o)["runs"] for o in (0, 2, 4)]
    assert [r["run_id"] for page in pages for r in page] == expected
    upward = store.search_runs(sort="metric:eval.accuracy", order="asc", limit=4)["runs"]
    assert [r["run_id"] for r in upward] == [measured[0], measured[2], measured[1], unmeasured[-1]]
