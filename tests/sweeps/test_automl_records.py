"""AutoML jobs are workspace records: they outlive the server, any Designer on the store lists them, a restart
interrupts a job it was running, and a running job can be cancelled."""
from __future__ import annotations

import pytest

from designer.home import Home
from designer.service import Designer


def _iris_dataset(home, client, name="flowers"):
    from sklearn.datasets import load_iris

    frame = load_iris(as_frame=True).frame.rename(columns={"target": "species"})
    frame.columns = [c.replace(" (cm)", "").replace(" ", "_") for c in frame.columns]
    (Home.resolve(home).datastore / f"{name}.csv").write_text(frame.to_csv(index=False))
    response = client.post("/api/datasets", json={"name": name, "path": f"{name}.csv"})
    assert response.status_code in (200, 201), response.json


def _stored_job(store, graph_document, *, sweep_status="running"):
    """What a server killed while trying its second learner leaves in the store."""
    job = store.create_automl_job(task="classification", label="species", data="iris",
                                  config={"sample": "iris", "trials": 2, "compute": None, "seed": 0},
                                  primary_metric="eval.accuracy",
                                  candidates=[("logistic-regression", {}), ("decision-forest", {}),
                                              ("neural-network", {})])
    sweep_id = store.create_sweep(graph_document, {"search_space": {}, "primary_metric": "eval.accuracy"})
    store.set_sweep_status(sweep_id, sweep_status)
    store.update_automl_candidate(job, 0, status="completed", metric=0.9, parameters={"c": 1.0}, run_id="r" * 32)
    store.update_automl_candidate(job, 1, status="running", sweep_id=sweep_id)
    return job, sweep_id


def test_a_job_and_its_leaderboard_outlive_the_server(make_app, home, wait_for_automl):
    first = make_app().test_client()
    _iris_dataset(home, first)
    started = first.post("/api/automl", json={"dataset": "flowers", "label": "species", "trials": 1})
    assert started.status_code == 202, started.json
    job_id = started.json["automl_id"]
    assert started.headers["Location"].endswith(f"/api/automl/{job_id}")
    view = wait_for_automl(first, job_id)
    assert view["status"] == "completed", view
    assert (view["task"], view["primary_metric"], view["dataset"], view["dataset_version"]) == \
        ("classification", "eval.accuracy", "flowers", 1)
    assert view["created_at"] <= view["finished_at"]
    assert view["best"]["learner"] == view["winner"]["learner"] == view["leaderboard"][0]["learner"]
    # every learner read version 1, pinned when the job started
    sweep = first.application.extensions["designer"].store.get_sweep(view["leaderboard"][0]["sweep_id"])
    reader = next(n for n in sweep["document"]["nodes"] if n["id"] == "data")
    assert "flowers:1" in reader["params"].values()

    again = make_app().test_client()  # a new server on the same home
    assert again.get(f"/api/automl/{job_id}").json == view
    assert [j["automl_id"] for j in again.get("/api/automl").json["jobs"]] == [job_id]
    graph = again.get(f"/api/graphs/{view['winner']['graph_id']}")
    assert graph.status_code == 200 and graph.json["document"]["parameters"] == []


def test_a_second_designer_on_the_store_lists_the_jobs_of_the_first(make_app, home, client):
    job, _ = _stored_job(client.application.extensions["designer"].store,
                         {"format": "designer-graph/1", "name": "g", "nodes": [], "edges": []})
    other = Designer(Home.resolve(home))
    try:
        listed = other.automl.list()
        assert [j["automl_id"] for j in listed] == [job]
        assert listed[0]["best"] == {"learner": "logistic-regression", "metric": 0.9, "parameters": {"c": 1.0},
                                     "run_id": "r" * 32, "sweep_id": None}
        assert listed[0] == client.get(f"/api/automl/{job}").json
    finally:
        other.close()


def test_a_job_left_running_by_a_dead_server_is_interrupted_on_start(make_app):
    from graphs import iris_network

    first = make_app(DESIGNER_RESUME_SWEEPS=False)
    job, sweep_id = _stored_job(first.extensions["designer"].store, iris_network(epochs=1))
    client = make_app().test_client()  # sweeps resume here, but not the one the dead job was in
    view = client.get(f"/api/automl/{job}").json
    assert view["status"] == "interrupted" and "server stopped" in view["error"]
    assert [(r["learner"], r["status"]) for r in view["leaderboard"]] == [
        ("logistic-regression", "completed"), ("decision-forest", "interrupted"), ("neural-network", "interrupted")]
    assert view["best"]["learner"] == "logistic-regression" and view["winner"] is None
    assert client.get(f"/api/sweeps/{sweep_id}").json["status"] == "interrupted"
    assert client.get("/api/automl?status=interrupted").json["jobs"][0]["automl_id"] == job
    # an interrupted job can be cancelled (once)
    assert client.post(f"/api/automl/{job}/cancel").status_code == 202
    assert client.get(f"/api/automl/{job}").json["status"] == "cancelled"
    again = client.post(f"/api/automl/{job}/cancel")
    assert again.status_code == 409 and again.json["error"]["code"] == "automl-not-running"


