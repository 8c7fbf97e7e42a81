"""Datasets over HTTP: versions, immutability, content stored once, schema/profile/preview, lineage, every 4xx."""
from __future__ import annotations

import os
import threading

from data_support import IRIS_CSV, make_image_folder, wait_run


def register(client, name="iris", path="iris.csv", **extra):
    return client.post("/api/datasets", json={"name": name, "datastore": "workspace", "path": path, **extra})


def training_graph(dataset="iris"):
    return {"format": "designer-graph/1", "name": "Own iris", "nodes": [
        {"id": "data", "component": "registered-dataset", "params": {"dataset": dataset}},
        {"id": "algo", "component": "logistic-regression", "params": {}},
        {"id": "train", "component": "train-model", "params": {"label_column": "species"}}],
        "edges": [{"source": "data", "source_port": "dataset", "target": "train", "target_port": "dataset"},
                  {"source": "algo", "source_port": "model", "target": "train", "target_port": "untrained_model"}]}


def test_registering_a_csv_makes_version_1_with_schema_profile_and_preview(client, workspace):
    (workspace / "iris.csv").write_text(IRIS_CSV)
    response = register(client, description="my flowers", tags={"team": "botany"})
    assert response.status_code == 201
    assert response.get_json() == {"name": "iris", "version": 1}
    detail = client.get("/api/datasets/iris/versions/1").get_json()
    assert detail["kind"] == "tabular" and detail["rows"] == 9 and detail["tags"] == {"team": "botany"}
    assert [c["name"] for c in detail["schema"]] == ["sepal_length", "sepal_width", "species"]
    assert {p["name"]: p["distinct"] for p in detail["profile"]}["species"] == 3
    assert detail["preview"]["total_rows"] == 9 and detail["lineage"] == {"runs": [], "models": []}
    assert detail["created_at"] and detail["description"] == "my flowers"


def test_second_registration_makes_version_2(client, workspace):
    (workspace / "iris.csv").write_text(IRIS_CSV)
    assert register(client).get_json()["version"] == 1
    assert register(client).get_json()["version"] == 2
    listing = client.get("/api/datasets").get_json()["datasets"]
    assert [(d["name"], d["latest_version"], d["versions"]) for d in listing] == [("iris", 2, 2)]
    versions = client.get("/api/datasets/iris").get_json()["versions"]
    assert [v["version"] for v in versions] == [2, 1]


def test_concurrent_registrations_never_share_a_version(app, workspace):
    (workspace / "iris.csv").write_text(IRIS_CSV)
    numbers, errors = [], []

    def one():
        try:
            numbers.append(register(app.test_client()).get_json()["version"])
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and sorted(numbers) == [1, 2, 3, 4, 5, 6]


def test_a_version_is_immutable_when_the_source_changes_or_goes(client, designer, workspace):
    (workspace / "iris.csv").write_text(IRIS_CSV)
    register(client)
    before = client.get("/api/datasets/iris/versions/1/rows?limit=100").get_json()
    graph = client.post("/api/graphs", json=training_graph("iris:1")).get_json()["id"]
    first = wait_run(client, client.post(f"/api/graphs/{graph}/runs", json={}).get_json()["run_id"])
    (workspace / "iris.csv").write_text("sepal_length,species\n1,a\n")
    assert client.get("/api/datasets/iris/versions/1/rows?limit=100").get_json() == before
    second = wait_run(client, client.post(f"/api/graphs/{graph}/runs", json={}).get_json()["run_id"])
    assert second["nodes"]["data"]["cached"] is True
    assert second["nodes"]["data"]["cache_key"] == first["nodes"]["data"]["cache_key"]
    os.remove(workspace / "iris.csv")
    assert client.get("/api/datasets/iris/versions/1/rows?limit=100").get_json() == before
    assert register(client).status_code == 404


def test_unchanged_content_is_stored_once(client, designer, workspace):
    (workspace / "iris.csv").write_text(IRIS_CSV)
    register(client)
    objects = sorted(p.name for p in (designer.artifacts.objects).rglob("*") if p.parent.parent == designer.artifacts.objects)
    register(client)
    again = sorted(p.name for p in (designer.artifacts.objects).rglob("*") if p.parent.parent == designer.artifacts.objects)
    assert again == objects
    v1, v2 = (designer.store.get_dataset_version("iris", v)["digest"] for v in (1, 2))
    assert v1 == v2


def test_a_csv_that_does_not_parse_is_400_with_the_line(client, workspace):
    (workspace / "ragged.csv").write_text("a,b\n1,2\n3,4\n5,6,7,8\n")
    response = register(client, "ragged", "ragged.csv")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["details"]["line"] == 4 and "line 4" in error["message"]


