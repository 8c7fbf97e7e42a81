"""The palette's data: the component catalogue with its port types, and the graph document's JSON Schema."""
from __future__ import annotations

from flask import Blueprint

import components
from components.ports import PORT_COLOURS, PORT_TYPES
from designer.graph.document import graph_schema

blueprint = Blueprint("components_api", __name__)


@blueprint.get("/api/components")
def list_components():
    specs = sorted(components.catalogue().values(), key=lambda spec: (spec.category, spec.name, spec.id))
    port_types = [{"name": t.name, "description": t.description, "color": PORT_COLOURS.get(t.name)}
                  for t in PORT_TYPES.values()]
    return {"components": [spec.to_json() for spec in specs], "port_types": port_types}


@blueprint.get("/api/schema/graph")
def graph_document_schema():
    return graph_schema()
