"""Sign-in: zero set-up on loopback, tokens and sessions once anyone exists, CSRF, sign-out, Socket.IO, `serve`."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from auth_support import PASSWORD, csrf_of, login_form_token, sign_in
from designer.server import socketio_for

DESIGNER = Path(sys.executable).with_name("designer")


@pytest.fixture
def store(designer):
    return designer.store


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# ---------------------------------------------------------------- when credentials are asked for

def test_a_fresh_server_needs_no_login_and_says_so(app_client):
    assert app_client.get("/api/graphs").status_code == 200
    assert app_client.get("/api/me").json == {"name": "local", "role": "admin", "kind": "local",
                                              "auth_required": False}


def test_once_a_token_exists_every_api_route_needs_credentials(app_client, store):
    _, token = store.create_token("ci", "editor")
    refused = app_client.get("/api/graphs")
    assert refused.status_code == 401
    assert refused.json["error"]["code"] == "unauthenticated"
    assert app_client.get("/api/graphs", headers=bearer(token)).status_code == 200
    assert app_client.get("/api/me", headers=bearer(token)).json["name"] == "ci"


def test_required_mode_asks_even_with_nobody_set_up_and_off_mode_never_asks(make_app):
    required = make_app(DESIGNER_AUTH="required").test_client()
    assert required.get("/api/graphs").status_code == 401
    off = make_app(DESIGNER_AUTH="off")
    off.extensions["designer"].store.create_token("ci", "viewer")
    assert off.test_client().post("/api/validate", json={}).status_code == 200


def test_an_unknown_auth_mode_is_refused_at_start(make_app):
    with pytest.raises(ValueError, match="DESIGNER_AUTH"):
        make_app(DESIGNER_AUTH="sometimes")


def test_the_browser_app_and_login_page_load_without_credentials(app_client, store):
    store.create_token("ci", "viewer")
    assert app_client.get("/").status_code == 200
    assert app_client.get("/login").status_code == 200


def test_scoring_and_published_pipelines_keep_their_own_keys(app_client, store):
    store.create_token("ci", "viewer")
    scored = app_client.post("/endpoints/no-such/score", json={"data": [{}]})
    assert scored.json["error"]["code"] not in ("unauthenticated", "forbidden")
    published = app_client.post("/pipelines/no-such/runs", json={})
    assert published.json["error"]["code"] not in ("unauthenticated", "forbidden")


def test_a_revoked_token_stops_working(app_client, store):
    _, token = store.create_token("ci", "viewer")
    _, other = store.create_token("other", "viewer")
    store.revoke_token("ci")
    response = app_client.get("/api/graphs", headers=bearer(token))
    assert response.status_code == 401 and response.json["error"]["code"] == "invalid-token"
    assert app_client.get("/api/graphs", headers=bearer(other)).status_code == 200


def test_a_malformed_authorization_header_is_a_401(app_client, store):
    store.create_token("ci", "viewer")
    for header in ("Basic YTpi", "Bearer", "Bearer " + "x" * 5000):
        response = app_client.get("/api/graphs", headers={"Authorization": header})
        assert response.status_code == 401, header


def test_tokens_are_stored_only_as_hashes(designer, store):
    import sqlite3

    _, token = store.create_token("ci", "admin")
    store.add_user("ann", "editor", PASSWORD)
    dump = "\n".join(sqlite3.connect(designer.home.path / "designer.db").iterdump())
    assert token not in dump and token[len("dsn_"):] not in dump
    assert PASSWORD not in dump


# ---------------------------------------------------------------- sessions

def test_signing_in_sets_a_session_and_a_csrf_cookie_and_shows_the_user(app_client, store):
    store.add_user("ann", "editor", PASSWORD)
    response = sign_in(app_client, "ann")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    session_cookie = app_client.get_cookie("designer_session")
    assert session_cookie is not None and session_cookie.http_only
    me = app_client.get("/api/me").json
    assert me["name"] == "ann" and me["role"] == "editor" and me["kind"] == "user"
    assert me["csrf_token"] == csrf_of(app_client)


def test_a_change_with_a_session_needs_the_csrf_header(app_client, store, iris):
    store.add_user("ann", "editor", PASSWORD)
    sign_in(app_client, "ann")
    refused = app_client.post("/api/graphs", json=iris)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "csrf-failed"
    wrong = app_client.post("/api/graphs", json=iris, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403
    assert app_client.post("/api/graphs", json=iris, headers={"X-CSRF-Token": csrf_of(app_client)}).status_code == 201


def test_a_wrong_password_shows_the_page_again_with_an_error(app_client, store):
    store.add_user("ann", "editor", PASSWORD)
    response = sign_in(app_client, "ann", "wrong password")
    assert response.status_code == 401
    assert "do not match" in response.get_data(as_text=True)
    assert app_client.get("/api/graphs").status_code == 401


def test_the_login_page_escapes_what_it_shows(app_client, store):
    store.add_user("ann", "editor", PASSWORD)
    token = login_form_token(app_client)
    response = app_client.post("/login", data={"name": '<script>alert(1)</script>', "password": "x" * 9,
                                               "csrf": token, "next": '"><img src=x onerror=alert(1)>'})
    page = response.get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "onerror=alert(1)>" not in page


def test_a_login_form_without_its_token_is_refused(app_client, store):
    store.add_user("ann", "editor", PASSWORD)
    response = app_client.post("/login", data={"name": "ann", "password": PASSWORD})
    assert response.status_code == 400
    assert app_client.get("/api/graphs").status_code == 401


def test_after_sign_in_the_page_goes_only_to_a_path_on_this_server(app_client, store):
    store.add_user("ann", "editor", PASSWORD)
    token = login_form_token(app_client)
    for target, expected in (("/#/endpoints", "/#/endpoints"), ("//evil.example/", "/"),
                             ("https://evil.example/", "/"), ("/\\evil.example", "/")):
        app_client.delete_cookie("designer_session")
        token = login_form_token(app_client)
        response = app_client.post("/login", data={"name": "ann", "password": PASSWORD, "csrf": token,
                                                   "next": target})
        assert response.headers["Location"] == expected, target


def test_json_sign_in_answers_with_the_csrf_token(app_client, store):
    store.add_user("ann", "admin", PASSWORD)
    response = app_client.post("/login", json={"name": "ann", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json["role"] == "admin" and response.json["csrf_token"] == csrf_of(app_client)
    bad = app_client.post("/login", json={"name": "ann", "password": "nope"})
    assert bad.status_code == 401 and bad.json["error"]["code"] == "invalid-login"


def test_signing_out_needs_the_csrf_token_and_ends_the_session(app_client, store):
    store.add_user("ann", "editor", PASSWORD)
    sign_in(app_client, "ann")
    assert app_client.post("/logout").status_code == 403
    assert app_client.post("/logout", headers={"X-CSRF-Token": csrf_of(app_client)}).status_code == 204
    assert app_client.get("/api/graphs").status_code == 401


def test_changing_a_password_or_role_ends_older_sessions_and_removing_a_user_ends_theirs(make_app):
    app = make_app()
    store = app.extensions["designer"].store
    store.add_user("ann", "editor", PASSWORD)
    store.add_user("bob", "editor", PASSWORD)
    ann, bob = app.test_client(), app.test_client()
    sign_in(ann, "ann")
    sign_in(bob, "bob")
    store.update_user("ann", password="a new password")
    assert ann.get("/api/graphs").status_code == 401
    store.remove_user("bob")
    assert bob.get("/api/graphs").status_code == 401


def test_a_session_cookie_from_another_server_is_not_accepted(make_app, tmp_path):
    from designer.server import create_app, close_app

    app = make_app()
    app.extensions["designer"].store.add_user("ann", "admin", PASSWORD)
    other = create_app(home=tmp_path / "other-home", config={"STATIC_DIST": str(tmp_path / "no-dist")})
    try:
        other.extensions["designer"].store.add_user("ann", "admin", PASSWORD)
        theirs = other.test_client()
        sign_in(theirs, "ann")
        cookie = theirs.get_cookie("designer_session").value
        ours = app.test_client()
        ours.set_cookie("designer_session", cookie)
        assert ours.get("/api/graphs").status_code == 401
    finally:
        close_app(other)


# ---------------------------------------------------------------- admin routes

def test_an_admin_makes_a_token_over_http_and_it_works(app_client, store):
    _, admin = store.create_token("root", "admin")
    made = app_client.post("/api/tokens", json={"name": "ci", "role": "viewer"}, headers=bearer(admin))
    assert made.status_code == 201 and made.json["token"].startswith("dsn_")
    listed = app_client.get("/api/tokens", headers=bearer(admin)).json["tokens"]
    assert {t["name"] for t in listed} == {"root", "ci"} and all("token" not in t for t in listed)
    assert app_client.get("/api/me", headers=bearer(made.json["token"])).json["role"] == "viewer"
    assert app_client.delete("/api/tokens/ci", headers=bearer(admin)).status_code == 204
    assert app_client.get("/api/me", headers=bearer(made.json["token"])).status_code == 401


def test_an_admin_manages_users_over_http(app_client, store):
    _, admin = store.create_token("root", "admin")
    made = app_client.post("/api/users", json={"name": "ann", "role": "viewer", "password": PASSWORD},
                           headers=bearer(admin))
    assert made.status_code == 201 and made.json == {**made.json, "name": "ann", "role": "viewer"}
    assert "password_hash" not in made.json
    again = app_client.post("/api/users", json={"name": "ann", "role": "viewer", "password": PASSWORD},
                            headers=bearer(admin))
    assert again.status_code == 409
    short = app_client.post("/api/users", json={"name": "bob", "role": "viewer", "password": "short"},
                            headers=bearer(admin))
    assert short.status_code == 400
    role = app_client.post("/api/users", json={"name": "bob", "role": "owner", "password": PASSWORD},
                           headers=bearer(admin))
    assert role.status_code == 400
    promoted = app_client.patch("/api/users/ann", json={"role": "editor"}, headers=bearer(admin))
    assert promoted.json["role"] == "editor"
    assert [u["name"] for u in app_client.get("/api/users", headers=bearer(admin)).json["users"]] == ["ann"]
    assert app_client.delete("/api/users/ann", headers=bearer(admin)).status_code == 204
    assert app_client.delete("/api/users/ann", headers=bearer(admin)).status_code == 404


def test_requires_role_refuses_unknown_roles():
    from designer.server.auth import requires_role

    with pytest.raises(ValueError):
        requires_role("owner")


# ---------------------------------------------------------------- Socket.IO

def test_socketio_refuses_a_connection_without_credentials_once_anyone_exists(app, store):
    store.create_token("ci", "viewer")
    client = socketio_for(app).test_client(app)
    assert not client.is_connected()


def test_socketio_accepts_a_token_and_lets_it_join_a_run(app, store):
    _, token = store.create_token("ci", "viewer")
    client = socketio_for(app).test_client(app, auth={"token": token})
    assert client.is_connected()
    assert client.emit("join", {"run_id": "r1"}, callback=True)["ok"] is True
    store.revoke_token("ci")
    assert client.emit("join", {"run_id": "r2"}, callback=True)["ok"] is False
    client.disconnect()


def test_socketio_accepts_the_session_cookie_of_a_signed_in_browser(app, store):
    store.add_user("ann", "viewer", PASSWORD)
    browser = app.test_client()
    sign_in(browser, "ann")
    client = socketio_for(app).test_client(app, flask_test_client=browser)
    assert client.is_connected()
    assert client.emit("join", {"run_id": "r1"}, callback=True)["ok"] is True
    client.disconnect()


def test_socketio_obeys_the_host_allow_list(make_app):
    app = make_app(DESIGNER_ALLOWED_HOSTS=("127.0.0.1", "localhost"))
    rebound = socketio_for(app).test_client(app, headers={"Host": "attacker.example:8765"})
    assert not rebound.is_connected()
    local = socketio_for(app).test_client(app, headers={"Host": "localhost:8765"})
    assert local.is_connected()
    local.disconnect()


# ---------------------------------------------------------------- designer serve

def test_serving_on_a_network_address_with_nobody_set_up_refuses_and_says_what_to_run(tmp_path):
    result = subprocess.run([str(DESIGNER), "serve", "--host", "0.0.0.0", "--port", "0", "--no-examples",
                             "--home", str(tmp_path / "home")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "designer users add" in result.stderr and "designer tokens create" in result.stderr
    assert "Designer running" not in result.stdout


def test_serving_on_a_network_address_starts_once_a_token_exists(tmp_path):
    home = tmp_path / "home"
    created = subprocess.run([str(DESIGNER), "tokens", "create", "ops", "--role", "admin", "--home", str(home)],
                             capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stderr
    server = subprocess.Popen([str(DESIGNER), "serve", "--host", "0.0.0.0", "--port", "0", "--no-examples",
                               "--home", str(home)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = server.stdout.readline()
        assert "Designer running" in first, first + server.stderr.read() if server.poll() is not None else first
        assert "sign-in required" in server.stdout.readline() + server.stdout.readline()
    finally:
        server.terminate()
        server.wait(20)


def test_the_python_script_component_can_be_turned_off_for_a_server(make_app, saved_graph):
    app = make_app(DESIGNER_PYTHON_SCRIPT=False)
    client = app.test_client()
    document = {"format": "designer-graph/1", "name": "script", "nodes": [
        {"id": "py", "component": "execute-python-script", "params": {}}], "edges": []}
    graph = client.post("/api/graphs", json=document).json["id"]
    refused = client.post(f"/api/graphs/{graph}/runs", json={})
    assert refused.status_code == 400
    assert any(e["code"] == "component-disabled" for e in refused.json["error"]["details"]["errors"])
    assert json.loads(client.post(f"/api/graphs/{graph}/validate").data)["valid"] is False


def test_too_many_failed_sign_ins_are_throttled_even_with_the_right_password_then(make_app):
    app = make_app(DESIGNER_LOGIN_ATTEMPTS=3)
    app.extensions["designer"].store.add_user("ann", "editor", PASSWORD)
    client = app.test_client()
    for _ in range(3):
        assert client.post("/login", json={"name": "ann", "password": "guess"}).status_code == 401
    throttled = client.post("/login", json={"name": "ann", "password": PASSWORD})
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    page = sign_in(client, "ann")
    assert page.status_code == 429 and "too many failed sign-ins" in page.get_data(as_text=True).lower()
    other = app.test_client()  # another user name is not held up
    app.extensions["designer"].store.add_user("bob", "editor", PASSWORD)
    assert other.post("/login", json={"name": "bob", "password": PASSWORD}).status_code == 200


def test_the_last_admin_cannot_be_removed_or_demoted(app_client, store):
    store.add_user("ada", "admin", PASSWORD)
    sign_in(app_client, "ada")
    csrf = {"X-CSRF-Token": csrf_of(app_client)}
    demoted = app_client.patch("/api/users/ada", json={"role": "editor"}, headers=csrf)
    assert demoted.status_code == 409 and demoted.json["error"]["code"] == "last-admin"
    assert app_client.delete("/api/users/ada", headers=csrf).status_code == 409
    assert app_client.post("/api/users", json={"name": "bea", "role": "admin", "password": PASSWORD},
                           headers=csrf).status_code == 201
    assert app_client.patch("/api/users/ada", json={"role": "editor"}, headers=csrf).status_code == 200
