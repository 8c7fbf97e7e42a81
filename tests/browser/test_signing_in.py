"""Signing in from a browser: the app sends a signed-out visitor to /login, then shows who is signed in."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PASSWORD = "a long password"


@pytest.fixture
def shared_server(live_server):
    live_server.designer.store.add_user("ann", "editor", PASSWORD)
    live_server.designer.store.add_user("vic", "viewer", PASSWORD)
    return live_server


def sign_in(page, name: str, password: str = PASSWORD) -> None:
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_visitor_signs_in_works_with_csrf_protected_changes_and_signs_out(page, shared_server):
    page.goto(shared_server.url + "/#/endpoints")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    sign_in(page, "ann", "not the password")
    expect(page.get_by_role("alert")).to_contain_text("do not match")

    sign_in(page, "ann")
    expect(page).to_have_url(re.compile(r"/#/endpoints$"))
    expect(page.get_by_test_id("user-name")).to_have_text("ann")
    expect(page.get_by_test_id("user-role")).to_have_text("editor")

    page.get_by_test_id("nav-pipelines").click()
    page.get_by_test_id("btn-new-graph").click()  # a POST: it needs the CSRF header the app sends
    expect(page).to_have_url(re.compile(r"#/graphs/"))
    assert len(shared_server.designer.store.list_graphs()) == 1

    page.get_by_test_id("btn-sign-out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(shared_server.url + "/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    assert page.errors == []


def test_a_viewer_is_told_when_a_change_is_not_theirs_to_make(page, shared_server):
    page.goto(shared_server.url + "/")
    sign_in(page, "vic")
    expect(page.get_by_test_id("user-role")).to_have_text("viewer")
    page.get_by_test_id("btn-new-graph").click()
    expect(page.get_by_text(re.compile("needs the editor role"))).to_be_visible()
    assert shared_server.designer.store.list_graphs() == []


def test_a_signed_in_editor_runs_a_pipeline_with_live_events_over_an_authenticated_socket(page, shared_server):
    from canvas_gestures import Editor, iris_document
    from designer.server.auth import SOCKET_GATE

    graph_id = shared_server.designer.store.create_graph(iris_document(shared_server))["id"]
    page.goto(shared_server.url + "/")
    sign_in(page, "ann")
    expect(page.get_by_test_id("user-name")).to_have_text("ann")
    editor = Editor(page, shared_server, graph_id).open()
    editor.submit_run()
    editor.expect_statuses({n: "completed" for n in ("iris", "split", "algo", "train", "score", "eval")})
    gate = shared_server.app.extensions[SOCKET_GATE]
    assert any(who.name == "ann" and who.kind == "user" for who in gate.connected())


def test_an_admin_adds_a_user_and_makes_and_revokes_a_token_on_the_access_page(page, shared_server):
    store = shared_server.designer.store
    store.add_user("ada", "admin", PASSWORD)
    page.goto(shared_server.url + "/")
    sign_in(page, "ada")
    page.get_by_test_id("nav-access").click()
    expect(page.get_by_role("heading", name="Access")).to_be_visible()

    page.get_by_test_id("new-user-name").fill("bob")
    page.get_by_test_id("new-user-password").fill("bob's long password")
    page.get_by_test_id("new-user-role").select_option("viewer")
    page.get_by_test_id("btn-add-user").click()
    expect(page.get_by_test_id("user-row-bob")).to_contain_text("bob")
    assert store.check_password("bob", "bob's long password")["role"] == "viewer"
    page.get_by_test_id("role-bob").select_option("editor")
    expect(page.get_by_text("bob is now editor")).to_be_visible()
    assert store.get_user("bob")["role"] == "editor"

    page.get_by_test_id("new-token-name").fill("nightly-ci")
    page.get_by_test_id("btn-create-token").click()
    token = page.get_by_test_id("token-value").inner_text()
    assert store.token_identity(token)["name"] == "nightly-ci"
    expect(page.get_by_test_id("token-row-nightly-ci")).to_contain_text("editor")
    page.get_by_test_id("token-row-nightly-ci").get_by_test_id("btn-revoke-token").click()
    page.get_by_role("button", name="Revoke", exact=True).click()
    expect(page.get_by_test_id("token-row-nightly-ci")).to_have_count(0)
    assert store.token_identity(token) is None
    assert page.errors == []


def test_the_access_link_is_only_for_admins(page, shared_server):
    page.goto(shared_server.url + "/")
    sign_in(page, "ann")
    expect(page.get_by_test_id("user-name")).to_have_text("ann")
    expect(page.get_by_test_id("nav-access")).to_have_count(0)
