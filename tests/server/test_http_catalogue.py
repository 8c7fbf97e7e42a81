"""GET /api/components, /api/schema/graph and /api/health."""
from __future__ import annotations

from components.ports import PORT_TYPES


def test_components_lists_every_catalogue_entry_with_ports_params_and_port_type_colours(app_client):
    response = app_client.get("/api/components")
    assert response.status_code == 200
    body = response.json
    by_id = {c["id"]: c for c in body["components"]}
    split = by_id["split-data"]
    assert {"id", "version", "name", "category", "description", "inputs", "outputs", "params", "tags"} <= set(split)
    assert [p["name"] for p in split["outputs"]] == ["train", "test"]
    assert {p["name"] for p in split["params"]} >= {"test_fraction", "seed"}
    assert "server-test-table" in by_id
    assert {t["name"] for t in body["port_types"]} == set(PORT_TYPES)
    assert all(t["color"].startswith("#") and t["description"] for t in body["port_types"])


def test_graph_schema_is_the_designer_graph_json_schema(app_client):
    response = app_client.get("/api/schema/graph")
    assert response.status_code == 200
    assert response.json["$id"] == "designer-graph/1"
    assert response.json["properties"]["format"] == {"const": "designer-graph/1"}


def test_health_answers_ok_with_the_compute_targets(app_client):
    response = app_client.get("/api/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "compute_targets": ["local"]}
