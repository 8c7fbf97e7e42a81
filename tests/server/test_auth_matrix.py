"""Every kind of route × every kind of credential: 401 without valid credentials, 403 for a role too low
(or a cookie without its CSRF token on a change), and through to the handler otherwise."""
from __future__ import annotations

import pytest

from auth_support import ROLES, make_callers
from designer.server import close_app, create_app

#: (method, path, body, least role). Bodies are ones the handler refuses (400/404) after the auth check,
#: so the matrix changes nothing and its cells do not depend on each other.
ROUTES = [
    ("GET", "/api/me", None, "viewer"),
    ("GET", "/api/health", None, "viewer"),
    ("GET", "/api/components", None, "viewer"),
    ("GET", "/api/graphs", None, "viewer"),
    ("GET", "/api/graphs/no-such-graph", None, "viewer"),
    ("POST", "/api/graphs", {"format": "not-a-graph"}, "editor"),
    ("PUT", "/api/graphs/no-such-graph", {"revision": 1, "document": {}}, "editor"),
    ("DELETE", "/api/graphs/no-such-graph", None, "editor"),
    ("POST", "/api/graphs/no-such-graph/runs", {}, "editor"),
    ("POST", "/api/validate", {"nodes": "x"}, "editor"),
    ("GET", "/api/runs/no-such-run", None, "viewer"),
    ("POST", "/api/runs/no-such-run/cancel", {}, "editor"),
    ("GET", "/api/compute", None, "viewer"),
    ("POST", "/api/compute", {"name": "", "kind": "nope"}, "admin"),
    ("DELETE", "/api/compute/no-such-target", None, "admin"),
    ("GET", "/api/endpoints", None, "viewer"),
    ("POST", "/api/endpoints", {}, "editor"),
    ("POST", "/api/endpoints/no-such-endpoint/rotate-key", {}, "admin"),
    ("GET", "/api/pipelines", None, "viewer"),
    ("POST", "/api/pipelines/no-such-pipeline/rotate-key", {}, "admin"),
    ("POST", "/api/pipelines/no-such-pipeline/disable", {}, "editor"),
    ("GET", "/api/users", None, "admin"),
    ("POST", "/api/users", {"name": "x"}, "admin"),
    ("PATCH", "/api/users/no-such-user", {"role": "viewer"}, "admin"),
    ("DELETE", "/api/users/no-such-user", None, "admin"),
    ("GET", "/api/tokens", None, "admin"),
    ("POST", "/api/tokens", {"role": "viewer"}, "admin"),
    ("DELETE", "/api/tokens/no-such-token", None, "admin"),
]
CREDENTIALS = ["none", "bad-token", *[f"{r}-token" for r in ROLES], *[f"{r}-cookie" for r in ROLES],
               "editor-cookie-no-csrf"]
MATRIX_SIZE = len(ROUTES) * len(CREDENTIALS)


@pytest.fixture(scope="module")
def callers(tmp_path_factory):
    app = create_app(home=tmp_path_factory.mktemp("auth-home"),
                     config={"STATIC_DIST": str(tmp_path_factory.mktemp("no-dist"))})
    yield make_callers(app)
    close_app(app)


def _expected(credential: str, least: str, method: str) -> tuple[int | None, str | None]:
    if credential in ("none", "bad-token"):
        return 401, None
    role = credential.split("-")[0]
    if credential.endswith("no-csrf") and method not in ("GET", "HEAD"):
        return 403, "csrf-failed"
    if ROLES.index(role) < ROLES.index(least):
        return 403, "forbidden"
    return None, None


@pytest.mark.parametrize("credential", CREDENTIALS)
@pytest.mark.parametrize("method,path,body,least", ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_route_answers_each_credential_as_its_role_allows(callers, credential, method, path, body, least):
    response = callers[credential].call(method, path, body)
    status, code = _expected(credential, least, method)
    if status is None:
        assert response.status_code not in (401, 403), (response.status_code, response.get_data(as_text=True))
        assert response.status_code < 500
    else:
        assert response.status_code == status, response.get_data(as_text=True)
        error = response.get_json()["error"]
        assert set(error) == {"code", "message", "details"}
        if code:
            assert error["code"] == code
        if status == 401:
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_matrix_covers_every_role_and_credential_kind():
    assert MATRIX_SIZE >= 250
    assert {least for *_, least in ROUTES} == set(ROLES)
