"""Runs across the workspace over HTTP: list with filters and metric sort, edit labels, experiments, compare, clone."""
from __future__ import annotations

from flask import Blueprint, request, url_for

from designer.server.app_state import current_designer
from designer.server.auth import requires_role
from designer.server.errors import ApiError
from designer.server.payloads import field, json_object, query_int
from designer.workspace.stored_comparison import compare
from designer.workspace.drafts import clone_run_to_draft

blueprint = Blueprint("workspace_runs_api", __name__)

MAX_LIMIT = 500
MAX_COMPARED = 50
LABEL_FIELDS = ("display_name", "description", "tags")


@blueprint.get("/api/runs")
def list_runs():
    args = request.args
    limit = query_int("limit", 50, minimum=1, maximum=MAX_LIMIT)
    offset = query_int("offset", 0, minimum=0, maximum=2**31)
    order = args.get("order") or "desc"
    try:
        found = current_designer().store.search_runs(
            experiment=args.get("experiment") or None, graph_id=args.get("graph_id") or None,
            status=args.get("status") or None, tag=args.get("tag") or None, trigger=args.get("trigger") or None,
            search=args.get("search") or None, sort=args.get("sort") or None, order=order,
            limit=limit, offset=offset)
    except ValueError as exc:
        raise ApiError(400, "invalid-query", str(exc), {"parameter": "order" if "order" in str(exc) else "sort"}) \
            from None
    return {**found, "limit": limit, "offset": offset}


@blueprint.patch("/api/runs/<run_id>")
def update_run(run_id: str):
    body = json_object()
    unknown = sorted(set(body) - set(LABEL_FIELDS))
    if unknown:
        raise ApiError(400, "unknown-field", f"only {', '.join(LABEL_FIELDS)} of a run can be changed "
                       f"(not {', '.join(unknown)})", {"fields": unknown})
    tags = field(body, "tags", dict, default=None, nullable=True)
    if tags is not None and not all(isinstance(v, (str, int, float, bool)) or v is None for v in tags.values()):
        raise ApiError(400, "invalid-field", "tag values must be text", {"field": "tags"})
    return current_designer().store.update_run(
        run_id, display_name=field(body, "display_name", str, default=None, nullable=True),
        description=field(body, "description", str, default=None, nullable=True), tags=tags)


@blueprint.get("/api/experiments")
def list_experiments():
    return {"experiments": current_designer().store.list_experiments()}


@blueprint.get("/api/runs/metric-keys")
def metric_keys():
    return {"keys": current_designer().store.metric_keys(request.args.get("experiment") or None)}


@blueprint.post("/api/runs/compare")
@requires_role("viewer")  # reads only: a viewer may ask it too
def compare_runs():
    body = json_object()
    run_ids = field(body, "run_ids", list)
    if not run_ids or not all(isinstance(r, str) for r in run_ids):
        raise ApiError(400, "invalid-field", "'run_ids' must be a non-empty array of run ids", {"field": "run_ids"})
    if len(run_ids) > MAX_COMPARED:
        raise ApiError(400, "too-many-runs", f"compare at most {MAX_COMPARED} runs at once", {"field": "run_ids"})
    designer = current_designer()
    return compare(designer.store, designer.artifacts, list(dict.fromkeys(run_ids)))


@blueprint.post("/api/runs/<run_id>/clone")
def clone_run(run_id: str):
    record = clone_run_to_draft(current_designer().store, run_id)
    return {"id": record["id"], "revision": record["revision"], "name": record["name"]}, 201, \
        {"Location": url_for("graphs_api.get_graph", graph_id=record["id"])}
