"""A sweep survives a server restart: finished trials are kept, half-done ones are tried again, it continues."""
from __future__ import annotations

from sqlalchemy import update

from canvas_store.sweep_models import Sweep
from graphs import iris_network

SPACE = {"learning_rate": "choice(0.05, 0.02, 0.01)"}


def _interrupted_sweep(make_app, wait_for_sweep):
    """A sweep whose server stopped after trial 0 finished and while trial 1 was running."""
    first = make_app()
    client = first.test_client()
    graph_id = client.post("/api/graphs", json=iris_network(epochs=3)).json["id"]
    sweep_id = client.post(f"/api/graphs/{graph_id}/sweeps", json={
        "search_space": SPACE, "sampling": "grid", "primary_metric": "eval.accuracy",
        "max_total_trials": 1, "max_concurrent_trials": 1, "seed": 0}).json["sweep_id"]
    finished = wait_for_sweep(client, sweep_id)["trials"]
    store = first.extensions["designer"].store
    with store._db.write() as session:  # what a crash mid-sweep leaves behind
        config = {**store.get_sweep(sweep_id)["config"], "max_total_trials": 3}
        session.execute(update(Sweep).where(Sweep.id == sweep_id).values(status="running", config=config))
    store.add_trial(sweep_id, 1, {"learning_rate": 0.02}, status="running")
    return sweep_id, finished


def test_an_interrupted_sweep_keeps_its_trials_and_resumes_on_request(make_app, wait_for_sweep):
    sweep_id, finished = _interrupted_sweep(make_app, wait_for_sweep)
    client = make_app(DESIGNER_RESUME_SWEEPS=False).test_client()
    view = client.get(f"/api/sweeps/{sweep_id}").json
    assert view["status"] == "interrupted"
    assert view["trials"][0]["run_id"] == finished[0]["run_id"] and view["trials"][0]["status"] == "completed"
    response = client.post(f"/api/sweeps/{sweep_id}/resume")
    assert response.status_code == 202, response.json
    view = wait_for_sweep(client, sweep_id)
    assert view["status"] == "completed"
    assert [t["status"] for t in view["trials"]] == ["completed"] * 3
    assert view["trials"][0]["run_id"] == finished[0]["run_id"]  # kept, not run again
    assert sorted(t["parameters"]["learning_rate"] for t in view["trials"]) == [0.01, 0.02, 0.05]
    assert client.post(f"/api/sweeps/{sweep_id}/resume").status_code == 409


def test_a_restarted_server_continues_a_sweep_by_itself(make_app, wait_for_sweep):
    sweep_id, finished = _interrupted_sweep(make_app, wait_for_sweep)
    client = make_app().test_client()
    view = wait_for_sweep(client, sweep_id)
    assert view["status"] == "completed" and len(view["trials"]) == 3
    assert view["trials"][0]["run_id"] == finished[0]["run_id"]
