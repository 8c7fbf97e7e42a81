"""Retrain → redeploy: a run's promotion rule swaps its model into an endpoint only when its metric is better."""
from __future__ import annotations

import time

import pytest

from operations_support import bearer, iris_document, train_and_deploy, wait_for_run
from test_endpoint_monitoring import ROWS


def rule(endpoint="iris-prod", **changes):
    return {"model_name": "iris-classifier", "node": "train", "metric": "eval.accuracy", "goal": "maximize",
            "endpoint": endpoint, **changes}


@pytest.fixture
def weak_endpoint(client):
    """An endpoint serving a heavily regularised (so poor) iris model."""
    return train_and_deploy(client, "iris-prod", C=1e-6)


def run_with_rule(client, document, promote):
    graph_id = client.post("/api/graphs", json=document).get_json()["id"]
    response = client.post(f"/api/graphs/{graph_id}/runs", json={"promote": promote})
    assert response.status_code == 202, response.get_json()
    run = wait_for_run(client, response.get_json()["run_id"])
    assert run["status"] == "completed"
    return run


def decided(client, endpoint: str, run_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for promotion in client.get(f"/api/endpoints/{endpoint}/promotions").get_json()["promotions"]:
            if promotion["run_id"] == run_id and promotion["status"] != "pending":
                return promotion
        time.sleep(0.1)
    raise AssertionError("the promotion was never decided")


def test_a_better_retrained_model_is_registered_and_swapped_in_keeping_url_and_key(client, weak_endpoint):
    before = client.get("/api/endpoints/iris-prod").get_json()
    run = run_with_rule(client, iris_document(), rule())
    promotion = decided(client, "iris-prod", run["run_id"])
    assert promotion["status"] == "promoted", promotion
    assert promotion["new_value"] > promotion["old_value"]
    assert promotion["old_value"] == weak_endpoint["run"]["nodes"]["eval"]["metrics"]["accuracy"]
    model = client.application.extensions["designer"].store.get_model("iris-classifier")
    assert (model["version"], model["run_id"]) == (promotion["model_version"], run["run_id"])
    after = client.get("/api/endpoints/iris-prod").get_json()
    assert after["url"] == before["url"] and after["graph_id"] == promotion["graph_id"] != before["graph_id"]
    scored = client.post("/endpoints/iris-prod/score", json={"data": ROWS}, headers=bearer(weak_endpoint["key"]))
    assert scored.status_code == 200
    assert [p["label"] for p in scored.get_json()["predictions"]] == ["setosa", "virginica"]


def test_a_model_that_is_not_better_is_registered_but_not_served(client):
    served = train_and_deploy(client, "iris-prod")
    run = run_with_rule(client, iris_document(C=1e-6), rule())
    promotion = decided(client, "iris-prod", run["run_id"])
    assert promotion["status"] == "kept" and promotion["new_value"] < promotion["old_value"]
    assert promotion["model_version"] == 1
    assert client.get("/api/endpoints/iris-prod").get_json()["graph_id"] != promotion["graph_id"]
    assert client.get("/api/endpoints/iris-prod").get_json()["revision"] == 1
    source = client.application.extensions["designer"].store.get_endpoint("iris-prod")["document"]
    assert source["metadata"]["inference"]["source_run_id"] == served["run_id"]


@pytest.mark.parametrize("changes, field", [
    ({"metric": "eval.happiness"}, "promote.metric"),
    ({"metric": "split.accuracy"}, "promote.metric"),
    ({"metric": "accuracy"}, "promote.metric"),
    ({"node": "nowhere"}, "promote.node"),
    ({"node": "split"}, "promote.node"),
    ({"endpoint": "no-such-endpoint"}, "promote.endpoint"),
    ({"goal": "sideways"}, "promote.goal"),
    ({"model_name": ""}, "promote.model_name"),
    ({"colour": "red"}, "promote.colour"),
])
def test_a_rule_the_graph_cannot_satisfy_is_refused_when_saved(client, weak_endpoint, published, changes, field):
    graph_id = client.post("/api/graphs", json=iris_document()).get_json()["id"]
    response = client.post(f"/api/graphs/{graph_id}/runs", json={"promote": rule(**changes)})
    assert response.status_code == 400 and response.get_json()["error"]["details"]["field"] == field
    response = client.post("/api/schedules", json={"pipeline_id": published["pipeline_id"], "cron": "0 6 * * *",
                                                   "promote": rule(**changes)})
    assert response.status_code == 400 and response.get_json()["error"]["details"]["field"] == field


def test_a_schedule_carries_its_rule_to_the_runs_it_starts(app, client, weak_endpoint, published, clock):
    from designer.server.operations import scheduler_for

    schedule = client.post("/api/schedules", json={"pipeline_id": published["pipeline_id"],
                                                   "every": {"interval": 1, "unit": "hours"},
                                                   "promote": rule()}).get_json()
    assert schedule["promote"]["metric"] == "eval.accuracy"
    clock.advance(3600)
    started = scheduler_for(app).tick()
    wait_for_run(client, started[0]["run_id"])
    assert decided(client, "iris-prod", started[0]["run_id"])["status"] == "promoted"
