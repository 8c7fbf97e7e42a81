"""Datastores over HTTP: listing, adding, browsing, streamed uploads (all or nothing), deleting, confinement."""
from __future__ import annotations

import io
import os
import zipfile

from data_support import IRIS_CSV, upload


def test_workspace_datastore_always_exists(client, workspace):
    stores = client.get("/api/datastores").get_json()["datastores"]
    assert stores[0] == {"name": "workspace", "kind": "folder", "path": str(workspace)}


def test_upload_puts_files_in_the_folder_and_lists_them(client, workspace):
    response = upload(client, [("iris.csv", IRIS_CSV.encode()), ("notes.txt", b"hi")], folder="raw")
    assert response.status_code == 201, response.get_json()
    assert [f["path"] for f in response.get_json()["files"]] == ["raw/iris.csv", "raw/notes.txt"]
    assert (workspace / "raw" / "iris.csv").read_text() == IRIS_CSV
    top = client.get("/api/datastores/workspace/files").get_json()
    assert [(e["name"], e["type"], e["file_count"]) for e in top["files"]] == [("raw", "folder", 2)]
    inside = client.get("/api/datastores/workspace/files?prefix=raw").get_json()
    assert [(e["path"], e["size"]) for e in inside["files"]] == [("raw/iris.csv", len(IRIS_CSV)),
                                                                   ("raw/notes.txt", 2)]
    assert not any(workspace.glob(".designer-uploads/*"))


def test_upload_keeps_folder_structure_from_relative_file_names(client, workspace):
    response = upload(client, [("flowers/rose/1.png", b"x"), ("flowers/tulip/2.png", b"y")])
    assert response.status_code == 201
    assert (workspace / "flowers" / "tulip" / "2.png").read_bytes() == b"y"


def test_zip_is_unpacked_when_asked(client, workspace):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("pets/cat/1.png", b"c")
        archive.writestr("pets/dog/1.png", b"d")
    response = upload(client, [("pets.zip", buffer.getvalue())], folder="images", extract="true")
    assert response.status_code == 201, response.get_json()
    assert (workspace / "images" / "pets" / "dog" / "1.png").read_bytes() == b"d"
    assert not (workspace / "images" / "pets.zip").exists()


def test_zip_slip_is_refused_and_nothing_is_kept(client, workspace):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("good.txt", b"fine")
        archive.writestr("../evil.txt", b"bad")
    response = upload(client, [("evil.zip", buffer.getvalue())], extract="true")
    assert response.status_code == 400
    assert response.get_json()["error"]["details"]["path"] == "../evil.txt"
    assert not (workspace / "good.txt").exists() and not (workspace.parent / "evil.txt").exists()


def test_zip_holding_a_link_is_refused(client, workspace):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("link")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/passwd")
    response = upload(client, [("links.zip", buffer.getvalue())], extract="true")
    assert response.status_code == 400
    assert "link" in response.get_json()["error"]["message"]


def test_upload_over_the_limit_is_413_and_keeps_nothing(app, client, workspace):
    app.config["DESIGNER_UPLOAD_LIMIT"] = 1000
    response = upload(client, [("big.bin", b"x" * 5000)])
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload-too-large"
    assert not (workspace / "big.bin").exists()
    assert not any(workspace.glob(".designer-uploads/*"))


