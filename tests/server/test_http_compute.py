"""/api/compute: list, add (kind checked against the registry) and remove compute targets."""
from __future__ import annotations

import pytest

from designer.compute.kinds import target_kinds


def test_local_is_always_listed_as_ready_with_its_devices(app_client):
    body = app_client.get("/api/compute").json
    assert body["targets"] == [{"name": "local", "kind": "local", "settings": {}, "status": "ready",
                                "devices": body["targets"][0]["devices"]}]
    assert "cpu" in body["targets"][0]["devices"]
    assert set(body["kinds"]) == set(target_kinds()) >= {"local", "process", "dask"}
    process_settings = {s["name"]: s for s in body["kind_settings"]["process"]}
    assert process_settings["workers"] == {"name": "workers", "type": "int", "min": 1, "flag": "--process",
                                           "description": process_settings["workers"]["description"]}


def test_an_added_target_is_listed_usable_by_runs_and_removable(app_client, finished_run, iris):
    response = app_client.post("/api/compute", json={"name": "two-threads", "kind": "local",
                                                     "settings": {"workers": 2}})
    assert response.status_code == 201
    assert response.json["name"] == "two-threads" and response.json["settings"] == {"workers": 2}
    names = [t["name"] for t in app_client.get("/api/compute").json["targets"]]
    assert names == ["local", "two-threads"]
    _, run = finished_run(iris, compute="two-threads")
    assert run["status"] == "completed" and run["compute"] == "two-threads"
    assert {n["compute"] for n in run["nodes"].values()} == {"two-threads"}
    listed = {t["name"]: t for t in app_client.get("/api/compute").json["targets"]}
    assert listed["two-threads"]["devices"] == ["cpu"]
    assert app_client.delete("/api/compute/two-threads").status_code == 204
    assert [t["name"] for t in app_client.get("/api/compute").json["targets"]] == ["local"]
    assert app_client.delete("/api/compute/two-threads").status_code == 404


@pytest.mark.parametrize("body,status,code", [
    ({"name": "x", "kind": "quantum"}, 400, "unknown-kind"),
    ({"name": "x"}, 400, "missing-field"),
    ({"kind": "local"}, 400, "missing-field"),
    ({"name": 5, "kind": "local"}, 400, "invalid-field"),
    ({"name": "has space", "kind": "local"}, 400, "invalid-field"),
    ({"name": "x", "kind": "local", "settings": []}, 400, "invalid-field"),
    ({"name": "x", "kind": "local", "settings": {"workers": 0}}, 400, "invalid-field"),
    ({"name": "x", "kind": "local", "settings": {"workers": True}}, 400, "invalid-field"),
    ({"name": "x", "kind": "process", "settings": {"wokers": 2}}, 400, "invalid-field"),
    ({"name": "x", "kind": "dask", "settings": {"address": 8786}}, 400, "invalid-field"),
    ({"name": "x", "kind": "dask", "settings": {"connect_timeout": -1}}, 400, "invalid-field"),
    ({"name": "local", "kind": "local"}, 409, "conflict"),
])
def test_bad_targets_are_refused(app_client, body, status, code):
    response = app_client.post("/api/compute", json=body)
    assert response.status_code == status
    assert response.json["error"]["code"] == code


def test_a_duplicate_name_is_a_409(app_client):
    body = {"name": "pool", "kind": "local", "settings": {}}
    assert app_client.post("/api/compute", json=body).status_code == 201
    assert app_client.post("/api/compute", json=body).status_code == 409


def test_the_built_in_local_target_cannot_be_removed(app_client):
    response = app_client.delete("/api/compute/local")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "built-in"


def test_adding_a_target_needs_json(app_client):
    assert app_client.post("/api/compute", data="name=x", content_type="application/x-www-form-urlencoded") \
        .status_code == 415
    assert app_client.post("/api/compute", data="{", content_type="application/json").json["error"]["code"] \
        == "invalid-json"
