"""Real-time endpoints over HTTP: deploying, keys, every 4xx of scoring, Swagger, and surviving a restart."""
from __future__ import annotations

import pytest

from designer.server import close_app, create_app
from inference_support import bearer

IRIS_ROW = {"sepal length (cm)": 5.1, "sepal width (cm)": 3.5, "petal length (cm)": 1.4, "petal width (cm)": 0.2}


@pytest.fixture
def iris(trained):
    """(endpoint name, key) of the deployed iris classifier."""
    return trained.endpoint("iris-classification")


def score(client, name, body, key=None, **options):
    headers = bearer(key) if key else {}
    return client.post(f"/endpoints/{name}/score", json=body, headers=headers, **options)


def error_of(response) -> dict:
    return response.get_json()["error"]


# ---------------------------------------------------------------- deploying

def test_deploy_answers_url_and_a_key_shown_once(client, trained):
    graph_id = trained.inference_graph("iris-classification", "realtime")
    response = client.post("/api/endpoints", json={"name": "iris-once", "graph_id": graph_id})
    assert response.status_code == 201
    body = response.get_json()
    assert body["url"].endswith("/endpoints/iris-once/score") and len(body["key"]) >= 32
    listed = client.get("/api/endpoints").get_json()["endpoints"]
    assert any(e["name"] == "iris-once" for e in listed) and all("key" not in e for e in listed)
    shown = client.get("/api/endpoints/iris-once").get_json()
    assert "key" not in shown and "key_hash" not in shown
    assert [c["name"] for c in shown["inputs"][0]["columns"]] == list(IRIS_ROW)
    assert score(client, "iris-once", {"data": [IRIS_ROW]}, body["key"]).status_code == 200


def test_deploying_a_taken_name_is_a_conflict(client, trained, iris):
    graph_id = trained.inference_graph("iris-classification", "realtime")
    response = client.post("/api/endpoints", json={"name": iris[0], "graph_id": graph_id})
    assert response.status_code == 409


@pytest.mark.parametrize("name", ["Iris", "has space", "-dash", "a" * 64, ""])
def test_deploying_with_a_bad_name_is_refused(client, trained, name):
    graph_id = trained.inference_graph("iris-classification", "realtime")
    response = client.post("/api/endpoints", json={"name": name, "graph_id": graph_id})
    assert response.status_code == 400 and error_of(response)["code"] == "invalid-name"


def test_deploying_a_training_graph_is_refused(client, trained):
    response = client.post("/api/endpoints", json={"name": "not-realtime",
                                                   "graph_id": trained.graphs["iris-classification"]})
    assert response.status_code == 400 and error_of(response)["code"] == "not-realtime-graph"


def test_deploying_an_unknown_graph_is_404(client):
    assert client.post("/api/endpoints", json={"name": "ghost", "graph_id": "nope"}).status_code == 404


def test_deploy_needs_name_and_graph_id(client):
    response = client.post("/api/endpoints", json={"name": "x"})
    assert response.status_code == 400 and error_of(response)["code"] == "missing-field"


# ---------------------------------------------------------------- keys

def test_scoring_without_a_key_is_401_with_a_bearer_challenge(scoring_client, iris):
    response = score(scoring_client, iris[0], {"data": [IRIS_ROW]})
    assert response.status_code == 401 and error_of(response)["code"] == "missing-key"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_scoring_with_a_wrong_key_is_401(scoring_client, iris):
    response = score(scoring_client, iris[0], {"data": [IRIS_ROW]}, key="not-the-key")
    assert response.status_code == 401 and error_of(response)["code"] == "invalid-key"
    response = scoring_client.post(f"/endpoints/{iris[0]}/score", json={"data": [IRIS_ROW]},
                           headers={"Authorization": f"Basic {iris[1]}"})
    assert response.status_code == 401


def test_another_endpoints_key_does_not_open_this_one(scoring_client, trained, iris):
    _, other_key = trained.endpoint("diabetes-regression")
    assert score(scoring_client, iris[0], {"data": [IRIS_ROW]}, other_key).status_code == 401


