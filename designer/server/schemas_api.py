"""Schema before running over HTTP: the columns every port of a graph will hold, and unknown-column errors."""
from __future__ import annotations

import components
from flask import Blueprint

from designer.graph.schemas import propagate
from designer.server.app_state import current_designer
from designer.server.auth import requires_role
from designer.server.errors import ApiError
from designer.server.payloads import json_body

blueprint = Blueprint("schemas_api", __name__)


def _schemas(document) -> dict:
    if not isinstance(document, dict) or not isinstance(document.get("nodes", []), list) \
            or not isinstance(document.get("edges", []), list):
        raise ApiError(400, "invalid-document", "send a graph document (an object with 'nodes' and 'edges' arrays)")
    designer = current_designer()
    return propagate(document, components.catalogue(), designer.schema_lookup).to_json()


@blueprint.post("/api/graphs/schema")
@requires_role("viewer")  # reads only: a viewer may ask it too
def draft_schema():
    """The schemas of a draft document (the canvas sends the one it is editing)."""
    body = json_body()
    return _schemas(body["document"] if isinstance(body, dict) and isinstance(body.get("document"), dict) else body)


@blueprint.get("/api/graphs/<graph_id>/schema")
def saved_schema(graph_id: str):
    return _schemas(current_designer().store.get_graph(graph_id)["document"])
