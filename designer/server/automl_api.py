"""Automated ML over HTTP: try the catalogue's learners on a dataset, follow the leaderboard, open the winner.

Jobs are workspace records: the listing and each job come from the store, whichever process ran them.
"""
from __future__ import annotations

from flask import Blueprint, request, url_for

from designer.automl import AutomlError, AutomlNotActive
from designer.server.app_state import current_designer
from designer.server.errors import ApiError
from designer.server.payloads import field, json_body, json_object, query_int

blueprint = Blueprint("automl_api", __name__)

STATUSES = ("running", "completed", "failed", "cancelled", "interrupted")


@blueprint.post("/api/automl")
def start_automl():
    body = json_object()
    options = {"label": field(body, "label", str)}
    for name in ("dataset", "sample", "graph_id", "node", "port", "task", "compute"):
        options[name] = field(body, name, str, default=None, nullable=True)
    options["trials"] = field(body, "trials", int, default=3)
    options["seed"] = field(body, "seed", int, default=0)
    try:
        job_id = current_designer().automl.start(**options)
    except AutomlError as error:
        raise ApiError(400, "invalid-automl", str(error), {"field": error.field}) from None
    return {"automl_id": job_id, "id": job_id}, 202, {"Location": url_for("automl_api.get_automl", job_id=job_id)}


@blueprint.get("/api/automl")
def list_automl():
    limit = query_int("limit", 100, minimum=1, maximum=1000)
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise ApiError(400, "invalid-query", f"status must be one of {', '.join(STATUSES)}, not {status!r}",
                       {"parameter": "status"})
    return {"jobs": current_designer().automl.list(limit=limit, status=status)}


@blueprint.get("/api/automl/<job_id>")
def get_automl(job_id: str):
    return current_designer().automl.view(job_id)  # NotFound: 404


@blueprint.post("/api/automl/<job_id>/cancel")
def cancel_automl(job_id: str):
    json_body(required=False)
    try:
        current_designer().automl.cancel(job_id)
    except AutomlNotActive as error:
        raise ApiError(409, "automl-not-running", str(error), {"status": error.status}) from None
    return {"automl_id": job_id, "status": "cancelling"}, 202
