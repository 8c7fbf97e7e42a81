"""Making inference graphs over HTTP: POST /api/graphs/<id>/inference-graph {"kind", "run_id"?}."""
from __future__ import annotations

from flask import Blueprint, url_for

from designer.inference.conversion import KINDS, InferenceConversionError
from designer.inference.making import make_inference_graph
from designer.server.app_state import current_designer
from designer.server.errors import ApiError
from designer.server.payloads import field, json_object

blueprint = Blueprint("inference_api", __name__)


@blueprint.post("/api/graphs/<graph_id>/inference-graph")
def create_inference_graph(graph_id: str):
    body = json_object()
    kind = field(body, "kind", str)
    if kind not in KINDS:
        raise ApiError(400, "invalid-kind", f"'kind' must be one of {list(KINDS)}, not {kind!r}", {"field": "kind"})
    run_id = field(body, "run_id", str, default=None, nullable=True)
    try:
        made = make_inference_graph(current_designer(), graph_id, kind, run_id)
    except InferenceConversionError as exc:
        raise ApiError(exc.status, exc.code, exc.message, exc.details()) from None
    conversion = made["conversion"]
    nodes = {n["id"]: n for n in made["document"]["nodes"]}
    models = [{"node": m.node_id, "source_node": m.source_node, "digest": m.digest,
               "registry": nodes[m.node_id]["params"].get("registry")} for m in conversion.models]
    return {"graph_id": made["id"], "id": made["id"], "revision": made["revision"], "name": made["name"],
            "kind": kind, "run_id": made["document"]["metadata"]["inference"]["source_run_id"],
            "models": models, "parameters": made["document"].get("parameters") or []}, 201, \
        {"Location": url_for("graphs_api.get_graph", graph_id=made["id"])}
