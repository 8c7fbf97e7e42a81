"""Graphs over HTTP: save drafts as revisions, export and import, validate, list and submit runs."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, url_for
from werkzeug.utils import secure_filename

import components
from designer.graph.names import distinct_name
from designer.server.app_state import current_designer
from designer.server.documents import checked_document
from designer.server.auth import requires_role
from designer.server.errors import ApiError
from designer.server.json_values import dumps
from designer.server.operations import checked_rule, promoter_for
from designer.server.payloads import field, json_body, json_object, query_int
from designer.server.previews import table_columns
from designer.service import GraphInvalid

blueprint = Blueprint("graphs_api", __name__)

#: Keys of a GET response that are not part of the document (a PUT may echo them back).
RECORD_KEYS = ("id", "revision", "updated_at", "created_at", "document")
RUN_OPTIONS = ("compute", "parameters", "to", "rerun", "revision", "promote", "experiment", "display_name",
               "description", "tags")
#: How many recent runs /columns looks through for table outputs.
COLUMN_RUNS = 10
NAME_LIMIT = 200


# ---------------------------------------------------------------- documents

def _graph_response(record: dict) -> dict:
    document = record["document"]
    return {**document, "id": record["id"], "revision": record["revision"], "created_at": record["created_at"],
            "updated_at": record["updated_at"], "document": document}


def _created(record: dict):
    response = {"id": record["id"], "revision": record["revision"]}
    return response, 201, {"Location": url_for("graphs_api.get_graph", graph_id=record["id"])}


# ---------------------------------------------------------------- CRUD

@blueprint.get("/api/graphs")
def list_graphs():
    return {"graphs": current_designer().store.list_graphs()}


@blueprint.post("/api/graphs")
def create_graph():
    document = checked_document(json_body())
    return _created(current_designer().store.create_graph(document))


@blueprint.post("/api/graphs/import")
def import_graph():
    """Like POST /api/graphs, but a name already in use becomes "Name (2)", so the two can be told apart."""
    document = checked_document(json_body())
    store = current_designer().store
    taken = [g.get("name") or "" for g in store.list_graphs()]
    if document.get("name"):
        document = {**document, "name": distinct_name(document["name"], taken, NAME_LIMIT)}
    return _created(store.create_graph(document))


@blueprint.get("/api/graphs/<graph_id>")
def get_graph(graph_id: str):
    revision = query_int("revision", 0, minimum=1, maximum=2**31 - 1) or None
    return _graph_response(current_designer().store.get_graph(graph_id, revision))


@blueprint.put("/api/graphs/<graph_id>")
def update_graph(graph_id: str):
    body = json_object()
    if "revision" not in body:
        raise ApiError(400, "missing-revision",
                       "send the revision your edit is based on as 'revision' (it guards against lost updates)",
                       {"field": "revision"})
    revision = field(body, "revision", int)
    if "document" in body:
        document = body["document"]
    else:
        document = {k: v for k, v in body.items() if k not in RECORD_KEYS}
    record = current_designer().store.update_graph(graph_id, checked_document(document), revision)
    return {"id": record["id"], "revision": record["revision"], "updated_at": record["updated_at"]}


@blueprint.delete("/api/graphs/<graph_id>")
def delete_graph(graph_id: str):
    current_designer().store.delete_graph(graph_id)
    return Response(status=204)


@blueprint.post("/api/graphs/<graph_id>/clone")
def clone_graph(graph_id: str):
    store = current_designer().store
    original = store.get_graph(graph_id)
    document = dict(original["document"])
    suffix = " (copy)"
    document["name"] = (document.get("name") or original["name"] or "Untitled pipeline")[:NAME_LIMIT - len(suffix)] \
        + suffix
    return _created(store.create_graph(document))


@blueprint.get("/api/graphs/<graph_id>/export")
def export_graph(graph_id: str):
    record = current_designer().store.get_graph(graph_id)
    filename = secure_filename(record["name"] or "") or "graph"
    return Response(dumps(record["document"], indent=2) + "\n", mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.json"'})


@blueprint.get("/api/graphs/<graph_id>/revisions")
def list_revisions(graph_id: str):
    return {"revisions": current_designer().store.list_revisions(graph_id)}


# ---------------------------------------------------------------- validation

def _validation(document) -> dict:
    problems = current_designer().validate(document)
    return {"valid": not problems, "errors": [p.to_json() for p in problems]}


@blueprint.post("/api/graphs/<graph_id>/validate")
@requires_role("viewer")  # reads only: a viewer may ask it too
def validate_saved_graph(graph_id: str):
    json_body(required=False)  # a body is allowed but the saved revision is what gets validated
    return _validation(current_designer().store.get_graph(graph_id)["document"])


@blueprint.post("/api/validate")
@requires_role("viewer")  # reads only: a viewer may ask it too
def validate_draft():
    return _validation(json_body())


# ---------------------------------------------------------------- runs of a graph

@blueprint.get("/api/graphs/<graph_id>/columns")
def output_columns(graph_id: str):
    designer = current_designer()
    store = designer.store
    document = store.get_graph(graph_id)["document"]
    nodes = document.get("nodes") or []
    wanted = {n.get("id") for n in nodes if isinstance(n, dict)}
    found: dict[str, dict[str, list]] = {}
    for summary in store.list_runs(graph_id=graph_id, limit=COLUMN_RUNS):
        run = store.get_run(summary["run_id"])
        for node_id, node in run["nodes"].items():
            if node_id not in wanted or node.get("status") not in ("completed", "cached"):
                continue
            for port, output in (node.get("outputs") or {}).items():
                if output.get("type") != "DataFrame" or port in found.get(node_id, {}):
                    continue
                names = table_columns(designer.artifacts, output.get("digest"))
                if names is not None:
                    found.setdefault(node_id, {})[port] = names
    return {"columns": {**found, **_registered_columns(designer, document)}}


def _registered_columns(designer, document: dict) -> dict:
    """Columns of registered-dataset nodes, from the registered schema (known before any run)."""
    from designer.graph.dataset_checks import registered_columns
    from designer.graph.document import load_graph

    try:
        return registered_columns(load_graph(document), components.catalogue(), designer.dataset_versions)
    except (KeyError, TypeError, ValueError):  # a malformed draft: no columns rather than an error
        return {}


@blueprint.get("/api/graphs/<graph_id>/runs")
def list_graph_runs(graph_id: str):
    store = current_designer().store
    store.get_graph(graph_id)  # 404 for an unknown graph rather than an empty list
    limit = query_int("limit", 100, minimum=1, maximum=1000)
    return {"runs": store.list_runs(graph_id=graph_id, limit=limit)}


@blueprint.post("/api/graphs/<graph_id>/runs")
def submit_run(graph_id: str):
    body = json_object(required=False)
    unknown = sorted(set(body) - set(RUN_OPTIONS))
    if unknown:
        raise ApiError(400, "unknown-field", f"unknown run option(s): {', '.join(unknown)} "
                       f"(known: {', '.join(RUN_OPTIONS)})", {"fields": unknown})
    compute = field(body, "compute", str, default=None, nullable=True)
    parameters = field(body, "parameters", dict, default=None, nullable=True)
    to = body.get("to")
    if to is not None and not (isinstance(to, str) or (isinstance(to, list) and to
                                                       and all(isinstance(n, str) for n in to))):
        raise ApiError(400, "invalid-field", "'to' must be a node id or a non-empty array of node ids "
                       "(run those nodes and what they need)", {"field": "to"})
    rerun = field(body, "rerun", list, default=None, nullable=True) or []
    revision = field(body, "revision", int, default=None, nullable=True)
    labels = {name: field(body, name, str, default=None, nullable=True)
              for name in ("experiment", "display_name", "description")}
    labels["tags"] = field(body, "tags", dict, default=None, nullable=True)
    if not all(isinstance(node_id, str) for node_id in rerun):
        raise ApiError(400, "invalid-field", "'rerun' must be an array of node ids (strings)", {"field": "rerun"})
    designer = current_designer()
    record = designer.store.get_graph(graph_id, revision)
    promote = checked_rule(body.get("promote"), record["document"])
    try:
        run_id = designer.start_run(record["document"], graph_id=graph_id, revision=record["revision"],
                                    compute=compute, parameters=parameters, to=to, rerun=rerun, **labels)
    except GraphInvalid as exc:
        errors = [p.to_json() for p in exc.problems]
        first = exc.problems[0] if exc.problems else None
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ApiError(400, "invalid-graph", f"the graph cannot run: {first}{more}", {"errors": errors}) from None
    if promote is not None:
        promoter_for(current_app).attach(run_id, promote)
    return {"run_id": run_id, "revision": record["revision"]}, 202, \
        {"Location": url_for("runs_api.get_run", run_id=run_id)}
