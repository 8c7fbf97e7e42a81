"""Sweeps over HTTP (DESIGN contract 6): start one over a graph, follow its trials, cancel or resume it."""
from __future__ import annotations

from flask import Blueprint, request, url_for

from designer.server.app_state import current_designer
from designer.server.errors import ApiError
from designer.server.payloads import json_body, json_object, query_int
from designer.service import GraphInvalid
from designer.sweeps.config import SweepConfigError
from designer.sweeps.runner import SweepNotActive

blueprint = Blueprint("sweeps_api", __name__)


@blueprint.post("/api/graphs/<graph_id>/sweeps")
def start_sweep(graph_id: str):
    body = json_object()
    designer = current_designer()
    record = designer.store.get_graph(graph_id)
    compute = body.get("compute")
    if isinstance(compute, str) and compute and compute not in designer.targets.names():
        raise ApiError(400, "unknown-compute", f"compute target '{compute}' does not exist (known: "
                       f"{', '.join(designer.targets.names())})", {"field": "compute"})
    try:
        sweep_id = designer.sweeps.submit(record["document"], body, graph_id=graph_id,
                                          revision=record["revision"])
    except SweepConfigError as error:
        raise ApiError(400, "invalid-sweep", str(error), {"field": error.field}) from None
    except GraphInvalid as error:
        errors = [p.to_json() for p in error.problems]
        raise ApiError(400, "invalid-graph", f"a trial of this graph cannot run: {error.problems[0]}",
                       {"errors": errors}) from None
    return {"sweep_id": sweep_id}, 202, {"Location": url_for("sweeps_api.get_sweep", sweep_id=sweep_id)}


@blueprint.get("/api/sweeps")
def list_sweeps():
    return _listing(request.args.get("graph_id") or None)


@blueprint.get("/api/graphs/<graph_id>/sweeps")
def list_graph_sweeps(graph_id: str):
    current_designer().store.get_graph(graph_id)  # 404 for an unknown graph
    return _listing(graph_id)


def _listing(graph_id: str | None) -> dict:
    limit = query_int("limit", 100, minimum=1, maximum=1000)
    store = current_designer().store
    sweeps = store.list_sweeps(graph_id=graph_id, limit=limit)
    status = request.args.get("status")
    if status:
        sweeps = [s for s in sweeps if s["status"] == status]
    for sweep in sweeps:
        config = sweep["config"]
        sweep["primary_metric"], sweep["goal"] = config.get("primary_metric"), config.get("goal")
        sweep["max_total_trials"] = config.get("max_total_trials")
    return {"sweeps": sweeps}


@blueprint.get("/api/sweeps/<sweep_id>")
def get_sweep(sweep_id: str):
    return current_designer().sweeps.view(sweep_id)


@blueprint.post("/api/sweeps/<sweep_id>/cancel")
def cancel_sweep(sweep_id: str):
    json_body(required=False)
    try:
        current_designer().sweeps.cancel(sweep_id)
    except SweepNotActive as error:
        raise ApiError(409, "sweep-not-running", str(error), {"status": error.status}) from None
    return {"sweep_id": sweep_id, "status": "cancelling"}, 202


@blueprint.post("/api/sweeps/<sweep_id>/resume")
def resume_sweep(sweep_id: str):
    json_body(required=False)
    try:
        current_designer().sweeps.resume(sweep_id)
    except SweepNotActive as error:
        raise ApiError(409, "sweep-not-interrupted", str(error), {"status": error.status}) from None
    return {"sweep_id": sweep_id, "status": "running"}, 202



