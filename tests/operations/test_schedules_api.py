"""Schedules over HTTP with a fake clock: create, fire with trigger schedule:<id>, pause, resume, restart, refusals."""
from __future__ import annotations

import pytest

from designer.server.operations import scheduler_for
from operations_support import wait_for_run

EVERY_MINUTE = {"every": {"interval": 1, "unit": "minutes"}}


def create(client, **body):
    return client.post("/api/schedules", json=body)


def fire(app, clock, seconds: float) -> list[dict]:
    clock.advance(seconds)
    return scheduler_for(app).tick()


def test_a_schedule_on_a_published_pipeline_answers_its_id_and_next_run(client, published, clock):
    response = create(client, pipeline_id=published["pipeline_id"], cron="0 6 * * 1-5", timezone="Europe/Paris",
                      parameters={"test_fraction": 0.4}, name="weekday mornings")
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] and body["next_run"] == "2026-03-03T05:00:00+00:00"
    assert (body["cron"], body["timezone"], body["enabled"], body["last_run"]) == \
        ("0 6 * * 1-5", "Europe/Paris", True, None)
    listed = client.get("/api/schedules").get_json()["schedules"]
    assert [s["id"] for s in listed] == [body["id"]]
    assert client.get(f"/api/schedules/{body['id']}").get_json()["name"] == "weekday mornings"


def test_a_due_schedule_starts_one_run_with_its_parameters_and_trigger(app, client, published, clock):
    schedule = create(client, pipeline_id=published["pipeline_id"], parameters={"test_fraction": 0.4},
                      **EVERY_MINUTE).get_json()
    assert fire(app, clock, 30) == []
    started = fire(app, clock, 31)
    assert len(started) == 1 and started[0]["schedule_id"] == schedule["id"]
    run = wait_for_run(client, started[0]["run_id"])
    assert run["status"] == "completed"
    assert run["trigger"] == f"schedule:{schedule['id']}"
    assert (run["pipeline_id"], run["pipeline_version"], run["parameters"]["test_fraction"]) == \
        (published["pipeline_id"], 1, 0.4)
    detail = client.get(f"/api/schedules/{schedule['id']}").get_json()
    assert detail["last_run"] == "2026-03-02T08:01:00+00:00"
    assert detail["next_run"] == "2026-03-02T08:02:00+00:00"
    assert detail["recent_runs"] == [run["run_id"]]
    assert detail["recent_firings"][0]["status"] == "completed"
    assert detail["last_run_status"] == "completed"
    assert fire(app, clock, 1) == []  # the same fire time never runs twice


def test_a_graph_schedule_runs_the_graphs_newest_revision(app, client, iris_graph, clock):
    schedule = create(client, graph_id=iris_graph, **EVERY_MINUTE).get_json()
    started = fire(app, clock, 60)
    run = wait_for_run(client, started[0]["run_id"])
    assert (run["graph_id"], run["trigger"], run["status"]) == (iris_graph, f"schedule:{schedule['id']}", "completed")


def test_a_paused_schedule_does_not_fire_and_resuming_does_not_replay_what_it_missed(app, client, published, clock):
    schedule = create(client, pipeline_id=published["pipeline_id"], **EVERY_MINUTE).get_json()
    paused = client.patch(f"/api/schedules/{schedule['id']}", json={"enabled": False}).get_json()
    assert (paused["enabled"], paused["next_run"]) == (False, None)
    assert fire(app, clock, 600) == []
    resumed = client.patch(f"/api/schedules/{schedule['id']}", json={"enabled": True}).get_json()
    assert resumed["next_run"] == "2026-03-02T08:11:00+00:00"
    assert fire(app, clock, 59) == []
    assert len(fire(app, clock, 1)) == 1


def test_editing_the_recurrence_moves_the_next_run(client, published):
    schedule = create(client, pipeline_id=published["pipeline_id"], **EVERY_MINUTE).get_json()
    edited = client.patch(f"/api/schedules/{schedule['id']}", json={"cron": "30 9 * * *", "timezone": "UTC"})
    assert edited.status_code == 200
    assert (edited.get_json()["cron"], edited.get_json()["every"]) == ("30 9 * * *", None)
    assert edited.get_json()["next_run"] == "2026-03-02T09:30:00+00:00"


def test_deleting_a_schedule_removes_it(client, published):
    schedule = create(client, pipeline_id=published["pipeline_id"], **EVERY_MINUTE).get_json()
    assert client.delete(f"/api/schedules/{schedule['id']}").status_code == 204
    assert client.get(f"/api/schedules/{schedule['id']}").status_code == 404
    assert client.delete(f"/api/schedules/{schedule['id']}").status_code == 404


