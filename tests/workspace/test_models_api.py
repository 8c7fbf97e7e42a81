"""The model registry over HTTP: register from a run or a file, every refusal, search, edit, lineage, download."""
from __future__ import annotations

import io
import json
import threading
import zipfile

import joblib
import pytest
from sklearn.datasets import load_iris
from sklearn.tree import DecisionTreeClassifier


def register(client, **body):
    return client.post("/api/models", json=body)


def upload(client, name, data: bytes, flavor="sklearn", filename="model.pkl", **form):
    return client.post("/api/models", data={"name": name, "flavor": flavor, "file": (io.BytesIO(data), filename),
                                            **form}, content_type="multipart/form-data")


def sklearn_bytes() -> bytes:
    X, y = load_iris(return_X_y=True)
    buffer = io.BytesIO()
    joblib.dump(DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y), buffer)
    return buffer.getvalue()


def error(response) -> dict:
    return response.get_json()["error"]


def test_second_registration_of_a_run_output_makes_version_2(client, workspace):
    first = register(client, name="iris-tree", run_id=workspace.runs["iris"], node="train",
                     tags={"stage": "dev"}, description="first try")
    second = register(client, name="iris-tree", run_id=workspace.runs["iris"], node="train", port="trained_model")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json() == {"name": "iris-tree", "version": 1}
    assert second.get_json() == {"name": "iris-tree", "version": 2}
    versions = client.get("/api/models/iris-tree").get_json()["versions"]
    assert [v["version"] for v in versions] == [2, 1]


def test_a_version_shows_its_lineage_and_the_metrics_of_its_run(client, workspace):
    version = register(client, name="iris-lineage", run_id=workspace.runs["iris"], node="train").get_json()["version"]
    shown = client.get(f"/api/models/iris-lineage/versions/{version}").get_json()
    lineage = shown["lineage"]
    assert lineage["run_id"] == workspace.runs["iris"] and lineage["node"] == "train"
    assert lineage["graph_id"] == workspace.graphs["iris"] and lineage["revision"] == 1
    assert lineage["run"]["experiment"] == "iris-exp"
    assert 0.5 < lineage["metrics"]["eval.accuracy"] <= 1.0
    assert lineage["datasets"] == []


def test_registering_a_port_that_is_not_a_trained_model_names_its_type(client, workspace):
    response = register(client, name="not-a-model", run_id=workspace.runs["iris"], node="eval", port="metrics")
    assert response.status_code == 400
    assert "Metrics" in error(response)["message"] and error(response)["details"]["type"] == "Metrics"
    assert client.get("/api/models/not-a-model").status_code == 404


@pytest.mark.parametrize("body, status, what", [
    ({"name": "m", "run_id": "0" * 32, "node": "train"}, 404, "0" * 32),
    ({"name": "m", "run_id": None, "node": "train"}, 400, "run_id"),
    ({"name": "has space", "run_id": "RUN", "node": "train"}, 400, "has space"),
    ({"name": "m", "run_id": "RUN", "node": "nowhere"}, 404, "nowhere"),
    ({"name": "m", "run_id": "RUN", "node": "train", "port": "nope"}, 404, "nope"),
    ({"name": "m", "run_id": "RUN", "node": "split"}, 400, "TrainedModel"),
])
def test_registering_from_a_run_refuses_bad_references(client, workspace, body, status, what):
    body = {k: (workspace.runs["iris"] if v == "RUN" else v) for k, v in body.items()}
    response = register(client, **body)
    assert response.status_code == status, response.get_json()
    assert what in error(response)["message"]


def test_unknown_model_and_version_are_404_with_the_name(client, workspace):
    register(client, name="iris-known", run_id=workspace.runs["iris"], node="train")
    for path, named in (("/api/models/never-made", "never-made"), ("/api/models/iris-known/versions/9", "iris-known:9"),
                        ("/api/models/iris-known/versions/9/download", "iris-known:9")):
        response = client.get(path)
        assert response.status_code == 404 and named in error(response)["message"]
    assert client.get("/api/models/iris-known/versions/x").status_code == 400
    assert client.patch("/api/models/never-made/versions/1", json={"tags": {}}).status_code == 404


