"""A graph's history over HTTP: open an old revision, see what changed, restore it as the newest."""
from __future__ import annotations

from flask import Blueprint, request

from designer.graph.diff import diff_documents
from designer.server.app_state import current_designer
from designer.server.errors import ApiError
from designer.server.payloads import json_body
from designer.workspace.drafts import restore_revision

blueprint = Blueprint("revisions_api", __name__)


@blueprint.get("/api/graphs/<graph_id>/revisions/<int:revision>")
def get_revision(graph_id: str, revision: int):
    record = current_designer().store.get_graph(graph_id, revision)
    return {"id": graph_id, "revision": record["revision"], "created_at": record["updated_at"],
            "name": record["name"], "document": record["document"]}


@blueprint.get("/api/graphs/<graph_id>/revisions/<int:revision>/diff")
def diff_revision(graph_id: str, revision: int):
    """What changed from revision `against` (default: the one before) to `revision`."""
    store = current_designer().store
    text = request.args.get("against")
    if text in (None, ""):
        against = revision - 1
    elif text == "current":
        against = store.get_graph(graph_id)["revision"]
    elif text.isdigit():
        against = int(text)
    else:
        raise ApiError(400, "invalid-query", f"'against' is a revision number or 'current', not {text!r}",
                       {"parameter": "against"})
    new = store.get_graph(graph_id, revision)["document"]
    old = store.get_graph(graph_id, against)["document"] if against >= 1 else {}
    return {"from": against if against >= 1 else None, "to": revision, "diff": diff_documents(old, new)}


@blueprint.post("/api/graphs/<graph_id>/revisions/<int:revision>/restore")
def restore(graph_id: str, revision: int):
    json_body(required=False)
    record = restore_revision(current_designer().store, graph_id, revision)
    return {"id": graph_id, "revision": record["revision"], "restored_from": revision}, 201