def test_schedules_survive_a_restart_and_missed_runs_run_once(make_app, tmp_path, clock, published, client):
    schedule = create(client, pipeline_id=published["pipeline_id"],
                      every={"interval": 10, "unit": "seconds"}).get_json()
    # The server is down for 95 seconds: nine fire times pass.
    clock.advance(95)
    again = make_app(tmp_path / "home")
    started = scheduler_for(again).tick()
    assert len(started) == 1 and started[0]["missed"] == 8
    assert started[0]["fire_time"].isoformat() == "2026-03-02T08:01:30+00:00"
    assert scheduler_for(again).tick() == []
    detail = again.test_client().get(f"/api/schedules/{schedule['id']}").get_json()
    assert detail["next_run"] == "2026-03-02T08:01:40+00:00" and len(detail["recent_firings"]) == 1
    wait_for_run(again.test_client(), started[0]["run_id"])


def test_a_schedule_whose_pipeline_is_disabled_is_paused_with_the_reason(app, client, published, clock):
    schedule = create(client, pipeline_id=published["pipeline_id"], **EVERY_MINUTE).get_json()
    client.post(f"/api/pipelines/{published['pipeline_id']}/disable")
    started = fire(app, clock, 60)
    assert "disabled" in started[0]["error"]
    detail = client.get(f"/api/schedules/{schedule['id']}").get_json()
    assert detail["enabled"] is False and "disabled" in detail["paused_reason"]
    assert detail["recent_firings"][0]["status"] == "failed" and detail["recent_runs"] == []
    assert fire(app, clock, 600) == []  # not retried forever


def test_a_schedule_whose_graph_was_deleted_is_paused_with_the_reason(app, client, iris_graph, clock):
    schedule = create(client, graph_id=iris_graph, **EVERY_MINUTE).get_json()
    assert client.delete(f"/api/graphs/{iris_graph}").status_code == 204
    fire(app, clock, 60)
    detail = client.get(f"/api/schedules/{schedule['id']}").get_json()
    assert detail["enabled"] is False and "deleted" in detail["paused_reason"]


PIPELINE = object()  # stands for the published pipeline's id


@pytest.mark.parametrize("body, field", [
    ({"pipeline_id": "nope", **EVERY_MINUTE}, "pipeline_id"),
    ({"graph_id": "nope", **EVERY_MINUTE}, "graph_id"),
    ({**EVERY_MINUTE}, "pipeline_id"),
    ({"pipeline_id": PIPELINE, "cron": "61 * * * *"}, "cron"),
    ({"pipeline_id": PIPELINE, "cron": "0 6 * * *", "timezone": "Atlantis/Capital"}, "timezone"),
    ({"pipeline_id": PIPELINE, "every": {"interval": 0, "unit": "hours"}}, "every.interval"),
    ({"pipeline_id": PIPELINE, "every": {"interval": -1, "unit": "hours"}}, "every.interval"),
    ({"pipeline_id": PIPELINE, "every": {"interval": 1, "unit": "years"}}, "every.unit"),
    ({"pipeline_id": PIPELINE, "version": 9, **EVERY_MINUTE}, "version"),
    ({"pipeline_id": PIPELINE, "parameters": [1], **EVERY_MINUTE}, "parameters"),
    ({"pipeline_id": PIPELINE, "enabled": "yes", **EVERY_MINUTE}, "enabled"),
    ({"pipeline_id": PIPELINE, "colour": "red", **EVERY_MINUTE}, "colour"),
])
def test_bad_schedules_are_refused_naming_the_field(client, published, body, field):
    body = {k: published["pipeline_id"] if v is PIPELINE else v for k, v in body.items()}
    response = create(client, **body)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["details"]["field"] == field


def test_a_version_of_a_graph_schedule_is_refused(client, iris_graph):
    response = create(client, graph_id=iris_graph, version=1, **EVERY_MINUTE)
    assert response.status_code == 400 and response.get_json()["error"]["details"]["field"] == "version"


def test_bad_changes_are_refused_and_unknown_schedules_are_404(client, published):
    schedule = create(client, pipeline_id=published["pipeline_id"], **EVERY_MINUTE).get_json()
    response = client.patch(f"/api/schedules/{schedule['id']}", json={"every": {"interval": 0}})
    assert response.status_code == 400 and response.get_json()["error"]["details"]["field"] == "every.interval"
    response = client.patch(f"/api/schedules/{schedule['id']}", json={"pipeline_id": "other"})
    assert response.status_code == 400
    assert client.patch("/api/schedules/nope", json={"enabled": False}).status_code == 404
    assert client.get("/api/schedules/nope").status_code == 404
    assert client.post("/api/schedules", data="[1]", content_type="application/json").status_code == 400