def test_scoring_an_unknown_endpoint_is_404(scoring_client):
    response = score(scoring_client, "no-such-endpoint", {"data": [IRIS_ROW]}, key="whatever")
    assert response.status_code == 404


def test_rotating_the_key_retires_the_old_one(client, trained):
    graph_id = trained.inference_graph("iris-classification", "realtime")
    old = client.post("/api/endpoints", json={"name": "iris-rotate", "graph_id": graph_id}).get_json()["key"]
    assert score(client, "iris-rotate", {"data": [IRIS_ROW]}, old).status_code == 200
    new = client.post("/api/endpoints/iris-rotate/rotate-key", json={}).get_json()["key"]
    assert new != old
    assert score(client, "iris-rotate", {"data": [IRIS_ROW]}, old).status_code == 401
    assert score(client, "iris-rotate", {"data": [IRIS_ROW]}, new).status_code == 200


def test_a_deleted_endpoint_is_gone(client, trained):
    graph_id = trained.inference_graph("iris-classification", "realtime")
    key = client.post("/api/endpoints", json={"name": "iris-delete", "graph_id": graph_id}).get_json()["key"]
    assert score(client, "iris-delete", {"data": [IRIS_ROW]}, key).status_code == 200
    assert client.delete("/api/endpoints/iris-delete").status_code == 204
    assert score(client, "iris-delete", {"data": [IRIS_ROW]}, key).status_code == 404
    assert client.get("/api/endpoints/iris-delete").status_code == 404
    assert client.delete("/api/endpoints/iris-delete").status_code == 404


def test_keys_are_stored_hashed(trained, iris):
    import sqlite3

    database = trained.designer.home.path / "designer.db"
    with sqlite3.connect(database) as connection:
        dump = "\n".join(connection.iterdump())
    assert iris[1] not in dump


# ---------------------------------------------------------------- payloads

@pytest.mark.parametrize("body, code, column", [
    ({"data": [{k: v for k, v in IRIS_ROW.items() if k != "petal width (cm)"}]}, "missing-column", "petal width (cm)"),
    ({"data": [{**IRIS_ROW, "colour": "blue"}]}, "unknown-column", "colour"),
    ({"data": [{**IRIS_ROW, "sepal width (cm)": "wide"}]}, "wrong-type", "sepal width (cm)"),
    ({"data": [{**IRIS_ROW, "sepal width (cm)": True}]}, "wrong-type", "sepal width (cm)"),
    ({"data": [IRIS_ROW, {**IRIS_ROW, "petal length (cm)": [1]}]}, "wrong-type", "petal length (cm)"),
])
def test_rows_that_do_not_fit_are_400_naming_the_column(scoring_client, iris, body, code, column):
    response = score(scoring_client, iris[0], body, iris[1])
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["details"]["column"]) == (code, column)
    assert repr(column) in error["message"]


@pytest.mark.parametrize("label", ["setosa", "", None])
def test_the_label_column_may_be_sent_and_is_ignored(scoring_client, iris, label):
    # Azure ML's generated samples send the label column, often empty; the answer is the same without it.
    plain = score(scoring_client, iris[0], {"data": [IRIS_ROW]}, iris[1])
    response = score(scoring_client, iris[0], {"data": [{**IRIS_ROW, "species": label}]}, iris[1])
    assert response.status_code == 200 and response.get_json() == plain.get_json()
    azure = score(scoring_client, iris[0], {"Inputs": {"WebServiceInput0": [{**IRIS_ROW, "species": label}]}}, iris[1])
    assert "species" not in azure.get_json()["Results"]["WebServiceOutput0"][0]