def test_parquet_and_json_lines_register_as_tables(client, workspace):
    import pandas as pd

    pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_parquet(workspace / "t.parquet")
    (workspace / "t.jsonl").write_text('{"a": 1}\n{"a": 2}\n{"a": 3}\n')
    assert register(client, "pq", "t.parquet").status_code == 201
    assert register(client, "jl", "t.jsonl").status_code == 201
    assert client.get("/api/datasets/jl/versions/1").get_json()["rows"] == 3


def test_an_excel_workbook_registers_its_first_sheet_and_previews(client, workspace):
    import pandas as pd

    pd.DataFrame({"region": ["north", "south", "east"], "sales": [10.5, 7.25, 3.0]}).to_excel(
        workspace / "sales.xlsx", index=False, engine="openpyxl")
    assert register(client, "sales", "sales.xlsx").status_code == 201
    detail = client.get("/api/datasets/sales/versions/1").get_json()
    assert detail["kind"] == "tabular" and detail["rows"] == 3
    assert [c["name"] for c in detail["schema"]] == ["region", "sales"]
    preview = client.get("/api/datastores/workspace/content/sales.xlsx?preview=table").get_json()
    assert preview["columns"] == ["region", "sales"] and preview["rows"][1] == ["south", 7.25]


def test_a_file_that_is_not_a_workbook_is_400_naming_excel(client, workspace):
    (workspace / "sheet.xlsx").write_bytes(b"PK\x03\x04 not really")
    response = register(client, "sheet", "sheet.xlsx")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "unreadable-data" and "Excel workbook" in error["message"]


def test_an_image_folder_registers_as_images(client, workspace):
    make_image_folder(workspace / "pets")
    assert register(client, "pets", "pets").status_code == 201
    detail = client.get("/api/datasets/pets/versions/1").get_json()
    assert detail["kind"] == "images" and detail["rows"] == 6
    assert detail["schema"]["classes"] == ["cat", "dog"] and detail["profile"]["per_class"] == {"cat": 3, "dog": 3}
    first = detail["preview"]["images"][0]["file"]
    image = client.get(f"/api/datasets/pets/versions/1/images/{first}")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")


def test_registering_a_folder_holding_a_nested_link_is_refused(client, workspace, tmp_path):
    make_image_folder(workspace / "pets")
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "x.png").write_bytes(b"x")
    os.symlink(outside, workspace / "pets" / "cat" / "sneaky")
    response = register(client, "pets", "pets")
    assert response.status_code == 400
    assert response.get_json()["error"]["details"]["path"] == "pets/cat/sneaky"


def test_registering_through_a_link_or_outside_is_400_naming_the_path(client, workspace, tmp_path):
    (tmp_path / "elsewhere.csv").write_text(IRIS_CSV)
    os.symlink(tmp_path / "elsewhere.csv", workspace / "link.csv")
    for path in ("link.csv", "../elsewhere.csv", str(tmp_path / "elsewhere.csv")):
        response = register(client, "x", path)
        assert response.status_code == 400, path
        assert response.get_json()["error"]["details"]["path"] == path


def test_bad_registrations_are_refused(client, workspace):
    (workspace / "iris.csv").write_text(IRIS_CSV)
    (workspace / "notes.bin").write_bytes(b"\x00")
    assert register(client, "bad:name").status_code == 400
    assert register(client, path="missing.csv").status_code == 404
    assert register(client, path="notes.bin").status_code == 400
    assert client.post("/api/datasets", json={"name": "iris", "datastore": "nope", "path": "iris.csv"}).status_code == 404
    assert client.post("/api/datasets", json={"name": "iris"}).status_code == 400
    assert client.post("/api/datasets", json={"name": "iris", "path": "iris.csv", "colour": 1}).status_code == 400
    assert register(client, tags=["a"]).status_code == 400
    assert client.post("/api/datasets", json=[1]).status_code == 400


def test_unknown_datasets_and_versions_are_404(client, workspace):
    (workspace / "iris.csv").write_text(IRIS_CSV)
    register(client)
    assert client.get("/api/datasets/nope").status_code == 404
    assert client.get("/api/datasets/iris/versions/9").status_code == 404
    assert client.get("/api/datasets/iris/versions/1/rows?limit=0").status_code == 400


