"""/api/graphs: save drafts as revisions, optimistic concurrency, clone, export/import, validation."""
from __future__ import annotations

import copy
import json

import pytest


def test_a_saved_graph_reads_back_with_its_document_keys_at_top_level(app_client, iris):
    created = app_client.post("/api/graphs", json=iris)
    assert created.status_code == 201
    assert set(created.json) == {"id", "revision"} and created.json["revision"] == 1
    assert created.headers["Location"].endswith(f"/api/graphs/{created.json['id']}")
    got = app_client.get(f"/api/graphs/{created.json['id']}").json
    assert got["document"] == iris
    assert got["name"] == iris["name"] and got["nodes"] == iris["nodes"] and got["edges"] == iris["edges"]
    assert got["id"] == created.json["id"] and got["revision"] == 1 and got["updated_at"]


def test_the_graph_list_shows_name_revision_and_last_run(app_client, saved_graph, iris):
    graph_id = saved_graph(iris)
    graphs = app_client.get("/api/graphs").json["graphs"]
    assert [(g["id"], g["name"], g["revision"], g["last_run"]) for g in graphs] == \
        [(graph_id, iris["name"], 1, None)]


def test_a_document_outside_the_schema_is_refused_with_every_schema_message(app_client, iris):
    bad = copy.deepcopy(iris)
    bad["format"] = "something-else"
    bad["nodes"][0]["colour"] = "red"
    response = app_client.post("/api/graphs", json=bad)
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "invalid-document"
    paths = {e["path"] for e in error["details"]["errors"]}
    assert paths == {"format", "nodes/0"}
    assert {e["node"] for e in error["details"]["errors"]} == {None, "iris"}
    assert app_client.get("/api/graphs").json["graphs"] == []


