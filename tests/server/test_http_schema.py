"""POST /api/graphs/schema and GET /api/graphs/<id>/schema: columns before any run."""
from __future__ import annotations

import json
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "iris-classification.json"


def test_draft_schema_lists_the_columns_a_label_picker_offers(app_client):
    document = json.loads(EXAMPLE.read_text())
    body = app_client.post("/api/graphs/schema", json=document).get_json()
    train_input = body["nodes"]["train"]["inputs"]["dataset"]
    assert [c["name"] for c in train_input["columns"]][-1] == "species"
    assert train_input["label"] == "species"
    assert body["errors"] == []


def test_saved_graph_schema_reports_a_column_that_no_longer_exists(app_client):
    document = json.loads(EXAMPLE.read_text())
    document["nodes"][0]["params"]["name"] = "wine"
    graph_id = app_client.post("/api/graphs", json=document).get_json()["id"]
    body = app_client.get(f"/api/graphs/{graph_id}/schema").get_json()
    assert {(e["node"], e["param"], e["code"]) for e in body["errors"]} == {
        ("split", "stratify_column", "unknown-column"), ("train", "label_column", "unknown-column")}
    validation = app_client.post(f"/api/graphs/{graph_id}/validate").get_json()
    assert not validation["valid"] and {e["code"] for e in validation["errors"]} == {"unknown-column"}


def test_schema_of_something_that_is_not_a_graph_is_a_400(app_client):
    response = app_client.post("/api/graphs/schema", json=[1, 2])
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid-document"
    assert app_client.post("/api/graphs/schema", data="{", content_type="application/json").status_code == 400


def test_schema_of_an_unknown_graph_is_a_404(app_client):
    assert app_client.get("/api/graphs/nope/schema").status_code == 404