def test_a_run_output_registers_as_a_dataset(client, workspace):
    graph = client.post("/api/graphs", json={"format": "designer-graph/1", "name": "s", "nodes": [
        {"id": "iris", "component": "sample-dataset", "params": {"name": "iris"}}], "edges": []}).get_json()["id"]
    run = wait_run(client, client.post(f"/api/graphs/{graph}/runs", json={}).get_json()["run_id"])
    response = client.post("/api/datasets", json={"name": "from-run", "run_id": run["run_id"], "node": "iris",
                                                  "port": "dataset"})
    assert response.status_code == 201
    detail = client.get("/api/datasets/from-run/versions/1").get_json()
    assert detail["rows"] == 150 and detail["source"]["run_id"] == run["run_id"]
    assert client.post("/api/datasets", json={"name": "x", "run_id": run["run_id"], "node": "iris",
                                              "port": "nope"}).status_code == 404
    assert client.post("/api/datasets", json={"name": "x", "run_id": "0" * 32, "node": "iris",
                                              "port": "dataset"}).status_code == 404


def test_lineage_lists_the_runs_that_read_a_version_and_their_models(client, designer, workspace):
    (workspace / "iris.csv").write_text(IRIS_CSV)
    register(client)
    graph = client.post("/api/graphs", json=training_graph("iris")).get_json()["id"]
    run = wait_run(client, client.post(f"/api/graphs/{graph}/runs", json={}).get_json()["run_id"])
    assert run["status"] == "completed", run
    digest = run["nodes"]["train"]["outputs"]["trained_model"]["digest"]
    designer.store.register_model("iris-model", digest, run_id=run["run_id"], node_id="train")
    lineage = client.get("/api/datasets/iris/versions/1").get_json()["lineage"]
    assert [r["run_id"] for r in lineage["runs"]] == [run["run_id"]] and lineage["runs"][0]["nodes"] == ["data"]
    assert [(m["name"], m["version"]) for m in lineage["models"]] == [("iris-model", 1)]
    register(client)
    assert client.get("/api/datasets/iris/versions/2").get_json()["lineage"]["runs"] == []


def test_a_graph_naming_a_missing_dataset_or_version_is_invalid_on_that_node(client, workspace):
    (workspace / "iris.csv").write_text(IRIS_CSV)
    register(client)
    for reference, words in (("nope", "does not exist"), ("iris:7", "no version 7 (versions: 1 to 1)")):
        result = client.post("/api/validate", json=training_graph(reference)).get_json()
        problems = [e for e in result["errors"] if e["node"] == "data"]
        assert problems and words in problems[0]["message"], result
    graph = client.post("/api/graphs", json=training_graph("iris:7")).get_json()["id"]
    assert client.post(f"/api/graphs/{graph}/runs", json={}).status_code == 400


def test_validation_flags_a_label_column_the_schema_lacks(client, workspace):
    (workspace / "iris.csv").write_text(IRIS_CSV)
    register(client)
    document = training_graph("iris")
    document["nodes"][2]["params"]["label_column"] = "colour"
    errors = client.post("/api/validate", json=document).get_json()["errors"]
    assert [e["node"] for e in errors] == ["train"]
    assert "names column 'colour'" in errors[0]["message"] and "sepal_length" in errors[0]["message"]
    assert client.post("/api/validate", json=training_graph("iris")).get_json()["valid"] is True


def test_registered_image_dataset_refuses_a_table(client, workspace):
    (workspace / "iris.csv").write_text(IRIS_CSV)
    register(client)
    document = {"format": "designer-graph/1", "name": "x", "nodes": [
        {"id": "imgs", "component": "registered-image-dataset", "params": {"dataset": "iris"}}], "edges": []}
    errors = client.post("/api/validate", json=document).get_json()["errors"]
    assert "is tabular, not images" in errors[0]["message"]


def test_image_dataset_runs_through_registered_image_dataset(client, workspace):
    make_image_folder(workspace / "pets")
    register(client, "pets", "pets")
    document = {"format": "designer-graph/1", "name": "x", "nodes": [
        {"id": "imgs", "component": "registered-image-dataset", "params": {"dataset": "pets:1"}}], "edges": []}
    graph = client.post("/api/graphs", json=document).get_json()["id"]
    run = wait_run(client, client.post(f"/api/graphs/{graph}/runs", json={}).get_json()["run_id"])
    assert run["status"] == "completed", run
    assert run["nodes"]["imgs"]["outputs"]["image_directory"]["type"] == "ImageDirectory"


def test_column_pickers_know_a_registered_datasets_columns_before_any_run(client, workspace):
    (workspace / "iris.csv").write_text(IRIS_CSV)
    register(client)
    graph = client.post("/api/graphs", json=training_graph("iris:1")).get_json()["id"]
    columns = client.get(f"/api/graphs/{graph}/columns").get_json()["columns"]
    assert columns["data"] == {"dataset": ["sepal_length", "sepal_width", "species"]}
