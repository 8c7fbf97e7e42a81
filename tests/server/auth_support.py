"""Helpers for auth tests: an app with one token and one signed-in browser per role."""
from __future__ import annotations

import re
from dataclasses import dataclass

ROLES = ("viewer", "editor", "admin")
PASSWORD = "correct horse battery"


def login_form_token(client) -> str:
    page = client.get("/login")
    assert page.status_code == 200, page.data[:300]
    return re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def sign_in(client, name: str, password: str = PASSWORD):
    return client.post("/login", data={"name": name, "password": password, "csrf": login_form_token(client),
                                       "next": "/"})


def csrf_of(client) -> str:
    cookie = client.get_cookie("designer_csrf")
    assert cookie is not None, "signing in sets the designer_csrf cookie"
    return cookie.value


@dataclass
class Caller:
    """One credential: how to send a request with it."""

    label: str
    role: str | None  # None: no valid credentials
    client: object
    headers: dict

    def call(self, method: str, path: str, body=None):
        kwargs = {"headers": dict(self.headers)}
        if body is not None:
            kwargs["json"] = body
        return self.client.open(path, method=method, **kwargs)


def make_callers(app) -> dict[str, Caller]:
    """none, bad token, a token per role, a signed-in browser per role (with CSRF), and an editor's
    browser that does not send its CSRF token."""
    store = app.extensions["designer"].store
    callers = {"none": Caller("none", None, app.test_client(), {}),
               "bad-token": Caller("bad-token", None, app.test_client(), {"Authorization": "Bearer dsn_not-a-token"})}
    for role in ROLES:
        _, token = store.create_token(f"{role}-token", role)
        callers[f"{role}-token"] = Caller(f"{role}-token", role, app.test_client(),
                                          {"Authorization": f"Bearer {token}"})
        store.add_user(f"{role}-user", role, PASSWORD)
        browser = app.test_client()
        assert sign_in(browser, f"{role}-user").status_code == 303
        callers[f"{role}-cookie"] = Caller(f"{role}-cookie", role, browser, {"X-CSRF-Token": csrf_of(browser)})
    no_csrf = app.test_client()
    assert sign_in(no_csrf, "editor-user").status_code == 303
    callers["editor-cookie-no-csrf"] = Caller("editor-cookie-no-csrf", "editor", no_csrf, {})
    return callers
