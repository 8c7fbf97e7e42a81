"""Datasets over HTTP: register versions (from a datastore path or a run output), list, describe, preview."""
from __future__ import annotations

from flask import Blueprint, send_file, url_for

from designer.data.datastores import WORKSPACE
from designer.server.datastores_api import catalogue
from designer.server.errors import ApiError
from designer.server.payloads import field, json_object, query_int

blueprint = Blueprint("datasets_api", __name__)

MAX_PAGE_ROWS = 1000


@blueprint.post("/api/datasets")
def register_dataset():
    body = json_object()
    name = field(body, "name", str)
    description = field(body, "description", str, default="", nullable=True) or ""
    tags = field(body, "tags", dict, default=None, nullable=True)
    from_run = "run_id" in body
    allowed = {"name", "description", "tags"} | ({"run_id", "node", "port"} if from_run else {"datastore", "path"})
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ApiError(400, "unknown-field", f"unknown field(s): {', '.join(unknown)} (a dataset is registered "
                       f"from {{datastore, path}} or from {{run_id, node, port}})", {"fields": unknown})
    if from_run:
        record = catalogue().register_from_run(name, run_id=field(body, "run_id", str), node=field(body, "node", str),
                                               port=field(body, "port", str), description=description, tags=tags)
    else:
        record = catalogue().register(name, datastore=field(body, "datastore", str, default=WORKSPACE),
                                      path=field(body, "path", str), description=description, tags=tags)
    location = url_for("datasets_api.get_version", name=record["name"], version=record["version"])
    return {"name": record["name"], "version": record["version"]}, 201, {"Location": location}


@blueprint.get("/api/datasets")
def list_datasets():
    return {"datasets": catalogue().datasets()}


@blueprint.get("/api/datasets/<name>")
def list_versions(name: str):
    return catalogue().versions(name)


@blueprint.get("/api/datasets/<name>/versions/<int:version>")
def get_version(name: str, version: int):
    return catalogue().version(name, version)


@blueprint.get("/api/datasets/<name>/versions/<int:version>/rows")
def version_rows(name: str, version: int):
    offset = query_int("offset", 0, minimum=0, maximum=10**12)
    limit = query_int("limit", 50, minimum=1, maximum=MAX_PAGE_ROWS)
    return catalogue().rows(name, version, offset, limit)


@blueprint.get("/api/datasets/<name>/versions/<int:version>/images/<path:file>")
def version_image(name: str, version: int, file: str):
    return send_file(catalogue().image_file(name, version, file), max_age=3600)
