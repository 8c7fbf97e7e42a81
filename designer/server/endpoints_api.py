"""Real-time endpoints over HTTP: deploy, list, delete and rotate keys under /api; score under /endpoints.

`POST /endpoints/<name>/score` (Authorization: Bearer KEY) takes {"data": [row, ...]}
(or Azure ML's {"Inputs": {...}}); its shapes are documented in designer/serving/payloads.py.
"""
from __future__ import annotations

from flask import Blueprint, current_app, request, url_for

import components
from components.roles import Role
from components.spec import ComponentError
from components.web_service import PayloadError, parse_schema
from designer.server.app_state import EXTENSION, current_designer
from designer.server.errors import ApiError, error_response
from designer.server.payloads import field, json_body, json_object
from designer.serving.deployment import deploy_endpoint
from designer.serving.endpoint import DeploymentError
from designer.serving.openapi import openapi_document
from designer.serving.payloads import answer, parse_request
from designer.serving.runtimes import EndpointRuntimes

blueprint = Blueprint("endpoints_api", __name__)
RUNTIMES = "designer.endpoints"


@blueprint.record_once
def _install(state) -> None:
    designer = state.app.extensions[EXTENSION]
    state.app.extensions[RUNTIMES] = EndpointRuntimes(designer.store, designer.artifacts.get,
                                                      designer.home.datastore)


def runtimes() -> EndpointRuntimes:
    return current_app.extensions[RUNTIMES]


def bearer_key() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def unauthorized(what: str, has_key: bool):
    message = (f"the key is not valid for this {what}" if has_key
               else f"this {what} needs its key: send 'Authorization: Bearer KEY'")
    return error_response(401, "invalid-key" if has_key else "missing-key", message,
                          headers={"WWW-Authenticate": 'Bearer realm="designer"'})


def _deployment_error(exc: DeploymentError) -> ApiError:
    return ApiError(400, exc.code, exc.message, exc.details)


def _urls(name: str) -> dict:
    return {"url": url_for("endpoints_api.score", name=name, _external=True),
            "swagger_url": url_for("endpoints_api.swagger", name=name, _external=True)}


def _inputs_of(document: dict) -> list:
    inputs = []
    for node in (document or {}).get("nodes") or []:
        spec = components.get(str(node.get("component")))
        if spec is not None and Role.WEB_SERVICE_INPUT in spec.roles:
            params = node.get("params") or {}
            try:
                columns = [c.to_json() for c in parse_schema(params.get("schema") or "")]
            except ComponentError:
                columns = []
            inputs.append({"name": params.get("name") or "WebServiceInput0", "node": node.get("id"),
                           "columns": columns})
    return inputs


# ---------------------------------------------------------------- management (/api)

@blueprint.post("/api/endpoints")
def create_endpoint():
    body = json_object()
    name = field(body, "name", str)
    graph_id = field(body, "graph_id", str)
    revision = field(body, "revision", int, default=None, nullable=True)
    designer = current_designer()
    try:
        record, _ = deploy_endpoint(designer, runtimes(), name, graph_id, revision)
    except DeploymentError as exc:
        raise _deployment_error(exc) from None
    return {"name": record["name"], "graph_id": record["graph_id"], "revision": record["revision"],
            "status": record["status"], "key": record["key"], **_urls(name)}, 201


@blueprint.get("/api/endpoints")
def list_endpoints():
    return {"endpoints": [{**record, **_urls(record["name"])}
                          for record in current_designer().store.list_endpoints()]}


@blueprint.get("/api/endpoints/<name>")
def get_endpoint(name: str):
    record = current_designer().store.get_endpoint(name)
    document = record.pop("document", None)
    return {**record, **_urls(name), "inputs": _inputs_of(document)}


@blueprint.delete("/api/endpoints/<name>")
def delete_endpoint(name: str):
    json_body(required=False)
    current_designer().store.delete_endpoint(name)
    runtimes().forget(name)
    return "", 204


@blueprint.post("/api/endpoints/<name>/rotate-key")
def rotate_endpoint_key(name: str):
    json_body(required=False)
    key = current_designer().store.rotate_endpoint_key(name)
    runtimes().forget_key(name)
    return {"name": name, "key": key}


# ---------------------------------------------------------------- scoring (/endpoints)

def _loaded(name: str):
    """The warm runtime; an endpoint whose graph no longer loads (a deleted artifact) is marked and is a 503."""
    try:
        return runtimes().get(name)
    except DeploymentError as exc:
        current_designer().store.set_endpoint_status(name, "unhealthy")
        raise ApiError(503, "endpoint-unavailable", f"endpoint '{name}' cannot be loaded: {exc.message}",
                       exc.details) from None


@blueprint.post("/endpoints/<name>/score")
def score(name: str):
    key = bearer_key()
    pool = runtimes()
    if not pool.check_key(name, key):
        current_designer().store.get_endpoint(name)  # an unknown endpoint is a 404, not a 401
        return unauthorized("endpoint", key is not None)
    endpoint = _loaded(name)
    body = json_body()
    try:
        shape, tables = parse_request(body, endpoint)
        results = endpoint.score(tables)
    except PayloadError as exc:
        details = {k: v for k, v in (("column", exc.column), ("row", exc.row)) if v is not None}
        raise ApiError(400, exc.code, str(exc), details) from None
    except ComponentError as exc:
        raise ApiError(400, "scoring-failed", f"the rows could not be scored: {exc}") from None
    return answer(shape, endpoint, results)


@blueprint.get("/endpoints/<name>/swagger.json")
def swagger(name: str):
    endpoint = _loaded(name)
    return openapi_document(endpoint, url_for("endpoints_api.score", name=name, _external=True))
