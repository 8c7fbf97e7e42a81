"""Published pipelines over HTTP: publish a graph revision, manage versions, and run one with its key.

A published version keeps the exact document it was published with, so later
edits of the draft graph never change what `POST /pipelines/<id>/runs` runs.
"""
from __future__ import annotations

from flask import Blueprint, url_for

from designer.published_runs import PipelineDisabled, start_pipeline_run
from designer.server.app_state import current_designer
from designer.server.auth import requires_role
from designer.server.endpoints_api import bearer_key, unauthorized
from designer.server.errors import ApiError
from designer.server.payloads import field, json_body, json_object
from designer.service import GraphInvalid
from designer.serving.deployment import resolve_registry_references
from designer.serving.endpoint import DeploymentError

blueprint = Blueprint("pipelines_api", __name__)
#: How many runs of a pipeline `GET /api/pipelines/<id>` lists.
RUNS_SHOWN = 100


def _url(pipeline_id: str) -> str:
    return url_for("pipelines_api.run_published", pipeline_id=pipeline_id, _external=True)


def _invalid(exc: GraphInvalid, what: str) -> ApiError:
    errors = [p.to_json() for p in exc.problems]
    first = exc.problems[0] if exc.problems else None
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return ApiError(400, what, f"{first}{more}", {"errors": errors})


# ---------------------------------------------------------------- publishing and managing (/api)

@blueprint.post("/api/graphs/<graph_id>/publish")
def publish(graph_id: str):
    body = json_object(required=False)
    name = field(body, "name", str, default=None, nullable=True)
    pipeline_id = field(body, "pipeline_id", str, default=None, nullable=True)
    revision = field(body, "revision", int, default=None, nullable=True)
    make_default = field(body, "make_default", bool, default=False)
    designer = current_designer()
    graph = designer.store.get_graph(graph_id, revision)
    problems = designer.validate(graph["document"])
    if problems:
        raise _invalid(GraphInvalid(problems), "invalid-graph")
    try:
        document = resolve_registry_references(graph["document"], designer.store)
    except DeploymentError as exc:
        raise ApiError(400, exc.code, exc.message, exc.details) from None
    record = designer.store.publish_pipeline(graph_id, graph["revision"], document, name=name,
                                             pipeline_id=pipeline_id, make_default=make_default)
    answer = {"pipeline_id": record["pipeline_id"], "version": record["version"], "name": record["name"],
              "graph_id": graph_id, "revision": graph["revision"], "url": _url(record["pipeline_id"])}
    if "key" in record:
        answer["key"] = record["key"]
    return answer, 201


@blueprint.get("/api/pipelines")
def list_pipelines():
    return {"pipelines": [{**p, "url": _url(p["pipeline_id"])} for p in current_designer().store.list_pipelines()]}


@blueprint.get("/api/pipelines/<pipeline_id>")
def get_pipeline(pipeline_id: str):
    store = current_designer().store
    pipeline = store.get_pipeline(pipeline_id)
    runs = []
    for graph_id in dict.fromkeys(v["graph_id"] for v in pipeline["versions"] if v.get("graph_id")):
        runs += [r for r in store.list_runs(graph_id=graph_id, limit=RUNS_SHOWN * 4)
                 if r.get("pipeline_id") == pipeline_id]
    runs.sort(key=lambda r: r.get("created_at") or "", reverse=True)
    return {**pipeline, "url": _url(pipeline_id), "runs": runs[:RUNS_SHOWN]}


@blueprint.post("/api/pipelines/<pipeline_id>/enable")
def enable(pipeline_id: str):
    json_body(required=False)
    current_designer().store.set_pipeline_enabled(pipeline_id, True)
    return {"pipeline_id": pipeline_id, "enabled": True}


@blueprint.post("/api/pipelines/<pipeline_id>/disable")
def disable(pipeline_id: str):
    json_body(required=False)
    current_designer().store.set_pipeline_enabled(pipeline_id, False)
    return {"pipeline_id": pipeline_id, "enabled": False}


@blueprint.post("/api/pipelines/<pipeline_id>/default-version")
def default_version(pipeline_id: str):
    version = field(json_object(), "version", int)
    current_designer().store.set_default_pipeline_version(pipeline_id, version)
    return {"pipeline_id": pipeline_id, "default_version": version}


@blueprint.post("/api/pipelines/<pipeline_id>/rotate-key")
@requires_role("admin")
def rotate_key(pipeline_id: str):
    json_body(required=False)
    return {"pipeline_id": pipeline_id, "key": current_designer().store.rotate_pipeline_key(pipeline_id)}


# ---------------------------------------------------------------- running with a key (/pipelines)

def _authorized_pipeline(pipeline_id: str):
    """The pipeline record, or a 404 / 401 response when it does not exist or the key is wrong."""
    store = current_designer().store
    key = bearer_key()
    if not (key and store.check_pipeline_key(pipeline_id, key)):
        store.get_pipeline(pipeline_id)  # an unknown pipeline is a 404, not a 401
        return None, unauthorized("pipeline", key is not None)
    return store.get_pipeline(pipeline_id), None


@blueprint.post("/pipelines/<pipeline_id>/runs")
def run_published(pipeline_id: str):
    _, refusal = _authorized_pipeline(pipeline_id)
    if refusal is not None:
        return refusal
    body = json_object(required=False)
    unknown = sorted(set(body) - {"parameters", "version"})
    if unknown:
        raise ApiError(400, "unknown-field", f"unknown field(s) {', '.join(unknown)}; the body is "
                       f'{{"parameters": {{...}}, "version": N}}', {"fields": unknown})
    parameters = field(body, "parameters", dict, default=None, nullable=True) or {}
    version = field(body, "version", int, default=None, nullable=True)
    try:
        run_id, published = start_pipeline_run(current_designer(), pipeline_id, version, parameters)
    except PipelineDisabled:
        raise ApiError(409, "pipeline-disabled", "this pipeline is disabled; enable it to run it",
                       {"pipeline_id": pipeline_id}) from None
    except GraphInvalid as exc:
        raise _invalid(exc, "invalid-parameters") from None
    return {"run_id": run_id, "pipeline_id": pipeline_id, "version": published["version"],
            "status_url": url_for("pipelines_api.published_run", pipeline_id=pipeline_id, run_id=run_id,
                                  _external=True)}, 202


@blueprint.get("/pipelines/<pipeline_id>/runs/<run_id>")
def published_run(pipeline_id: str, run_id: str):
    _, refusal = _authorized_pipeline(pipeline_id)
    if refusal is not None:
        return refusal
    run = current_designer().store.get_run(run_id)
    if run.get("pipeline_id") != pipeline_id:
        raise ApiError(404, "not-found", f"pipeline '{pipeline_id}' has no run '{run_id}'",
                       {"what": "run", "id": run_id})
    nodes = {n: {"status": r["status"], "error": r.get("error"), "metrics": r.get("metrics")}
             for n, r in run["nodes"].items()}
    return {"run_id": run_id, "pipeline_id": pipeline_id, "version": run.get("pipeline_version"),
            "status": run["status"], "parameters": run["parameters"], "error": run.get("error"),
            "created_at": run.get("created_at"), "finished_at": run.get("finished_at"), "nodes": nodes}
