"""Sweeps through the HTTP API: real trials of a real neural network, early termination, the shared cache."""
from __future__ import annotations

import pytest

from graphs import iris_network

BANDIT = {"policy": "bandit", "slack_factor": 0.1, "evaluation_interval": 1, "delay_evaluation": 2}
#: One trial at a time, the good rate first (the grid's order for seed 1): the hopeless trial is judged against
#: a whole curve, so the outcome cannot depend on how two concurrent trials interleave on a busy machine.
GOOD_THEN_HOPELESS = {"search_space": {"learning_rate": "choice(0.05, 0.0000001)"}, "seed": 1,
                      "max_concurrent_trials": 1, "intermediate_metric": "train.val_accuracy",
                      "early_termination": BANDIT}


def _graph(client, document=None) -> str:
    response = client.post("/api/graphs", json=document or iris_network())
    assert response.status_code == 201 or response.status_code == 200, response.json
    return response.json["id"]


def _sweep(client, graph_id, **body):
    request = {"search_space": {"learning_rate": "choice(0.05, 0.02)"}, "sampling": "grid",
               "primary_metric": "eval.accuracy", "goal": "maximize", "max_total_trials": 2,
               "max_concurrent_trials": 2, "seed": 0, **body}
    return client.post(f"/api/graphs/{graph_id}/sweeps", json=request)


def test_bandit_stops_a_hopeless_trial_mid_training_and_the_best_is_kept(client, wait_for_sweep):
    graph_id = _graph(client, iris_network(epochs=40))
    response = _sweep(client, graph_id, **GOOD_THEN_HOPELESS)
    assert response.status_code == 202, response.json
    sweep_id = response.json["sweep_id"]
    view = wait_for_sweep(client, sweep_id)
    assert view["status"] == "completed", view
    assert [t["parameters"]["learning_rate"] for t in sorted(view["trials"], key=lambda t: t["trial"])] == [0.05, 1e-7]
    by_rate = {t["parameters"]["learning_rate"]: t for t in view["trials"]}
    good, hopeless = by_rate[0.05], by_rate[1e-7]
    assert good["status"] == "completed" and good["metric"] > 0.8 and len(good["intermediate"]) == 40
    assert hopeless["status"] == "early_terminated" and hopeless["metric"] is None
    assert 2 <= len(hopeless["intermediate"]) < 40  # stopped mid-training, not before the delay (2)
    assert view["best"] == {"trial": good["trial"], "parameters": {"learning_rate": 0.05},
                            "run_id": good["run_id"], "metric": good["metric"]}
    stopped_run = client.get(f"/api/runs/{hopeless['run_id']}").json
    assert stopped_run["status"] == "cancelled" and stopped_run["trigger"] == f"sweep:{sweep_id}"
    assert stopped_run["nodes"]["train"]["status"] == "cancelled"
    assert client.get(f"/api/runs/{good['run_id']}").json["trigger"] == f"sweep:{sweep_id}"


def test_upstream_nodes_run_once_for_the_whole_sweep(client, wait_for_sweep):
    graph_id = _graph(client, iris_network(epochs=3))
    response = _sweep(client, graph_id, search_space={"learning_rate": "choice(0.05, 0.02, 0.01)"},
                      max_total_trials=3, max_concurrent_trials=3)
    view = wait_for_sweep(client, response.json["sweep_id"])
    assert [t["status"] for t in view["trials"]] == ["completed"] * 3
    runs = [client.get(f"/api/runs/{t['run_id']}").json for t in view["trials"]]
    for shared in ("iris", "split"):
        statuses = sorted(run["nodes"][shared]["status"] for run in runs)
        assert statuses == ["cached", "cached", "completed"], (shared, statuses)
    assert sorted(run["nodes"]["train"]["status"] for run in runs) == ["completed"] * 3


def test_sweeps_are_listed_overall_and_per_graph(client, wait_for_sweep):
    graph_id = _graph(client, iris_network(epochs=2))
    sweep_id = _sweep(client, graph_id).json["sweep_id"]
    wait_for_sweep(client, sweep_id)
    listed = client.get("/api/sweeps").json["sweeps"]
    assert [s["sweep_id"] for s in listed] == [sweep_id]
    assert listed[0]["trial_counts"] == {"completed": 2} and listed[0]["primary_metric"] == "eval.accuracy"
    assert [s["sweep_id"] for s in client.get(f"/api/graphs/{graph_id}/sweeps").json["sweeps"]] == [sweep_id]
    other = _graph(client)
    assert client.get(f"/api/graphs/{other}/sweeps").json["sweeps"] == []


def test_cancelling_a_sweep_cancels_its_running_trials(client, wait_for_sweep):
    graph_id = _graph(client, iris_network(epochs=3000))
    sweep_id = _sweep(client, graph_id, max_total_trials=4, search_space={
        "learning_rate": "uniform(0.01, 0.05)"}, sampling="random",
                      intermediate_metric="train.val_accuracy").json["sweep_id"]
    wait_for_sweep(client, sweep_id, until=lambda v: any(len(t["intermediate"]) > 1 for t in v["trials"]))
    response = client.post(f"/api/sweeps/{sweep_id}/cancel")
    assert response.status_code == 202
    view = wait_for_sweep(client, sweep_id)
    assert view["status"] == "cancelled"
    assert view["trials"] and {t["status"] for t in view["trials"]} == {"cancelled"}
    assert client.post(f"/api/sweeps/{sweep_id}/cancel").status_code == 409


