"""Automated ML over HTTP: try the catalogue's learners on a dataset, follow the leaderboard, open the winner."""
from __future__ import annotations

from flask import Blueprint

from designer.automl import AutomlError
from designer.server.app_state import current_designer
from designer.server.errors import ApiError
from designer.server.payloads import field, json_object

blueprint = Blueprint("automl_api", __name__)


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
    return {"automl_id": job_id, "id": job_id}, 202


@blueprint.get("/api/automl")
def list_automl():
    return {"jobs": current_designer().automl.list()}


@blueprint.get("/api/automl/<job_id>")
def get_automl(job_id: str):
    try:
        return current_designer().automl.view(job_id)
    except KeyError:
        raise ApiError(404, "not-found", f"automated ML job '{job_id}' does not exist "
                       "(jobs are kept until the server restarts; their sweeps and graphs stay)",
                       {"what": "automl", "id": job_id}) from None
