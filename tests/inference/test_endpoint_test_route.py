"""The endpoint page's Test tab scores through /api (the signed-in user), not with the key shown once."""
from __future__ import annotations

from designer.serving import MAX_ROWS

IRIS_ROW = {"sepal length (cm)": 5.1, "sepal width (cm)": 3.5, "petal length (cm)": 1.4, "petal width (cm)": 0.2}


def test_the_test_route_scores_without_the_endpoint_key(client, trained):
    name, _ = trained.endpoint("iris-classification")
    response = client.post(f"/api/endpoints/{name}/test", json={"data": [IRIS_ROW]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["predictions"][0]["label"] == "setosa"
    assert client.post(f"/endpoints/{name}/score", json={"data": [IRIS_ROW]}).status_code == 401


def test_the_endpoint_tells_how_many_rows_one_request_may_send(client, trained):
    name, _ = trained.endpoint("iris-classification")
    assert client.get(f"/api/endpoints/{name}").get_json()["max_rows"] == MAX_ROWS == 10_000


def test_testing_bad_rows_or_an_unknown_endpoint_is_refused(client, trained):
    name, _ = trained.endpoint("iris-classification")
    bad = client.post(f"/api/endpoints/{name}/test", json={"data": [{"sepal length (cm)": "tall"}]})
    assert bad.status_code == 400
    too_many = client.post(f"/api/endpoints/{name}/test", json={"data": [IRIS_ROW] * (MAX_ROWS + 1)})
    assert too_many.status_code in (400, 413)
    assert client.post("/api/endpoints/no-such-endpoint/test", json={"data": [IRIS_ROW]}).status_code == 404