def test_uploaded_sklearn_file_is_registered_and_downloads_as_a_zip(client):
    response = upload(client, "uploaded-tree", sklearn_bytes(), filename="model.pkl", tags="origin=laptop")
    assert response.status_code == 201 and response.get_json() == {"name": "uploaded-tree", "version": 1}
    version = client.get("/api/models/uploaded-tree/versions/1").get_json()
    assert version["flavor"] == "sklearn" and version["tags"] == {"origin": "laptop"}
    assert version["properties"]["summary"]["class"].endswith("DecisionTreeClassifier")
    download = client.get("/api/models/uploaded-tree/versions/1/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    assert "model.pkl" in archive.namelist()
    assert json.loads(archive.read("model-version.json"))["flavor"] == "sklearn"
    model = joblib.load(io.BytesIO(archive.read("model.pkl")))
    assert model.predict([[5.1, 3.5, 1.4, 0.2]])[0] == 0


def test_a_file_that_does_not_load_is_refused_with_the_reason_and_nothing_is_registered(client):
    response = upload(client, "garbage", b"this is not a pickle at all")
    assert response.status_code == 400
    assert error(response)["code"] == "model-does-not-load" and "pickle" in error(response)["message"]
    assert client.get("/api/models/garbage").status_code == 404
    wrong = upload(client, "not-an-estimator", joblib_bytes({"just": "a dict"}))
    assert wrong.status_code == 400 and "predict" in error(wrong)["message"]


def joblib_bytes(value) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(value, buffer)
    return buffer.getvalue()


def test_torch_state_dict_uploads_for_an_mlp_and_a_mismatched_one_is_refused(client):
    import torch
    from torch import nn

    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    buffer = io.BytesIO()
    torch.save(net.state_dict(), buffer)
    architecture = json.dumps({"inputs": 4, "hidden_layers": [8], "activation": "relu", "outputs": 3})
    ok = upload(client, "iris-mlp", buffer.getvalue(), flavor="torch", filename="weights.pt", architecture=architecture)
    assert ok.status_code == 201, ok.get_json()
    assert client.get("/api/models/iris-mlp/versions/1").get_json()["properties"]["architecture"]["kind"] == "mlp"
    wrong = upload(client, "iris-mlp", buffer.getvalue(), flavor="torch", filename="weights.pt",
                   architecture=json.dumps({"inputs": 5, "hidden_layers": [8], "outputs": 3}))
    assert wrong.status_code == 400 and "size mismatch" in error(wrong)["message"]
    missing = upload(client, "iris-mlp", buffer.getvalue(), flavor="torch", filename="weights.pt")
    assert missing.status_code == 400 and "architecture" in error(missing)["message"]
    assert client.get("/api/models/iris-mlp").get_json()["latest_version"] == 1


@pytest.mark.parametrize("form, field", [({"flavor": "onnx"}, "flavor"), ({"flavor": ""}, "flavor"),
                                         ({"name": ""}, "name")])
def test_an_upload_without_a_known_flavor_or_a_name_is_refused(client, form, field):
    data = {"name": "x", "flavor": "sklearn", "file": (io.BytesIO(sklearn_bytes()), "model.pkl"), **form}
    response = client.post("/api/models", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and error(response)["details"]["field"] == field
    no_file = client.post("/api/models", data={"name": "x", "flavor": "sklearn"}, content_type="multipart/form-data")
    assert no_file.status_code == 400 and error(no_file)["details"]["field"] == "file"


def test_tags_and_description_are_editable_and_searchable(client, workspace):
    register(client, name="wine-searchable", run_id=workspace.runs["wine-3"], node="train")
    response = client.patch("/api/models/wine-searchable/versions/1",
                            json={"tags": {"stage": "production"}, "description": "the small one"})
    assert response.status_code == 200
    assert response.get_json()["tags"] == {"stage": "production"}
    assert response.get_json()["description"] == "the small one"
    by_tag = client.get("/api/models?tag=stage:production").get_json()["models"]
    assert [m["name"] for m in by_tag] == ["wine-searchable"]
    assert client.get("/api/models?tag=stage:staging").get_json()["models"] == []
    by_name = [m["name"] for m in client.get("/api/models?search=SEARCHABLE").get_json()["models"]]
    assert by_name == ["wine-searchable"]
    refused = client.patch("/api/models/wine-searchable/versions/1", json={"digest": "x"})
    assert refused.status_code == 400 and error(refused)["code"] == "unknown-field"
    bad_tags = client.patch("/api/models/wine-searchable/versions/1", json={"tags": "prod"})
    assert bad_tags.status_code == 400


def test_concurrent_registrations_of_one_name_never_share_a_version(client, workspace):
    app = workspace.app
    start = threading.Barrier(6)
    versions, statuses = [], []

    def one():
        local = app.test_client()
        start.wait()
        response = local.post("/api/models", json={"name": "raced", "run_id": workspace.runs["iris"], "node": "train"})
        statuses.append(response.status_code)
        versions.append(response.get_json().get("version"))

    threads = [threading.Thread(target=one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 6
    assert sorted(versions) == [1, 2, 3, 4, 5, 6]
