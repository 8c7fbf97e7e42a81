"""Automated ML: every catalogue learner for the task is swept on one split; the winner is a graph that runs."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import components
from designer.automl import learners_for


def test_learners_are_found_from_the_catalogue_by_task():
    catalogue = components.catalogue()
    classifiers = {c for c, _ in learners_for("classification", catalogue)}
    regressors = {c for c, _ in learners_for("regression", catalogue)}
    assert {"logistic-regression", "decision-forest", "neural-network"} <= classifiers
    assert "linear-regression" not in classifiers and "k-means" not in classifiers
    assert {"linear-regression", "boosted-decision-tree"} <= regressors and "logistic-regression" not in regressors
    assert not {"resnet", "mobilenet-v2"} & (classifiers | regressors)  # image models are not tabular learners


def test_automl_ranks_learners_and_writes_a_winner_graph_that_runs(client, wait_for_automl):
    response = client.post("/api/automl", json={"sample": "iris", "label": "species", "trials": 2})
    assert response.status_code == 202, response.json
    view = wait_for_automl(client, response.json["automl_id"])
    assert view["status"] == "completed" and view["task"] == "classification"
    board = view["leaderboard"]
    # A learner that cannot fit this task (the two-class SVM on three species) is ranked as failed, not hidden.
    completed = [row for row in board if row["status"] == "completed"]
    assert len(completed) >= 4
    assert all(row["status"] == "failed" and row["metric"] is None for row in board if row not in completed)
    # ... and says why in the failing node's words, with the run that shows it
    assert all("two-class" in row["error"] and row["run_id"] for row in board if row not in completed)
    metrics = [row["metric"] for row in completed]
    assert metrics == sorted(metrics, reverse=True) and board[:len(completed)] == completed
    winner = view["winner"]
    assert winner["learner"] == board[0]["learner"] and winner["metric"] == board[0]["metric"]
    # every learner's sweep split the same rows: the split ran once, then came from the cache
    split_runs = []
    for row in board:
        sweep = client.get(f"/api/sweeps/{row['sweep_id']}").json
        split_runs += [client.get(f"/api/runs/{t['run_id']}").json["nodes"]["split"]["status"]
                       for t in sweep["trials"]]
    assert split_runs.count("completed") <= 1 and split_runs.count("cached") == len(split_runs) - split_runs.count("completed")
    graph = client.get(f"/api/graphs/{winner['graph_id']}").json
    learner = next(n for n in graph["document"]["nodes"] if n["id"] == "learner")
    assert learner["component"] == winner["learner"] and graph["document"]["parameters"] == []
    assert all(not isinstance(v, dict) for v in learner["params"].values())
    assert client.post(f"/api/graphs/{winner['graph_id']}/validate").json["valid"]
    run_id = client.post(f"/api/graphs/{winner['graph_id']}/runs", json={}).json["run_id"]
    deadline = time.monotonic() + 60
    while (run := client.get(f"/api/runs/{run_id}").json)["status"] not in ("completed", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert run["status"] == "completed"
    assert run["nodes"]["eval"]["metrics"]["accuracy"] == pytest.approx(winner["metric"])


@pytest.mark.parametrize("body, field", [
    ({"sample": "iris"}, "label"),
    ({"sample": "iris", "label": "colour"}, "label"),
    ({"sample": "iris", "label": "species", "task": "ranking"}, "task"),
    ({"label": "species"}, "dataset"),
    ({"dataset": "no-such-dataset", "label": "species"}, "dataset"),
    ({"sample": "iris", "label": "species", "trials": 0}, "trials"),
])
def test_bad_automl_requests_are_refused(client, body, field):
    response = client.post("/api/automl", json=body)
    assert response.status_code == 400, response.json
    assert response.json["error"]["details"]["field"] == field


def test_unknown_automl_job_is_404(client):
    assert client.get("/api/automl/nope").status_code == 404


def test_cli_automl_guesses_regression_and_prints_the_leaderboard(tmp_path, make_app, home):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([str(Path(sys.executable).with_name("designer")), "automl", "--sample", "diabetes",
                           "--label", "progression", "--trials", "1", "--json", "--home", str(home)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    view = json.loads(done.stdout)
    assert view["task"] == "regression" and view["metric"] == "eval.r2"
    assert {row["learner"] for row in view["leaderboard"]} >= {"linear-regression", "decision-forest"}
    assert view["winner"]["graph_id"]
    # the job the CLI ran is a workspace record: a server on the same home lists it, leaderboard and all
    listed = make_app().test_client().get("/api/automl").json["jobs"]
    assert [job["automl_id"] for job in listed] == [view["automl_id"]]
    assert listed[0]["leaderboard"] == view["leaderboard"] and listed[0]["winner"] == view["winner"]


def test_cli_automl_ctrl_c_cancels_the_job(home):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([str(Path(sys.executable).with_name("designer")), "automl", "--sample", "iris",
                                "--label", "species", "--trials", "6", "--home", str(home)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        seen = []
        for line in process.stdout:  # the job has started: its learners are being tried
            seen.append(line)
            if "trying" in line:
                break
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1, (seen, out, err)
    assert any(line.startswith("automl") and "  cancelled  " in line for line in out.splitlines()), out
    from canvas_store.repository import Store

    with Store.for_home(home) as store:
        job = store.list_automl_jobs()[0]
    assert job["status"] == "cancelled" and job["winner_graph_id"] is None
    assert not {c["status"] for c in job["candidates"]} & {"queued", "running"}
