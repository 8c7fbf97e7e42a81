"""Real-time endpoints over HTTP: deploy, list, delete and rotate keys under /api; score under /endpoints.

`POST /endpoints/<name>/score` (Authorization: Bearer KEY) takes {"data": [row, ...]}
(or Azure ML's {"Inputs": {...}}); its shapes are documented in designer/serving/payloads.py.
"""
from __future__ import annotations

from flask import Blueprint, current_app, request, url_for

import components
from components.roles import Role
from components.spec import ComponentError
from components.web_service import parse_schema
from designer.server.app_state import EXTENSION, RUNTIMES, current_designer
from designer.server.auth import requires_role
from designer.server.errors import ApiError, error_response
from designer.server.operations import note_scored_inputs
from designer.server.payloads import field, json_body, json_object
from designer.serving import redeploy, traffic
from designer.serving.endpoint import MAX_ROWS, DeploymentError
from designer.serving.traffic import is_split
from designer.serving.openapi import served_document
from designer.serving.runtimes import EndpointRuntimes
from designer.serving.scoring import Refused, score_endpoint, score_request
from designer.serving.shared_runtimes import SharedRuntimes

blueprint = Blueprint("endpoints_api", __name__)


@blueprint.record_once
def _install(state) -> None:
    designer = state.app.extensions[EXTENSION]
    # Shared: keys rotated and endpoints redeployed by other processes on the same store are seen within a second.
    state.app.extensions[RUNTIMES] = SharedRuntimes(designer.store, designer.artifacts.get, designer.home.datastore,
                                                    artifact_path=designer.artifacts.existing_path)


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
    if "model" in body:
        target = _model_target(body)
    else:
        target = {"graph_id": field(body, "graph_id", str),
                  "revision": field(body, "revision", int, default=None, nullable=True)}
    try:
        record = redeploy.deploy(current_designer(), runtimes(), name, **target)
    except DeploymentError as exc:
        raise _deployment_error(exc) from None
    return {**_public(record), "key": record["key"], **_urls(name)}, 201


def _model_target(body: dict) -> dict:
    script = field(body, "entry_script", str, default=None, nullable=True)
    if script is not None and not current_app.config.get("DESIGNER_PYTHON_SCRIPT", True):
        # A score.py is users' code as much as Execute Python Script is: the same switch turns both off.
        raise ApiError(403, "scripts-turned-off", "this server runs no users' code (it was started with "
                       "--no-python-script): deploy the model without 'entry_script' to use its built-in one",
                       {"field": "entry_script"})
    return {"model": field(body, "model", str), "entry_script": script}


def _public(record: dict) -> dict:
    document = record.get("document")
    if is_split(document):
        sources = traffic.sources_of(document)
        deployment = {"kind": "split", "traffic": document["traffic"],
                      "deployments": [{"name": name, "traffic": document["traffic"].get(name, 0), **sources.get(name, {})}
                                      for name in document["deployments"]]}
    else:
        deployment = redeploy.source_of(record.get("graph_id"), record.get("revision"), document or {})
    return {"name": record["name"], "graph_id": record.get("graph_id"), "revision": record.get("revision"),
            "status": record.get("status"), "created_at": record.get("created_at"),
            "updated_at": record.get("updated_at"), "deployment": deployment}


def _target(body: dict) -> dict:
    if "graph_id" in body:
        return {"graph_id": field(body, "graph_id", str),
                "revision": field(body, "revision", int, default=None, nullable=True)}
    if "model" in body:
        return _model_target(body)
    raise ApiError(400, "missing-field", "send 'graph_id', or 'model' with 'entry_script'", {"field": "graph_id"})


@blueprint.put("/api/endpoints/<name>")
def replace_endpoint(name: str):
    """Swap what the endpoint serves (a graph, or a model with its entry script); URL and key stay."""
    body = json_object()
    unknown = sorted(set(body) - {"graph_id", "revision", "model", "entry_script", "name"})
    if unknown:
        raise ApiError(400, "unknown-field", f"unknown field(s): {', '.join(unknown)}", {"fields": unknown})
    target = _target(body)
    try:
        record = redeploy.swap_endpoint(current_designer(), runtimes(), name, **target)
    except DeploymentError as exc:
        raise _deployment_error(exc) from None
    return {**_public(record), **_urls(name)}


