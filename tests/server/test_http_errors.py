"""Every error is JSON {"error": {"code", "message", "details"}}: routing, methods, bodies, sizes, bugs."""
from __future__ import annotations

import logging

import pytest

from designer.server import DEFAULT_MAX_CONTENT_LENGTH


def error_of(response) -> dict:
    assert response.is_json, response.data[:200]
    error = response.json["error"]
    assert set(error) == {"code", "message", "details"}
    return error


@pytest.mark.parametrize("path", ["/api/nope", "/api/graphs/x/nope", "/nope"])
def test_unknown_route_is_a_json_404(app_client, path):
    response = app_client.get(path)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not-found"


def test_wrong_method_is_a_json_405_naming_the_allowed_methods(app_client):
    response = app_client.delete("/api/components")
    assert response.status_code == 405
    error = error_of(response)
    assert error["code"] == "method-not-allowed"
    assert "GET" in error["details"]["allowed"]
    assert "GET" in response.headers["Allow"]


def test_malformed_json_is_a_400_invalid_json_with_its_position(app_client):
    response = app_client.post("/api/graphs", data='{"format": ', content_type="application/json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid-json"
    assert error["details"]["line"] == 1


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_state_changes_with_a_non_json_content_type_are_refused_with_415(app_client, content_type):
    response = app_client.post("/api/graphs", data="{}", content_type=content_type)
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported-media-type"


def test_a_body_without_any_content_type_is_refused_with_415(app_client):
    response = app_client.post("/api/validate", data=b"{}")
    assert response.status_code == 415


def test_an_empty_body_where_one_is_needed_is_a_400(app_client):
    response = app_client.post("/api/graphs", content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "missing-body"


def test_oversize_bodies_are_refused_with_413_naming_the_limit(make_app):
    client = make_app(MAX_CONTENT_LENGTH=1024).test_client()
    response = client.post("/api/graphs/import", data=b"[" + b"0," * 2000 + b"0]", content_type="application/json")
    assert response.status_code == 413
    error = error_of(response)
    assert error["code"] == "payload-too-large"
    assert "1 KiB" in error["message"]
    assert error["details"]["limit_bytes"] == 1024


def test_the_default_body_limit_is_64_mib(app):
    assert app.config["MAX_CONTENT_LENGTH"] == DEFAULT_MAX_CONTENT_LENGTH == 64 * 1024 * 1024


def test_a_bug_is_a_json_500_without_traceback_and_the_traceback_is_logged(app_client, designer, monkeypatch, caplog):
    def broken():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(designer.store, "list_graphs", broken)
    with caplog.at_level(logging.ERROR, logger="designer.server"):
        response = app_client.get("/api/graphs")
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "internal-error"
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert error["details"]["reference"] in caplog.text
    assert "RuntimeError: secret internals" in caplog.text


def test_state_changes_from_a_foreign_origin_are_refused(app_client, iris):
    response = app_client.post("/api/graphs", json=iris, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "cross-origin"
    same = app_client.post("/api/graphs", json=iris, headers={"Origin": "http://localhost"})
    assert same.status_code == 201


def test_reads_are_json_even_for_unknown_ids(app_client):
    response = app_client.get("/api/runs/does-not-exist")
    assert response.status_code == 404
    assert error_of(response)["details"] == {"what": "run", "id": "does-not-exist"}


def test_a_bearer_header_does_not_skip_the_origin_check_of_the_api(app_client, iris):
    response = app_client.post("/api/graphs", json=iris,
                               headers={"Origin": "https://elsewhere.example", "Authorization": "Bearer k"})
    assert response.status_code == 403
    assert response.json["error"]["code"] == "cross-origin"


def test_key_authenticated_calls_are_not_refused_for_their_origin(app_client):
    response = app_client.post("/pipelines/nope/runs", json={},
                               headers={"Origin": "https://elsewhere.example", "Authorization": "Bearer k"})
    assert response.status_code in (401, 404)
    assert response.json["error"]["code"] != "cross-origin"


def test_a_loopback_server_answers_only_to_loopback_host_names(make_app):
    client = make_app(DESIGNER_ALLOWED_HOSTS=("127.0.0.1", "localhost", "::1")).test_client()
    assert client.get("/api/health", headers={"Host": "localhost:8765"}).status_code == 200
    assert client.get("/api/health", headers={"Host": "[::1]:8765"}).status_code == 200
    rebound = client.get("/api/graphs", headers={"Host": "attacker.example:8765"})
    assert rebound.status_code == 403
    assert rebound.json["error"]["code"] == "unknown-host"


def test_keyed_routes_answer_a_browser_preflight_from_any_origin(app_client):
    preflight = app_client.options("/endpoints/iris/score", headers={
        "Origin": "https://dashboard.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    scored = app_client.post("/endpoints/nope/score", json={"data": [{}]},
                             headers={"Origin": "https://dashboard.example", "Authorization": "Bearer x"})
    assert scored.status_code in (401, 404)
    assert scored.headers["Access-Control-Allow-Origin"] == "*"


def test_the_designer_api_itself_sends_no_cors_grant(app_client):
    response = app_client.get("/api/graphs", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers
