"""Blue/green: two deployments behind one endpoint share its requests by percentage; the split is pure data too."""
from __future__ import annotations

import collections

import pytest

from designer.serving.endpoint import DeploymentError
from designer.serving.traffic import check_traffic, with_deployment, without_deployment
from workspace_support import AZURE_DOCS_SCORE_PY, bearer, deploy

LABELLED = AZURE_DOCS_SCORE_PY.replace("return y_hat.tolist()", 'return {"green": y_hat.tolist()}')


def test_adding_a_deployment_rescales_the_others_and_removing_it_gives_its_share_back():
    single = {"kind": "entry-script", "model": "m:1"}
    split = with_deployment(single, "green", {"kind": "entry-script", "model": "m:2"}, 25,
                            source={"kind": "entry-script", "model": "m:2"},
                            single_source={"kind": "entry-script", "model": "m:1"})
    assert split["traffic"] == {"blue": 75, "green": 25}
    assert split["sources"]["blue"] == {"kind": "entry-script", "model": "m:1"}
    three = with_deployment(split, "canary", {"kind": "entry-script", "model": "m:3"}, 10)
    assert three["traffic"] == {"blue": 68, "green": 22, "canary": 10}
    assert without_deployment(split, "green") == single
    with pytest.raises(DeploymentError):
        without_deployment(single, "blue")
    with pytest.raises(DeploymentError):
        check_traffic({"blue": 60, "green": 30}, ["blue", "green"])
    with pytest.raises(DeploymentError):
        check_traffic({"blue": 100, "red": 0}, ["blue", "green"])
    with pytest.raises(DeploymentError):
        with_deployment(single, "Green!", single, 10)


def test_two_deployments_share_the_endpoints_requests_by_their_traffic(workspace, iris_model):
    client = workspace.client
    model, X = iris_model
    key = deploy(client, "blue-green", model, AZURE_DOCS_SCORE_PY)["key"]
    added = client.post("/api/endpoints/blue-green/deployments",
                        json={"name": "green", "model": model, "entry_script": LABELLED, "traffic": 50})
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["deployment"]["traffic"] == {"blue": 50, "green": 50}
    served = collections.Counter()
    for _ in range(60):
        response = client.post("/endpoints/blue-green/score", json={"data": X[:1].tolist()}, headers=bearer(key))
        assert response.status_code == 200
        served[response.headers["X-Deployment"]] += 1
        assert response.get_json() == ([0] if response.headers["X-Deployment"] == "blue" else {"green": [0]})
    assert served["blue"] > 5 and served["green"] > 5

    moved = client.put("/api/endpoints/blue-green/traffic", json={"blue": 0, "green": 100})
    assert moved.status_code == 200, moved.get_json()
    for _ in range(10):
        response = client.post("/endpoints/blue-green/score", json={"data": X[:1].tolist()}, headers=bearer(key))
        assert response.headers["X-Deployment"] == "green"
    shown = client.get("/api/endpoints/blue-green").get_json()["deployment"]
    assert [d["name"] for d in shown["deployments"]] == ["blue", "green"]
    assert shown["deployments"][1]["model"] == model

    assert client.put("/api/endpoints/blue-green/traffic", json={"blue": 10, "green": 10}).status_code == 400
    assert client.delete("/api/endpoints/blue-green/deployments/purple").status_code == 400
    removed = client.delete("/api/endpoints/blue-green/deployments/blue")
    assert removed.status_code == 200 and removed.get_json()["deployment"]["kind"] == "entry-script"
    response = client.post("/endpoints/blue-green/score", json={"data": X[:1].tolist()}, headers=bearer(key))
    assert response.get_json() == {"green": [0]} and "X-Deployment" not in response.headers
    assert client.put("/api/endpoints/blue-green/traffic", json={"green": 100}).status_code == 400
    client.delete("/api/endpoints/blue-green")
