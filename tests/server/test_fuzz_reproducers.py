"""The inputs that once broke the server, each now a 4xx JSON error (or a failed node), never a 500 or a hung run."""
from __future__ import annotations

import http.client
import json
import threading

import pytest
from werkzeug.serving import make_server

from designer.server import close_app, create_app

JSON = {"Content-Type": "application/json"}


def error_of(response) -> dict:
    assert response.status_code < 500, response.get_data(as_text=True)
    return response.get_json()["error"]


@pytest.mark.parametrize("route", ["/api/graphs", "/api/validate"])
def test_json_nested_a_thousand_deep_is_a_400(app_client, route):
    deep = '{"format": "designer-graph/1", "name": "x", "nodes": [], "edges": [], "description": ' \
           + "[" * 1000 + "]" * 1000 + "}"
    response = app_client.post(route, data=deep, headers=JSON)
    assert response.status_code == 400
    assert "nested too deeply" in error_of(response)["message"]


def test_json_nested_past_the_parsers_own_limit_is_a_400(app_client):
    response = app_client.post("/api/graphs", data="[" * 100_000 + "]" * 100_000, headers=JSON)
    assert response.status_code == 400 and error_of(response)["code"] == "invalid-json"


def test_an_integer_literal_of_five_thousand_digits_is_a_400(app_client, iris):
    text = json.dumps(iris).replace('"seed": 7', '"seed": ' + "9" * 5000)
    response = app_client.post("/api/graphs", data=text, headers=JSON)
    assert response.status_code == 400 and "digits" in error_of(response)["message"]


@pytest.mark.parametrize("escape", ["\\ud800", "a\\udfffb", "\\udc00\\ud800"])
def test_a_lone_surrogate_is_a_400_not_an_encoding_error_at_the_database(app_client, iris, escape):
    text = json.dumps(iris).replace('"Iris classification"', f'"{escape}"')
    response = app_client.post("/api/graphs", data=text, headers=JSON)
    assert response.status_code == 400 and "surrogate" in error_of(response)["message"]


def test_a_proper_surrogate_pair_is_text_and_is_kept(app_client, iris):
    text = json.dumps(iris).replace('"Iris classification"', '"flowers \\ud83c\\udf38"')
    created = app_client.post("/api/graphs", data=text, headers=JSON)
    assert created.status_code == 201
    assert app_client.get(f"/api/graphs/{created.json['id']}").json["name"] == "flowers \U0001F338"


@pytest.mark.parametrize("value", [2**63, 2**64, -(2**63) - 1, 2**31])
def test_revisions_and_versions_beyond_the_database_integers_are_400s(app_client, saved_graph, iris, value):
    graph_id = saved_graph(iris)
    put = app_client.put(f"/api/graphs/{graph_id}", data=f'{{"revision": {value}, "document": {json.dumps(iris)}}}',
                         headers=JSON)
    assert put.status_code == 400 and error_of(put)["details"]["field"] == "revision"
    run = app_client.post(f"/api/graphs/{graph_id}/runs", data=f'{{"revision": {value}}}', headers=JSON)
    assert run.status_code == 400
    publish = app_client.post(f"/api/graphs/{graph_id}/publish", json={})
    pipeline = publish.json
    version = app_client.post(f"/pipelines/{pipeline['pipeline_id']}/runs", data=f'{{"version": {value}}}',
                              headers={**JSON, "Authorization": f"Bearer {pipeline['key']}"})
    assert version.status_code == 400
    query = app_client.get(f"/api/graphs/{graph_id}?revision={value}")
    assert query.status_code == 400


def test_a_nul_byte_in_a_path_parameter_is_refused_at_the_door(app_client):
    document = {"format": "designer-graph/1", "name": "nul", "edges": [], "nodes": [
        {"id": "read", "component": "import-data", "params": {"path": "a\u0000b.csv"}}]}
    response = app_client.post("/api/graphs", json=document)
    assert response.status_code == 400 and "NUL" in error_of(response)["message"]


@pytest.mark.parametrize("path", ["/api/graphs/a%00b", "/api/runs/a%00b", "/api/graphs?x=a%00b",
                                  "/api/graphs/" + "x" * 3000])
def test_nul_bytes_and_absurd_lengths_in_the_url_are_400s(app_client, path):
    response = app_client.get(path)
    assert response.status_code == 400 and error_of(response)["code"] == "invalid-url"


