"""Every kind of route × every kind of credential: 401 without valid credentials, 403 for a role too low
(or a cookie without its CSRF token on a change), and through to the handler otherwise."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    ("POST", "/api/validate", {"nodes": "x"}, "viewer"),
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


#: Contract 8, written out apart from the code: what needs more than the default (GET: viewer, changes: editor).
ADMIN_ROUTES = {("POST", "/api/compute"), ("DELETE", "/api/compute/<name>"), ("GET", "/api/users"),
                ("POST", "/api/users"), ("PATCH", "/api/users/<name>"), ("DELETE", "/api/users/<name>"),
                ("GET", "/api/tokens"), ("POST", "/api/tokens"), ("DELETE", "/api/tokens/<name>"),
                ("POST", "/api/datastores"), ("DELETE", "/api/datastores/<name>"),
                ("POST", "/api/endpoints/<name>/rotate-key"), ("POST", "/api/pipelines/<pipeline_id>/rotate-key")}
#: Posts that only read (a draft's validation or schemas, a comparison): a viewer may send them.
READING_POSTS = {("POST", "/api/validate"), ("POST", "/api/graphs/<graph_id>/validate"),
                 ("POST", "/api/graphs/schema"), ("POST", "/api/runs/compare")}
#: Paths outside contract 8's roles: the sign-in page, the browser app, and the keyed scoring/pipeline URLs.
UNGUARDED = ("/login", "/logout", "/assets/", "/endpoints/", "/pipelines/")


def _every_guarded_route():
    app = create_app(config={"STATIC_DIST": "/nonexistent"}, db="sqlite://")
    try:
        found = []
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if rule.rule == "/" or rule.rule.startswith(UNGUARDED):
                continue
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                found.append((method, rule))
        return [(method, rule.rule, _no_such(rule)) for method, rule in found]
    finally:
        close_app(app)


def _no_such(rule) -> str:
    path = rule.rule
    for name in rule.arguments:
        value = "1" if f"<int:{name}>" in path else f"no-such-{name}"
        for form in (f"<{name}>", f"<int:{name}>", f"<path:{name}>"):
            path = path.replace(form, value)
    return path


def _least(method: str, rule: str) -> str:
    if (method, rule) in ADMIN_ROUTES:
        return "admin"
    return "viewer" if method == "GET" or (method, rule) in READING_POSTS else "editor"


GUARDED = _every_guarded_route()


@pytest.mark.parametrize("method,rule,path", GUARDED, ids=[f"{m} {r}" for m, r, _ in GUARDED])
def test_every_route_of_the_app_answers_each_credential_as_contract_8_says(callers, method, rule, path):
    """Each route the app has (routes added later included), with ids that do not exist and a body the
    handler refuses: no credential gets through beyond its role, and an allowed one reaches the handler."""
    least = _least(method, rule)
    body = None if method == "GET" else {"name": 5, "format": "not-a-graph", "run_ids": "x"}
    for credential in CREDENTIALS:
        response = callers[credential].call(method, path, body)
        status, code = _expected(credential, least, method)
        answer = (credential, response.status_code, response.get_data(as_text=True)[:300])
        if status is None:
            assert response.status_code not in (401, 403) and response.status_code < 500, answer
            if method != "GET" and least != "viewer":
                assert response.status_code >= 400, answer  # refused, so the matrix changes nothing
        else:
            assert response.status_code == status, answer
            if code:
                assert response.get_json()["error"]["code"] == code, answer


def test_the_contract_tables_name_only_routes_the_app_has():
    routes = {(method, rule) for method, rule, _ in GUARDED}
    assert ADMIN_ROUTES <= routes, ADMIN_ROUTES - routes
    assert READING_POSTS <= routes, READING_POSTS - routes
    assert len(routes) >= 100


def test_the_matrix_covers_every_role_and_credential_kind():
    assert MATRIX_SIZE >= 250
    assert {least for *_, least in ROUTES} == set(ROLES)


HEADER_TEXT = st.characters(min_codepoint=32, max_codepoint=255, exclude_categories=("Cc",))


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(authorization=st.one_of(st.none(), st.text(HEADER_TEXT, max_size=300),
                               st.text(HEADER_TEXT, max_size=80).map("Bearer ".__add__)),
       cookie=st.one_of(st.none(), st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126,
                                                                 exclude_characters=";,\\\""), max_size=300)),
       csrf=st.one_of(st.none(), st.text(HEADER_TEXT, max_size=60)),
       method=st.sampled_from(["GET", "POST", "DELETE"]))
def test_made_up_credentials_are_refused_with_a_401_and_never_a_5xx(callers, authorization, cookie, csrf, method):
    client = callers["none"].client
    headers = {}
    if authorization is not None:
        headers["Authorization"] = authorization
    if csrf is not None:
        headers["X-CSRF-Token"] = csrf
    if cookie is not None:
        client.set_cookie("designer_session", cookie)
    else:
        client.delete_cookie("designer_session")
    response = client.open("/api/graphs", method=method, headers=headers, json={} if method == "POST" else None)
    assert response.status_code == 401, response.get_data(as_text=True)
    assert set(response.get_json()["error"]) == {"code", "message", "details"}