def test_cancelling_stops_the_learner_being_tried_and_writes_no_winner(client, wait_for_automl):
    graphs_before = len(client.get("/api/graphs").json["graphs"])
    job_id = client.post("/api/automl", json={"sample": "iris", "label": "species", "trials": 4}).json["automl_id"]
    running = wait_for_automl(client, job_id, until=lambda v: any(r["sweep_id"] for r in v["leaderboard"]))
    response = client.post(f"/api/automl/{job_id}/cancel")
    assert response.status_code == 202, (response.json, running)
    view = wait_for_automl(client, job_id)
    assert view["status"] == "cancelled" and view["winner"] is None and view["finished_at"]
    assert not {r["status"] for r in view["leaderboard"]} & {"queued", "running"}
    swept = [r for r in view["leaderboard"] if r["sweep_id"]]
    assert len(swept) < len(view["leaderboard"])  # the later learners were never started
    assert all(client.get(f"/api/sweeps/{r['sweep_id']}").json["status"] in ("cancelled", "completed")
               for r in swept)
    assert len(client.get("/api/graphs").json["graphs"]) == graphs_before


@pytest.mark.parametrize("path, status, code", [
    ("/api/automl/nope/cancel", 404, "not-found"),
    ("/api/automl?status=sleeping", 400, "invalid-query"),
    ("/api/automl?limit=0", 400, "invalid-query"),
    ("/api/automl/nope", 404, "not-found"),
])
def test_bad_automl_reads_and_cancels_are_refused(client, path, status, code):
    response = client.post(path) if path.endswith("/cancel") else client.get(path)
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code


def test_cancelling_a_finished_job_or_with_a_bad_body_is_refused(client):
    store = client.application.extensions["designer"].store
    job, _ = _stored_job(store, {"format": "designer-graph/1", "name": "g", "nodes": [], "edges": []})
    store.finish_automl_job(job, "completed")
    finished = client.post(f"/api/automl/{job}/cancel")
    assert finished.status_code == 409 and finished.json["error"]["details"]["status"] == "completed"
    bad = client.post(f"/api/automl/{job}/cancel", data="{not json", content_type="application/json")
    assert bad.status_code == 400


@pytest.mark.parametrize("body, status, field", [
    ([], 400, None),
    ({"sample": "iris", "label": "species", "trials": "three"}, 400, None),
    ({"sample": "iris", "label": "species", "compute": "gpu-farm"}, 400, "compute"),
    ({"graph_id": "nope", "node": "data", "label": "species"}, 404, None),
    ({"dataset": "flowers:9", "label": "species"}, 400, "dataset"),
])
def test_bad_automl_requests_say_what_is_wrong(client, home, body, status, field):
    _iris_dataset(home, client)
    response = client.post("/api/automl", json=body)
    assert response.status_code == status, response.json
    if field:
        assert response.json["error"]["details"]["field"] == field


def test_a_node_the_graph_lacks_is_refused(client):
    graph_id = client.post("/api/graphs", json={"format": "designer-graph/1", "name": "g", "nodes": [
        {"id": "data", "component": "sample-dataset", "params": {"name": "iris"}}], "edges": []}).json["id"]
    response = client.post("/api/automl", json={"graph_id": graph_id, "node": "ghost", "label": "species"})
    assert response.status_code == 400 and response.json["error"]["details"]["field"] == "node"


def test_a_server_stopped_mid_job_leaves_it_for_the_next_start_to_interrupt(make_app, home, tmp_path,
                                                                            wait_for_automl):
    from designer.server import close_app, create_app

    first = create_app(home=home, config={"STATIC_DIST": str(tmp_path / "no-dist")})
    client = first.test_client()
    job_id = client.post("/api/automl", json={"sample": "iris", "label": "species", "trials": 6}).json["automl_id"]
    wait_for_automl(client, job_id, until=lambda v: any(r["sweep_id"] for r in v["leaderboard"]))
    close_app(first)  # the server stops while the first learner's sweep runs

    again = make_app().test_client()
    view = again.get(f"/api/automl/{job_id}").json
    assert view["status"] == "interrupted", view
    swept = [r for r in view["leaderboard"] if r["sweep_id"]]
    assert swept and all(r["status"] in ("interrupted", "completed", "failed") for r in view["leaderboard"])
    assert view["leaderboard"][-1]["status"] == "interrupted" and view["winner"] is None
    for row in swept:
        sweep = again.get(f"/api/sweeps/{row['sweep_id']}").json
        if row["status"] == "interrupted":  # the sweep it was in does not carry on by itself for nobody
            assert sweep["status"] == "interrupted", (row, sweep)
        else:  # or it finished as the server stopped: its outcome is on the leaderboard
            assert (row["status"], row["metric"]) == (sweep["status"], sweep["best"]["metric"]), (row, sweep)


def test_a_sweep_that_finished_as_the_server_stopped_puts_its_learner_on_the_leaderboard(make_app):
    from graphs import iris_network

    first = make_app(DESIGNER_RESUME_SWEEPS=False)
    store = first.extensions["designer"].store
    job, sweep_id = _stored_job(store, iris_network(epochs=1), sweep_status="completed")
    store.add_trial(sweep_id, 0, {"n_estimators": 20}, status="running")
    store.update_trial(sweep_id, 0, status="completed", metric=0.97, run_id="f" * 32)
    view = make_app().test_client().get(f"/api/automl/{job}").json
    assert view["status"] == "interrupted"
    assert [(r["learner"], r["status"], r["metric"]) for r in view["leaderboard"]] == [
        ("decision-forest", "completed", 0.97), ("logistic-regression", "completed", 0.9),
        ("neural-network", "interrupted", None)]
    assert view["best"] == {"learner": "decision-forest", "metric": 0.97, "parameters": {"n_estimators": 20},
                            "run_id": "f" * 32, "sweep_id": sweep_id}
