"""Registered models over HTTP: register (from a run's output or an uploaded file), search, edit, lineage, download."""
from __future__ import annotations

import json

from flask import Blueprint, request, send_file, url_for

from designer.server.app_state import current_designer
from designer.server.errors import ApiError
from designer.server.payloads import field, json_object, takes_uploads
from designer.workspace import models as registry

blueprint = Blueprint("models_api", __name__)


def _created(record: dict):
    location = url_for("models_api.get_version", name=record["name"], version=record["version"])
    return {"name": record["name"], "version": record["version"]}, 201, {"Location": location}


@blueprint.post("/api/models")
@takes_uploads
def register_model():
    designer = current_designer()
    if request.mimetype == "multipart/form-data":
        return _created(_register_upload(designer))
    body = json_object()
    record = registry.register_from_run(
        designer.store, field(body, "name", str), field(body, "run_id", str), field(body, "node", str),
        field(body, "port", str, default=None, nullable=True),
        tags=field(body, "tags", dict, default=None, nullable=True),
        description=field(body, "description", str, default="", nullable=True) or "")
    return _created(record)


def _form_tags(text: str | None) -> dict:
    """Tags in a form: a JSON object, or "k=v, k2=v2"."""
    text = (text or "").strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            tags = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ApiError(400, "invalid-field", f"'tags' is not valid JSON: {exc.msg}", {"field": "tags"}) from None
        if not isinstance(tags, dict):
            raise ApiError(400, "invalid-field", "'tags' must be an object", {"field": "tags"})
        return tags
    tags = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = pair.partition("=")
        tags[key.strip()] = value.strip()
    return tags


def _register_upload(designer) -> dict:
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(400, "missing-field", "send the model file in the form field 'file'", {"field": "file"})
    name = request.form.get("name")
    if not name:
        raise ApiError(400, "missing-field", "'name' is required", {"field": "name"})
    flavor = request.form.get("flavor")
    if not flavor:
        raise ApiError(400, "missing-field", "'flavor' is required (sklearn or torch)", {"field": "flavor"})
    return registry.register_upload(designer.store, designer.artifacts, name, upload.filename or "", upload.read(),
                                    flavor, architecture=request.form.get("architecture"),
                                    tags=_form_tags(request.form.get("tags")),
                                    description=request.form.get("description") or "")


@blueprint.get("/api/models")
def list_models():
    search = request.args.get("search") or request.args.get("name") or None
    tag = request.args.get("tag") or None
    return {"models": current_designer().store.search_models(search=search, tag=tag)}


@blueprint.get("/api/models/<name>")
def get_model(name: str):
    versions = current_designer().store.list_model_versions(name)
    latest = versions[0]
    return {"name": name, "latest_version": latest["version"], "description": latest["description"],
            "tags": latest["tags"], "versions": versions}


def _version_number(version: str) -> int:
    if version == "latest":
        return current_designer().store.get_model(request.view_args["name"])["version"]
    if not (version.isascii() and version.isdigit()) or len(version) > 9:
        raise ApiError(400, "invalid-version", f"a version is a whole number (below a billion) or 'latest', "
                       f"not {version!r}", {"version": version[:40]})
    return int(version)


@blueprint.get("/api/models/<name>/versions/<version>")
def get_version(name: str, version: str):
    return registry.model_version(current_designer().store, name, _version_number(version))


@blueprint.patch("/api/models/<name>/versions/<version>")
def update_version(name: str, version: str):
    body = json_object()
    unknown = sorted(set(body) - {"tags", "description"})
    if unknown:
        raise ApiError(400, "unknown-field", f"only 'tags' and 'description' can be changed "
                       f"(not {', '.join(unknown)}); a version's files never change", {"fields": unknown})
    tags = field(body, "tags", dict, default=None, nullable=True)
    description = field(body, "description", str, default=None, nullable=True)
    store = current_designer().store
    number = _version_number(version)
    store.update_model_version(name, number, tags=tags, description=description)
    return registry.model_version(store, name, number)


@blueprint.get("/api/models/<name>/versions/<version>/download")
def download_version(name: str, version: str):
    designer = current_designer()
    buffer, filename = registry.download_zip(designer.store, designer.artifacts, name, _version_number(version))
    return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name=filename)