@pytest.mark.parametrize("body", [[], "graph", 3, None])
def test_a_body_that_is_not_an_object_is_not_a_document(app_client, body):
    response = app_client.post("/api/graphs", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid-document"


def test_semantically_broken_drafts_are_still_saved(app_client, iris):
    draft = copy.deepcopy(iris)
    draft["nodes"].append({"id": "lonely", "component": "no-such-component", "params": {}})
    draft["edges"] = draft["edges"][1:]
    response = app_client.post("/api/graphs", json=draft)
    assert response.status_code == 201
    validation = app_client.post(f"/api/graphs/{response.json['id']}/validate").json
    assert validation["valid"] is False
    codes = {(e["node"], e["port"], e["code"]) for e in validation["errors"]}
    assert ("lonely", None, "unknown-component") in codes
    assert ("split", "dataset", "missing-input") in codes
    assert all(set(e) == {"node", "port", "code", "message"} for e in validation["errors"])


def test_put_with_revision_and_document_saves_a_new_revision(app_client, saved_graph, iris):
    graph_id = saved_graph(iris)
    edited = {**iris, "name": "Renamed"}
    response = app_client.put(f"/api/graphs/{graph_id}", json={"revision": 1, "document": edited})
    assert response.status_code == 200
    assert response.json["id"] == graph_id and response.json["revision"] == 2
    got = app_client.get(f"/api/graphs/{graph_id}").json
    assert got["name"] == "Renamed" and got["revision"] == 2
    older = app_client.get(f"/api/graphs/{graph_id}?revision=1").json
    assert older["name"] == iris["name"] and older["revision"] == 1
    revisions = app_client.get(f"/api/graphs/{graph_id}/revisions").json["revisions"]
    assert [(r["revision"], r["name"]) for r in revisions] == [(2, "Renamed"), (1, iris["name"])]


def test_put_accepts_the_get_response_echoed_back_with_its_keys_at_top_level(app_client, saved_graph, iris):
    graph_id = saved_graph(iris)
    echoed = app_client.get(f"/api/graphs/{graph_id}").json
    echoed.pop("document")
    echoed["description"] = "edited in place"
    response = app_client.put(f"/api/graphs/{graph_id}", json=echoed)
    assert response.status_code == 200, response.json
    assert app_client.get(f"/api/graphs/{graph_id}").json["document"]["description"] == "edited in place"


def test_put_on_a_stale_revision_is_a_409_naming_the_current_revision(app_client, saved_graph, iris):
    graph_id = saved_graph(iris)
    assert app_client.put(f"/api/graphs/{graph_id}", json={"revision": 1, "document": iris}).status_code == 200
    stale = app_client.put(f"/api/graphs/{graph_id}", json={"revision": 1, "document": {**iris, "name": "lost?"}})
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "stale-revision"
    assert stale.json["error"]["details"]["current_revision"] == 2
    assert app_client.get(f"/api/graphs/{graph_id}").json["name"] == iris["name"]


@pytest.mark.parametrize("body,code", [
    ({"document": "placeholder"}, "missing-revision"),
    ({"revision": "1", "document": "placeholder"}, "invalid-field"),
    ({"revision": True, "document": "placeholder"}, "invalid-field"),
    ({"revision": 1, "document": {"format": "designer-graph/1"}}, "invalid-document"),
    ({"revision": 1, "document": []}, "invalid-document"),
])
def test_put_without_a_usable_revision_or_document_is_a_400(app_client, saved_graph, iris, body, code):
    graph_id = saved_graph(iris)
    if body.get("document") == "placeholder":
        body["document"] = iris
    response = app_client.put(f"/api/graphs/{graph_id}", json=body)
    assert response.status_code == 400
    assert response.json["error"]["code"] == code


def test_delete_removes_the_graph(app_client, saved_graph, iris):
    graph_id = saved_graph(iris)
    response = app_client.delete(f"/api/graphs/{graph_id}")
    assert response.status_code == 204 and response.data == b""
    assert app_client.get(f"/api/graphs/{graph_id}").status_code == 404
    assert app_client.delete(f"/api/graphs/{graph_id}").status_code == 404


def test_clone_makes_an_independent_copy(app_client, saved_graph, iris):
    graph_id = saved_graph(iris)
    response = app_client.post(f"/api/graphs/{graph_id}/clone")
    assert response.status_code == 201
    clone_id = response.json["id"]
    assert clone_id != graph_id and response.json["revision"] == 1
    clone = app_client.get(f"/api/graphs/{clone_id}").json
    assert clone["name"] == f"{iris['name']} (copy)"
    assert clone["nodes"] == iris["nodes"]


def test_export_is_the_bare_document_as_an_attachment_and_import_takes_it_back(app_client, saved_graph, iris):
    graph_id = saved_graph(iris)
    exported = app_client.get(f"/api/graphs/{graph_id}/export")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"] == 'attachment; filename="Iris_classification.json"'
    assert json.loads(exported.data) == iris
    imported = app_client.post("/api/graphs/import", data=exported.data, content_type="application/json")
    assert imported.status_code == 201
    # Imported beside the graph it came from, it gets a name the two can be told apart by.
    assert app_client.get(f"/api/graphs/{imported.json['id']}").json["document"] == \
        {**iris, "name": "Iris classification (2)"}


def test_validate_a_draft_without_saving_it(app_client, iris):
    assert app_client.post("/api/validate", json=iris).json == {"valid": True, "errors": []}
    broken = {**iris, "edges": iris["edges"] + [iris["edges"][0]]}
    result = app_client.post("/api/validate", json=broken).json
    assert result["valid"] is False
    assert result["errors"][0]["code"] == "duplicate-input-edge"
    assert app_client.post("/api/validate", json=[1]).json["errors"][0]["code"] == "invalid-document"
    assert app_client.get("/api/graphs").json["graphs"] == []


@pytest.mark.parametrize("method,suffix", [
    ("get", ""), ("put", ""), ("delete", ""), ("post", "/clone"), ("get", "/export"), ("get", "/revisions"),
    ("post", "/validate"), ("get", "/columns"), ("get", "/runs"), ("post", "/runs"),
])
def test_unknown_graph_ids_are_json_404s_everywhere(app_client, method, suffix):
    kwargs = {"json": {"revision": 1, "document": {"format": "designer-graph/1", "nodes": [], "edges": []}}} \
        if method == "put" else {}
    response = getattr(app_client, method)(f"/api/graphs/0123456789abcdef{suffix}", **kwargs)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not-found"
    assert response.json["error"]["details"]["what"] == "graph"