@pytest.mark.parametrize("body, field, words", [
    ({"search_space": {"learning_rate": "exp(1)"}}, "learning_rate", "unknown function"),
    ({"search_space": {"learning_rate": "uniform(0.1, 0.01)"}}, "learning_rate", "lower bound"),
    ({"search_space": {"learning_rate": "uniform(0.01, 0.1)"}, "sampling": "grid"}, "learning_rate",
     "grid sampling needs choice"),
    ({"search_space": {"momentum": "uniform(0, 1)"}, "sampling": "random"}, "momentum", "not a pipeline parameter"),
    ({"primary_metric": "nowhere.accuracy"}, "primary_metric", "not in the graph"),
    ({"primary_metric": "accuracy"}, "primary_metric", "NODE.METRIC"),
    ({"goal": "up"}, "goal", "maximize or minimize"),
    ({"max_total_trials": 0}, "max_total_trials", "between"),
    ({"sampling": "annealing"}, "sampling", "one of"),
    ({"early_termination": {"policy": "bandit"}}, "early_termination.slack_factor", "exactly one"),
    ({"early_termination": {"policy": "truncation_selection", "truncation_percentage": 0}},
     "early_termination.truncation_percentage", "between 1 and 99"),
    ({"surprise": 1}, "surprise", "unknown"),
])
def test_bad_sweep_requests_are_refused_naming_the_field(client, body, field, words):
    graph_id = _graph(client)
    response = _sweep(client, graph_id, **body)
    assert response.status_code == 400, response.json
    error = response.json["error"]
    assert error["code"] == "invalid-sweep" and error["details"]["field"] == field
    assert words in error["message"]
    assert client.get("/api/sweeps").json["sweeps"] == []


def test_a_value_the_graph_refuses_is_an_invalid_graph(client):
    graph_id = _graph(client)
    response = _sweep(client, graph_id, search_space={"learning_rate": "choice('fast', 'slow')"})
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid-graph"


def test_unknown_graph_sweep_and_compute(client):
    assert _sweep(client, "nope").status_code == 404
    assert client.get("/api/sweeps/nope").status_code == 404
    assert client.post("/api/sweeps/nope/cancel").status_code == 404
    assert client.post("/api/sweeps/nope/resume").status_code == 404
    assert client.get("/api/graphs/nope/sweeps").status_code == 404
    response = _sweep(client, _graph(client), compute="moon")
    assert response.status_code == 400 and response.json["error"]["details"]["field"] == "compute"


def test_a_sweep_over_node_parameters_needs_no_pipeline_parameter(client, wait_for_sweep):
    graph_id = _graph(client, iris_network(epochs=2))
    response = _sweep(client, graph_id, search_space={"nn.batch_size": "choice(8, 32)"})
    assert response.status_code == 202, response.json
    view = wait_for_sweep(client, response.json["sweep_id"])
    assert view["status"] == "completed"
    runs = [client.get(f"/api/runs/{t['run_id']}").json for t in view["trials"]]
    sizes = sorted(next(n for n in r["document"]["nodes"] if n["id"] == "nn")["params"]["batch_size"] for r in runs)
    assert sizes == [8, 32]


@pytest.mark.parametrize("kind, settings", [
    ("process", {"workers": 2}),
    pytest.param("dask", {"local_workers": 2}, marks=pytest.mark.slow),
])
def test_early_termination_reaches_a_trial_on_another_compute_target(make_app, wait_for_sweep, kind, settings):
    app = make_app()
    app.extensions["designer"].store.add_compute_target("cluster", kind, settings)
    client = app.test_client()
    # Long enough that the policy's word, relayed from another process, arrives well before training ends.
    graph_id = _graph(client, iris_network(epochs=300))
    response = _sweep(client, graph_id, compute="cluster", **GOOD_THEN_HOPELESS)
    assert response.status_code == 202, response.json
    view = wait_for_sweep(client, response.json["sweep_id"], timeout=240)
    by_rate = {t["parameters"]["learning_rate"]: t for t in view["trials"]}
    assert by_rate[0.05]["status"] == "completed"
    assert by_rate[1e-7]["status"] == "early_terminated" and len(by_rate[1e-7]["intermediate"]) < 300
    run = client.get(f"/api/runs/{by_rate[1e-7]['run_id']}").json
    assert run["nodes"]["train"]["status"] == "cancelled" and run["nodes"]["train"]["compute"] == "cluster"


def test_a_policy_watching_an_evaluation_metric_never_stops_a_finished_trial(client, wait_for_sweep):
    # Without intermediate_metric the policy watches eval.accuracy, which arrives once, as the trial ends.
    graph_id = _graph(client, iris_network(epochs=5))
    view = wait_for_sweep(client, _sweep(client, graph_id, search_space={
        "learning_rate": "choice(0.05, 0.0000001)"}, early_termination=BANDIT, max_concurrent_trials=1).json["sweep_id"])
    assert [t["status"] for t in view["trials"]] == ["completed", "completed"]
    assert all(t["metric"] is not None and len(t["intermediate"]) == 1 for t in view["trials"])