def test_upload_without_a_file_is_400(client):
    response = client.post("/api/datastores/workspace/files", data={"folder": "x"},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "missing-file"


def test_upload_as_json_is_415(client):
    response = client.post("/api/datastores/workspace/files", json={"file": "x"})
    assert response.status_code == 415


def test_upload_to_an_unknown_datastore_is_404(client):
    assert upload(client, [("a.csv", b"a\n1\n")], datastore="nope").status_code == 404


def test_upload_path_escaping_by_dotdot_is_400_naming_it(client, workspace):
    response = upload(client, [("a.csv", b"a\n1\n")], folder="../outside")
    assert response.status_code == 400
    body = response.get_json()["error"]
    assert body["code"] == "path-outside-datastore" and body["details"]["path"] == "../outside"
    assert "../outside" in body["message"]
    assert not (workspace.parent / "outside").exists()


def test_upload_through_a_nested_link_is_refused(client, workspace, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (workspace / "deep" / "er").mkdir(parents=True)
    os.symlink(outside, workspace / "deep" / "er" / "escape")
    response = upload(client, [("a.csv", b"a\n1\n")], folder="deep/er/escape/x")
    assert response.status_code == 400
    assert "deep/er/escape" in response.get_json()["error"]["message"]
    assert not any(outside.iterdir())


def test_listing_an_absolute_prefix_is_400(client):
    response = client.get("/api/datastores/workspace/files?prefix=/etc")
    assert response.status_code == 400
    assert response.get_json()["error"]["details"]["path"] == "/etc"


def test_listing_a_missing_folder_is_404(client):
    assert client.get("/api/datastores/workspace/files?prefix=none").status_code == 404


def test_delete_removes_a_file(client, workspace):
    upload(client, [("a.csv", b"a\n1\n")], folder="raw")
    response = client.delete("/api/datastores/workspace/files/raw/a.csv")
    assert response.status_code == 200 and not (workspace / "raw" / "a.csv").exists()
    assert client.delete("/api/datastores/workspace/files/raw/a.csv").status_code == 404


def test_delete_through_a_link_is_refused(client, workspace, tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep")
    os.symlink(victim, workspace / "link")
    response = client.delete("/api/datastores/workspace/files/link/keep.txt")
    assert response.status_code == 400
    assert (victim / "keep.txt").exists()


def test_folder_datastore_is_added_and_used(client, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    response = client.post("/api/datastores", json={"name": "shared", "kind": "folder", "path": str(shared)})
    assert response.status_code == 201
    assert upload(client, [("b.csv", b"b\n2\n")], datastore="shared").status_code == 201
    assert (shared / "b.csv").read_text() == "b\n2\n"
    names = [d["name"] for d in client.get("/api/datastores").get_json()["datastores"]]
    assert names == ["workspace", "shared"]


def test_removing_a_datastore_forgets_it_but_keeps_its_files_and_datasets(client, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "t.csv").write_text("a,b\n1,2\n3,4\n")
    assert client.post("/api/datastores", json={"name": "shared", "kind": "folder", "path": str(shared)}).status_code == 201
    made = client.post("/api/datasets", json={"name": "t", "datastore": "shared", "path": "t.csv"})
    assert made.status_code == 201
    assert client.delete("/api/datastores/shared").status_code == 204
    assert [d["name"] for d in client.get("/api/datastores").get_json()["datastores"]] == ["workspace"]
    assert (shared / "t.csv").exists()
    assert client.get("/api/datasets/t/versions/1").get_json()["rows"] == 2
    again = client.delete("/api/datastores/shared")
    assert again.status_code == 404 and again.get_json()["error"]["code"] == "not-found"


def test_the_workspace_datastore_cannot_be_removed(client):
    response = client.delete("/api/datastores/workspace")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "built-in"


def test_sql_datastore_hides_its_password(client):
    response = client.post("/api/datastores", json={"name": "warehouse", "kind": "sql",
                                                    "url": "postgresql://me:secret@db.example/sales"})
    assert response.status_code == 201
    assert "secret" not in response.get_data(as_text=True)
    listed = client.get("/api/datastores").get_data(as_text=True)
    assert "secret" not in listed and "warehouse" in listed


def test_bad_datastores_are_refused(client, tmp_path):
    cases = [({"name": "x", "kind": "ftp"}, 400), ({"name": "x", "kind": "folder"}, 400),
             ({"name": "x", "kind": "folder", "path": "relative"}, 400),
             ({"name": "x", "kind": "folder", "path": str(tmp_path / "missing")}, 400),
             ({"name": "x", "kind": "sql", "url": "not a url"}, 400),
             ({"name": "9bad name", "kind": "folder", "path": str(tmp_path)}, 400),
             ({"name": "workspace", "kind": "folder", "path": str(tmp_path)}, 409),
             ({"kind": "folder"}, 400)]
    for body, status in cases:
        assert client.post("/api/datastores", json=body).status_code == status, body
    assert client.post("/api/datastores", json={"name": "t", "kind": "folder", "path": str(tmp_path)}).status_code == 201
    assert client.post("/api/datastores", json={"name": "t", "kind": "folder", "path": str(tmp_path)}).status_code == 409


def test_files_of_a_sql_datastore_are_400(client):
    client.post("/api/datastores", json={"name": "db", "kind": "sql", "url": "sqlite:///x.db"})
    assert client.get("/api/datastores/db/files").status_code == 400


def test_table_preview_of_a_csv(client):
    upload(client, [("iris.csv", IRIS_CSV.encode())])
    preview = client.get("/api/datastores/workspace/content/iris.csv?preview=table").get_json()
    assert preview["columns"] == ["sepal_length", "sepal_width", "species"] and preview["total_rows"] == 9


def test_413_names_the_upload_limit_not_the_json_body_limit(app, client, workspace):
    app.config["DESIGNER_UPLOAD_LIMIT"] = 1000
    response = upload(client, [("big.bin", b"x" * (65 << 20))])  # over the default JSON body limit too
    assert response.status_code == 413
    assert response.get_json()["error"]["details"]["limit_bytes"] == 1000
    assert not (workspace / "big.bin").exists()


def test_uploads_may_be_larger_than_the_json_body_limit(client, workspace):
    from designer.server import DEFAULT_MAX_CONTENT_LENGTH

    response = upload(client, [("big.bin", b"x" * (DEFAULT_MAX_CONTENT_LENGTH + 1000))])
    assert response.status_code == 201
    assert (workspace / "big.bin").stat().st_size == DEFAULT_MAX_CONTENT_LENGTH + 1000


def test_a_lowered_max_content_length_caps_uploads_too(app, client, workspace):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    assert upload(client, [("big.bin", b"x" * 5000)]).status_code == 413
    assert not (workspace / "big.bin").exists()