@blueprint.post("/api/endpoints/<name>/deployments")
def add_deployment(name: str):
    """Blue/green: another deployment behind the endpoint, taking `traffic` percent of its requests (default 0)."""
    body = json_object()
    deployment = field(body, "name", str)
    share = field(body, "traffic", int, default=None, nullable=True)
    target = _target(body)
    try:
        record = redeploy.add_deployment(current_designer(), runtimes(), name, deployment, share, **target)
    except DeploymentError as exc:
        raise _deployment_error(exc) from None
    return {**_public(record), **_urls(name)}, 201


@blueprint.put("/api/endpoints/<name>/traffic")
def set_traffic(name: str):
    body = json_object()
    try:
        record = redeploy.set_traffic(current_designer(), runtimes(), name, body.get("traffic", body))
    except DeploymentError as exc:
        raise _deployment_error(exc) from None
    return {**_public(record), **_urls(name)}


@blueprint.delete("/api/endpoints/<name>/deployments/<deployment>")
def remove_deployment(name: str, deployment: str):
    json_body(required=False)
    try:
        record = redeploy.remove_deployment(current_designer(), runtimes(), name, deployment)
    except DeploymentError as exc:
        raise _deployment_error(exc) from None
    return {**_public(record), **_urls(name)}


@blueprint.get("/api/endpoints")
def list_endpoints():
    return {"endpoints": [{**record, **_urls(record["name"])}
                          for record in current_designer().store.list_endpoints()]}


@blueprint.get("/api/endpoints/<name>")
def get_endpoint(name: str):
    record = current_designer().store.get_endpoint(name)
    document = record.get("document")
    if is_split(document):  # requests must fit every deployment; the busiest one describes them
        document = document["deployments"][max(document["traffic"], key=document["traffic"].get)]
    return {**_public(record), **_urls(name), "inputs": _inputs_of(document), "max_rows": MAX_ROWS}


@blueprint.delete("/api/endpoints/<name>")
def delete_endpoint(name: str):
    json_body(required=False)
    current_designer().store.delete_endpoint(name)
    current_designer().store.forget_endpoint_monitoring(name)
    runtimes().forget(name)
    return "", 204


@blueprint.post("/api/endpoints/<name>/rotate-key")
@requires_role("admin")
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
    """Every kind of endpoint, with the same request handling as `designer serve-endpoint` (designer/serving/scoring.py)."""
    app = current_app._get_current_object()
    return _answered(score_request(runtimes(), name, request.headers.get("Authorization"),
                                   request.get_data(cache=False), **_scoring_options(app)))


@blueprint.post("/api/endpoints/<name>/test")
def test_score(name: str):
    """Score as the signed-in user (the endpoint page's Test tab), without the endpoint's key.

    An /api route: the server's own sign-in and roles guard it, as every other /api route.
    """
    current_designer().store.get_endpoint(name)
    json_body()  # the workspace's own JSON limits, as on every other /api route
    app = current_app._get_current_object()
    try:
        outcome = score_endpoint(runtimes(), name, request.get_data(), **_scoring_options(app))
    except Refused as refusal:
        outcome = refusal.response
    return _answered(outcome)


def _scoring_options(app) -> dict:
    return {"rows": app.config.get("DESIGNER_ROW_PATH", True),
            "on_inputs": lambda endpoint, rows: note_scored_inputs(app, endpoint, rows)}


def _answered(outcome):
    return current_app.response_class(outcome.json_bytes(), outcome.status, outcome.headers,
                                      mimetype="application/json")


@blueprint.get("/endpoints/<name>/swagger.json")
def swagger(name: str):
    return served_document(_loaded(name), name, url_for("endpoints_api.score", name=name, _external=True))