@pytest.mark.parametrize("body, code", [
    ({"data": []}, "empty-payload"),
    ({"data": [IRIS_ROW] * 10_001}, "too-many-rows"),
    ({"rows": [IRIS_ROW]}, "missing-data"),
    ({"data": IRIS_ROW}, "bad-payload"),
    ({"data": ["not an object"]}, "bad-payload"),
    ([IRIS_ROW], "bad-payload"),
    ({"Inputs": {"input1": [IRIS_ROW]}}, "unknown-input"),
    ({"Inputs": {}}, "missing-input"),
    ({"Inputs": [IRIS_ROW]}, "bad-payload"),
    ({"Inputs": {"WebServiceInput0": [IRIS_ROW]}, "GlobalParameters": {"threshold": 1}}, "unknown-parameter"),
])
def test_empty_oversize_and_misshapen_payloads_are_400(scoring_client, iris, body, code):
    response = score(scoring_client, iris[0], body, iris[1])
    assert response.status_code == 400 and error_of(response)["code"] == code


def test_missing_numbers_that_the_model_cannot_score_are_400(scoring_client, iris):
    response = score(scoring_client, iris[0], {"data": [{**IRIS_ROW, "sepal width (cm)": None}]}, iris[1])
    assert response.status_code == 400 and error_of(response)["code"] == "scoring-failed"
    assert "sepal width (cm)" in error_of(response)["message"]


def test_a_body_that_is_not_json_is_refused(scoring_client, iris):
    response = scoring_client.post(f"/endpoints/{iris[0]}/score", data="{not json", headers={
        **bearer(iris[1]), "Content-Type": "application/json"})
    assert response.status_code == 400 and error_of(response)["code"] == "invalid-json"
    response = scoring_client.post(f"/endpoints/{iris[0]}/score", data="a=1", headers={
        **bearer(iris[1]), "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415


def test_integers_are_accepted_for_number_columns(scoring_client, iris):
    row = {k: int(v) for k, v in IRIS_ROW.items()}
    response = score(scoring_client, iris[0], {"data": [row]}, iris[1])
    assert response.status_code == 200
    assert response.get_json()["predictions"][0]["label"] in ("setosa", "versicolor", "virginica")


# ---------------------------------------------------------------- description and restarts

def test_swagger_describes_the_input_columns(client, iris):
    response = client.get(f"/endpoints/{iris[0]}/swagger.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    request_schema = spec["paths"][f"/endpoints/{iris[0]}/score"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]["oneOf"][0]
    row = request_schema["properties"]["data"]["items"]
    assert row["required"] == list(IRIS_ROW)
    assert all(row["properties"][c]["type"] == "number" for c in IRIS_ROW)
    assert client.get("/endpoints/no-such-endpoint/swagger.json").status_code == 404


def test_an_endpoint_survives_a_restart(trained, iris):
    first = score(trained.client, iris[0], {"data": [IRIS_ROW]}, iris[1]).get_json()
    restarted = create_app(home=str(trained.home))
    try:
        client = restarted.test_client()
        assert any(e["name"] == iris[0] for e in client.get("/api/endpoints").get_json()["endpoints"])
        response = score(client, iris[0], {"data": [IRIS_ROW]}, iris[1])
        assert response.status_code == 200 and response.get_json() == first
        assert score(client, iris[0], {"data": [IRIS_ROW]}, "wrong").status_code == 401
    finally:
        close_app(restarted)


def test_an_endpoint_whose_model_went_missing_is_503_and_marked_unhealthy(client, trained):
    import copy

    graph = client.get(f"/api/graphs/{trained.inference_graph('iris-classification', 'realtime')}").get_json()
    document = copy.deepcopy(graph["document"])
    next(n for n in document["nodes"] if n["component"] == "trained-model")["params"] = {"digest": "0" * 64}
    key = trained.designer.store.create_endpoint("iris-broken", graph["id"], graph["revision"], document)["key"]
    response = score(client, "iris-broken", {"data": [IRIS_ROW]}, key)
    assert response.status_code == 503 and error_of(response)["code"] == "endpoint-unavailable"
    assert client.get("/api/endpoints/iris-broken").get_json()["status"] == "unhealthy"
