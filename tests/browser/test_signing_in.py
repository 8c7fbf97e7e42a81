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
