"""Every route that takes a body, fed thousands of hostile bodies: never a 5xx, always the JSON error shape.

The routes come from the app's URL map (so routes added later are fuzzed too); path parameters are
real ids of a graph, a run, a published pipeline and an endpoint, or hostile strings.
"""
from __future__ import annotations

import json
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.server import close_app, create_app
from fuzz_support import EXAMPLES, HOSTILE_TEXTS, assert_json_answer, to_text, values

BODIES = int(os.environ.get("DESIGNER_FUZZ_BODIES", "2600"))
FUZZED = {"bodies": 0, "5xx": 0, "routes": set()}
#: Routes whose body is a form, not JSON (they are fuzzed with form fields).
FORM_ROUTES = {"/login", "/logout"}
FIELDS = ["name", "kind", "graph_id", "run_id", "revision", "version", "parameters", "compute", "to", "rerun",
          "document", "settings", "data", "Inputs", "GlobalParameters", "make_default", "pipeline_id", "role",
          "password", "format", "nodes", "edges", "run_ids", "tags", "description", "display_name", "node",
          "port", "model", "entry_script", "path", "datastore", "url", "query", "cron", "every", "enabled"]
TINY = {"format": "designer-graph/1", "name": "tiny", "nodes": [
    {"id": "data", "component": "enter-data-manually", "params": {"data": "a,b\n1,2\n3,4"}}], "edges": []}


def _wait(client, run_id: str) -> dict:
    deadline = time.monotonic() + 120
    while True:
        run = client.get(f"/api/runs/{run_id}").get_json()
        if run["status"] in ("completed", "failed", "cancelled") or time.monotonic() > deadline:
            return run
        time.sleep(0.05)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """An app with a tiny graph and its run, a published pipeline, and a deployed iris endpoint."""
    # A SQLite file (runs record from their own threads, which one shared in-memory connection cannot take).
    app = create_app(home=tmp_path_factory.mktemp("fuzz-home"),
                     config={"STATIC_DIST": str(tmp_path_factory.mktemp("no-dist")), "DESIGNER_AUTH": "off"})
    client = app.test_client()
    tiny = client.post("/api/graphs", json=TINY).get_json()["id"]
    tiny_run = _wait(client, client.post(f"/api/graphs/{tiny}/runs", json={}).get_json()["run_id"])
    published = client.post(f"/api/graphs/{tiny}/publish", json={}).get_json()
    iris = client.post("/api/graphs", json=json.loads((EXAMPLES / "iris-classification.json").read_text()))
    iris_id = iris.get_json()["id"]
    iris_run = _wait(client, client.post(f"/api/graphs/{iris_id}/runs", json={}).get_json()["run_id"])
    assert iris_run["status"] == "completed"
    realtime = client.post(f"/api/graphs/{iris_id}/inference-graph",
                           json={"kind": "realtime", "run_id": iris_run["run_id"]}).get_json()["id"]
    endpoint = client.post("/api/endpoints", json={"name": "fuzz-iris", "graph_id": realtime}).get_json()
    world = {
        "client": client, "app": app,
        "ids": {"graph_id": [tiny, realtime], "run_id": [tiny_run["run_id"], iris_run["run_id"]],
                "pipeline_id": [published["pipeline_id"]], "name": ["fuzz-iris"], "node_id": ["data", "score"],
                "port": ["dataset", "scored_dataset"]},
        "keys": {"/pipelines/": published["key"], "/endpoints/": endpoint["key"]},
        "real_ids": [tiny, realtime, tiny_run["run_id"], iris_run["run_id"], published["pipeline_id"], "fuzz-iris"],
    }
    yield world
    designer = app.extensions["designer"]
    for run_id in list(designer._threads):
        designer.cancel_run(run_id)
        designer.wait(run_id, 30)
    close_app(app)