def test_an_over_long_string_is_a_400(app_client, iris):
    iris["description"] = "x" * 4_000_001
    response = app_client.post("/api/graphs", json=iris)
    assert response.status_code == 400 and "characters long" in error_of(response)["message"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_nan_and_infinity_are_refused_at_the_door(app_client, iris, literal):
    text = json.dumps(iris).replace('"seed": 7', f'"seed": {literal}')
    response = app_client.post("/api/graphs", data=text, headers=JSON)
    assert response.status_code == 400 and error_of(response)["code"] == "invalid-json"


def test_what_is_stored_exports_as_a_document_that_imports_again(app_client, saved_graph, iris):
    iris["nodes"][1]["params"]["test_fraction"] = 1e-300
    exported = app_client.get(f"/api/graphs/{saved_graph(iris)}/export")
    assert app_client.post("/api/graphs/import", data=exported.data, headers=JSON).status_code == 201


def test_a_chunked_body_over_the_limit_is_a_413_not_a_cut_off_json_error(tmp_path):
    app = create_app(home=tmp_path / "home", config={"MAX_CONTENT_LENGTH": 4096,
                                                     "STATIC_DIST": str(tmp_path / "no-dist")})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        body = json.dumps({"format": "designer-graph/1", "name": "x" * 10_000, "nodes": [], "edges": []}).encode()
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
        connection.request("POST", "/api/graphs", body=iter([body[i:i + 512] for i in range(0, len(body), 512)]),
                           headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                           encode_chunked=True)
        response = connection.getresponse()
        answer = json.loads(response.read())
        assert response.status == 413 and answer["error"]["code"] == "payload-too-large"
        small = json.dumps({"format": "designer-graph/1", "name": "small", "nodes": [], "edges": []}).encode()
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
        connection.request("POST", "/api/graphs", body=iter([small]),
                           headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                           encode_chunked=True)
        assert connection.getresponse().status == 201
    finally:
        server.shutdown()
        close_app(app)


# ---------------------------------------------------------------- runs never hang

NUL_IMPORT = {"format": "designer-graph/1", "name": "nul", "edges": [
    {"source": "read", "source_port": "dataset", "target": "after", "target_port": "dataset"}], "nodes": [
    {"id": "read", "component": "import-data", "params": {"path": "a\u0000b.csv"}},
    {"id": "after", "component": "remove-duplicate-rows", "params": {}},
    {"id": "other", "component": "sample-dataset", "params": {"name": "iris"}}]}


def test_a_nul_byte_path_that_reaches_a_run_fails_its_node_and_the_run_finishes(designer):
    result = designer.run(NUL_IMPORT)
    assert result.status == "failed"
    assert result.nodes["read"].status == "failed" and "NUL" in result.nodes["read"].error
    assert result.nodes["after"].status == "skipped" and result.nodes["other"].status == "completed"
    stored = designer.store.get_run(result.run_id)
    assert {n["status"] for n in stored["nodes"].values()} <= {"failed", "skipped", "completed"}


def test_an_unexpected_error_while_starting_a_node_fails_only_that_node(designer, monkeypatch):
    from designer.execution import executor

    real = executor.cache_key

    def broken(component_id, *args, **kwargs):
        if component_id == "remove-duplicate-rows":
            raise RuntimeError("something nobody expected")
        return real(component_id, *args, **kwargs)

    monkeypatch.setattr(executor, "cache_key", broken)
    document = {**NUL_IMPORT, "nodes": [{"id": "read", "component": "sample-dataset", "params": {}},
                                        *NUL_IMPORT["nodes"][1:]]}
    result = designer.run(document)
    assert result.nodes["after"].status == "failed"
    assert "something nobody expected" in result.nodes["after"].error
    # read and other are the same node twice: whichever starts second is served from the cache
    assert result.nodes["read"].status in ("completed", "cached") and result.status == "failed"


def test_an_executor_crash_ends_the_run_and_leaves_no_node_queued_or_running(designer, monkeypatch):
    def crash(*_args, **_kwargs):
        raise RuntimeError("executor bug")

    monkeypatch.setattr(designer.executor, "run", crash)
    run_id = designer.start_run({**NUL_IMPORT, "nodes": NUL_IMPORT["nodes"][2:], "edges": []})
    designer.wait(run_id, 30)
    run = designer.store.get_run(run_id)
    assert run["status"] == "failed" and "executor bug" in run["error"]
    assert all(n["status"] not in ("queued", "running") for n in run["nodes"].values())


def test_start_up_cleans_nodes_left_queued_or_running_under_finished_runs(make_app, iris):
    app = make_app()
    store = app.extensions["designer"].store
    run_id = store.create_run(iris, compute="local", parameters={}, kind="manual")
    store.apply_node_updates(run_id, [{"node_id": "iris", "status": "completed"},
                                      {"node_id": "split", "status": "running"},
                                      {"node_id": "train", "status": "queued"}])
    store.set_run_status(run_id, "failed", error="internal error: embedded null byte")
    make_app()  # a restart
    nodes = store.get_run(run_id)["nodes"]
    assert nodes["iris"]["status"] == "completed"
    assert nodes["split"]["status"] == "failed" and nodes["split"]["error"]
    assert nodes["train"]["status"] == "cancelled"


@pytest.mark.parametrize("route", ["/api/graphs/{graph}/revisions/9223372036854775808",
                                   "/api/graphs/{graph}/revisions/99999999999999999999999/diff",
                                   "/api/datasets/d/versions/9223372036854775808"])
def test_a_revision_or_version_past_64_bits_is_a_404(app_client, iris, route):
    graph = app_client.post("/api/graphs", json=iris).get_json()["id"]
    response = app_client.get(route.format(graph=graph))
    assert response.status_code == 404 and error_of(response)["code"] == "not-found"
    restore = app_client.post(f"/api/graphs/{graph}/revisions/9223372036854775808/restore", json={})
    assert restore.status_code == 404 and error_of(restore)["code"] == "not-found"


@pytest.mark.parametrize("body", [{"parameters": 9223372036854775808}, {"nodes": [{"id": ["x"]}], "edges": {}},
                                  {"nodes": [{"id": "a", "component": ["split-data"], "params": 3}],
                                   "edges": [{"source": ["a"], "target": "a", "source_port": {}}],
                                   "parameters": [{"name": ["cols"]}]}])
def test_a_draft_of_any_shape_gets_its_schemas_not_a_500(app_client, body):
    response = app_client.post("/api/graphs/schema", json=body)
    if response.status_code != 200:
        assert error_of(response)["code"] == "invalid-document"


@pytest.mark.parametrize("body", ['{"data": [{"x": ' + "9" * 5000 + '}]}', '{"data": ' + "[" * 5000 + "]" * 5000 + "}"])
def test_a_scoring_body_with_a_huge_integer_or_deep_nesting_is_a_400(body):
    """The scoring route parses its own bodies (fast path); a body the parser refuses is the caller's mistake."""
    from designer.serving.scoring import Refused, read_json

    with pytest.raises(Refused) as refused:
        read_json(body.encode())
    assert refused.value.response.status == 400
