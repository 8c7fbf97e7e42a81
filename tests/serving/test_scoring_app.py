"""The lean WSGI app's routes and refusals, the shared key memory, and the one place a request starts and ends."""
from __future__ import annotations

import pytest
from werkzeug.test import Client

from canvas_store.repository import Store
from designer.serving import scoring
from designer.serving.shared_runtimes import SharedRuntimes
from designer.serving.wsgi import ScoringApp
from serving_support import IRIS_ROW


@pytest.fixture
def runtimes(home):
    return SharedRuntimes(home.designer.store, home.designer.artifacts.get, home.designer.home.datastore)


@pytest.fixture
def client(runtimes, home):
    return Client(ScoringApp(runtimes, [home.name], max_body_bytes=4096))


def post(client, home, body=None, **options):
    headers = {"Authorization": f"Bearer {home.key}", **options.pop("headers", {})}
    return client.post(f"/endpoints/{home.name}/score", json=body, headers=headers, **options)


def test_health_swagger_and_cors_preflight(client, home):
    assert client.get("/api/health").get_json() == {"status": "ok", "endpoints": [home.name]}
    assert client.get(f"/endpoints/{home.name}/health").status_code == 200
    swagger = client.get(f"/endpoints/{home.name}/swagger.json").get_json()
    assert swagger["servers"][0]["url"].startswith("http://")
    preflight = client.options(f"/endpoints/{home.name}/score")
    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert post(client, home, {"data": [IRIS_ROW]}).headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method, path, status, code", [
    ("GET", "/", 404, "not-found"),
    ("GET", "/api/endpoints", 404, "not-found"),
    ("GET", "/endpoints/iris/score", 405, "method-not-allowed"),
    ("POST", "/endpoints/iris/swagger.json", 405, "method-not-allowed"),
    ("POST", "/endpoints/some-other/score", 404, "not-found"),   # not one of the endpoints this server serves
    ("GET", "/endpoints/iris/nothing", 404, "not-found"),
])
def test_anything_but_the_scoring_routes_is_a_json_404_or_405(client, method, path, status, code):
    response = client.open(path, method=method)
    assert response.status_code == status and response.get_json()["error"]["code"] == code


def test_bodies_that_are_not_json_too_large_or_cross_site_are_refused(client, home):
    response = post(client, home, data="a=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415
    assert post(client, home, {"data": [IRIS_ROW] * 200}).status_code == 413
    response = client.post(f"/endpoints/{home.name}/score", json={"data": [IRIS_ROW]},
                           headers={"Origin": "http://elsewhere.example"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "cross-origin"
    assert post(client, home, data=b"", headers={"Content-Type": "application/json"}).get_json()["error"][
        "code"] == "missing-body"


def test_every_scoring_request_ends_in_one_place_with_its_status_and_time(client, home):
    seen = []
    scoring.observers.append(lambda name, status, seconds: seen.append((name, status, seconds)))
    try:
        post(client, home, {"data": [IRIS_ROW]})
        post(client, home, {"data": []})
        client.post(f"/endpoints/{home.name}/score", json={"data": [IRIS_ROW]})
        home.in_process({"data": [IRIS_ROW]})  # the designer's own route ends there too
    finally:
        scoring.observers.pop()
    assert [(n, s) for n, s, _ in seen] == [(home.name, 200), (home.name, 400), (home.name, 401), (home.name, 200)]
    assert all(seconds >= 0 for _, _, seconds in seen)


def test_a_key_rotated_by_another_process_is_trusted_only_until_the_memory_lapses(home):
    now = [0.0]
    shared = SharedRuntimes(home.designer.store, home.designer.artifacts.get, clock=lambda: now[0])
    old_key = home.key
    assert shared.check_key(home.name, old_key)
    with Store.for_home(home.path) as elsewhere:  # another process's store on the same database
        new_key = elsewhere.rotate_endpoint_key(home.name)
    home.key = new_key
    assert shared.check_key(home.name, old_key)  # remembered for a moment...
    now[0] += shared.state_seconds + 0.01
    assert not shared.check_key(home.name, old_key)  # ...and refused once it lapses
    assert shared.check_key(home.name, new_key)


def test_an_endpoint_redeployed_elsewhere_is_reloaded(home):
    now = [0.0]
    shared = SharedRuntimes(home.designer.store, home.designer.artifacts.get, clock=lambda: now[0])
    first = shared.get(home.name)
    assert shared.get(home.name) is first
    with Store.for_home(home.path) as elsewhere:
        record = elsewhere.get_endpoint(home.name)
        elsewhere._update_endpoint(home.name, revision=(record["revision"] or 0) + 100)
    try:
        now[0] += shared.state_seconds + 0.01
        assert shared.get(home.name) is not first
    finally:
        with Store.for_home(home.path) as elsewhere:
            elsewhere._update_endpoint(home.name, revision=record["revision"])


def test_a_key_rotated_elsewhere_keeps_the_warm_runtime_and_a_new_document_replaces_it(home):
    now = [0.0]
    shared = SharedRuntimes(home.designer.store, home.designer.artifacts.get, clock=lambda: now[0])
    first = shared.get(home.name)
    with Store.for_home(home.path) as elsewhere:
        home.key = elsewhere.rotate_endpoint_key(home.name)  # the record changed, what it serves did not
    now[0] += shared.state_seconds + 0.01
    assert shared.check_key(home.name, home.key) and shared.get(home.name) is first
    with Store.for_home(home.path) as elsewhere:  # same graph and revision, another document (a new split)
        record = elsewhere.get_endpoint(home.name)
        changed = {**record["document"], "description": "served from elsewhere"}
        elsewhere.replace_endpoint(home.name, record["graph_id"], record["revision"], changed)
    try:
        now[0] += shared.state_seconds + 0.01
        reloaded = shared.get(home.name)
        assert reloaded is not first and reloaded.document == changed
    finally:
        with Store.for_home(home.path) as elsewhere:
            elsewhere.replace_endpoint(home.name, record["graph_id"], record["revision"], record["document"])