def body_routes(app) -> list:
    """(rule, method) for every route that may read a body."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}):
            found.append((rule, method))
    return sorted(found, key=lambda pair: (pair[0].rule, pair[1]))


path_values = st.one_of(st.text(min_size=1, max_size=30).filter(lambda t: "/" not in t),
                        st.sampled_from(["..", "%00", "a\x00b", "\ud800", "x" * 3000, "9" * 30]))


@st.composite
def requests(draw, world):
    if "strategies" not in world:
        world["strategies"] = {"route": st.sampled_from(body_routes(world["app"])),
                               "value": st.one_of(values(), st.sampled_from(world["real_ids"])),
                               "keys": st.lists(st.sampled_from(FIELDS), max_size=6, unique=True)}
    strategies = world["strategies"]
    rule, method = draw(strategies["route"])
    params = {}
    for name in rule.arguments:
        real = world["ids"].get(name, [])
        if method != "DELETE" and real and draw(st.booleans()):
            params[name] = draw(st.sampled_from(real))
        else:
            params[name] = draw(path_values)
    shape = draw(st.sampled_from(("object", "object", "object", "value", "raw", "hostile")))
    if shape == "object":
        body = {key: draw(strategies["value"]) for key in draw(strategies["keys"])}
        data = to_text(body).encode("utf-8", "surrogatepass")
    elif shape == "value":
        data = to_text(draw(values())).encode("utf-8", "surrogatepass")
    elif shape == "hostile":
        data = draw(st.sampled_from(HOSTILE_TEXTS)).encode()
    else:
        data = draw(st.binary(max_size=200))
    content_type = draw(st.sampled_from(("application/json",) * 6 + ("text/plain", None, "application/x-www-form-urlencoded")))
    headers = {"Content-Type": content_type} if content_type else {}
    key = next((k for prefix, k in world["keys"].items() if rule.rule.startswith(prefix)), None)
    if key and draw(st.integers(0, 3)):
        headers["Authorization"] = f"Bearer {key}"
    return rule, method, params, data, headers


def _url(rule, params) -> str:
    from urllib.parse import quote

    path = rule.rule
    for name, value in params.items():
        path = path.replace(f"<{name}>", quote(value.encode("utf-8", "surrogatepass"), safe=""))
        for converter in ("path", "int", "string"):
            path = path.replace(f"<{converter}:{name}>", quote(value.encode("utf-8", "surrogatepass"), safe=""))
    return path


def test_every_body_reading_route_is_in_the_fuzz(world):
    paths = {rule.rule for rule, _ in body_routes(world["app"])}
    for expected in ("/api/graphs", "/api/graphs/<graph_id>", "/api/graphs/<graph_id>/runs", "/api/validate",
                     "/api/graphs/<graph_id>/publish", "/api/graphs/<graph_id>/inference-graph",
                     "/api/endpoints", "/endpoints/<name>/score", "/pipelines/<pipeline_id>/runs",
                     "/api/compute", "/api/users", "/api/tokens", "/api/runs/<run_id>/cancel"):
        assert expected in paths


@settings(max_examples=BODIES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_bodies_get_a_json_answer_and_never_a_5xx(world, data):
    rule, method, params, body, headers = data.draw(requests(world))
    FUZZED["bodies"] += 1
    FUZZED["routes"].add((rule.rule, method))
    response = world["client"].open(_url(rule, params), method=method, data=body, headers=headers)
    if response.status_code >= 500:
        FUZZED["5xx"] += 1
    if rule.rule in FORM_ROUTES and response.status_code < 500:
        return  # the sign-in page answers HTML by design
    assert_json_answer(response, f"{method} {rule.rule} {params} {body[:200]!r} {headers}")


def test_the_fuzz_sent_its_bodies_to_every_route_and_saw_no_5xx(world):
    if FUZZED["bodies"] == 0:
        pytest.skip("run with the fuzz test above")
    every = set((rule.rule, method) for rule, method in body_routes(world["app"]))
    print(f"\nfuzzed {FUZZED['bodies']} request bodies over {len(FUZZED['routes'])} routes, "
          f"{FUZZED['5xx']} answered 5xx")
    assert FUZZED["bodies"] >= BODIES and FUZZED["5xx"] == 0
    assert FUZZED["routes"] == every, every - FUZZED["routes"]
