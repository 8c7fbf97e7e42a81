"""Runs over HTTP: status with per-node detail, cancellation, and each node's log, metrics and outputs."""
from __future__ import annotations

import time

from flask import Blueprint, send_file
from werkzeug.utils import secure_filename

from canvas_store.artifacts import ArtifactNotFound
from designer.server.app_state import current_designer
from designer.server.errors import ApiError
from designer.server.payloads import json_body, query_int
from designer.server.previews import download, output_preview

blueprint = Blueprint("runs_api", __name__)

RUN_FINISHED = ("completed", "failed", "cancelled")
#: A run that was just submitted may not have reached the executor yet; a cancel waits this long for it.
CANCEL_WAIT_SECONDS = 2.0
MAX_PAGE_ROWS = 1000


@blueprint.get("/api/runs/<run_id>")
def get_run(run_id: str):
    run = current_designer().store.get_run(run_id)
    for node in run["nodes"].values():
        node.pop("metric_events", None)  # per-epoch series are served by .../metrics, not on every poll
    return run


@blueprint.post("/api/runs/<run_id>/cancel")
def cancel_run(run_id: str):
    json_body(required=False)
    designer = current_designer()
    deadline = time.monotonic() + CANCEL_WAIT_SECONDS
    while True:
        status = designer.store.get_run(run_id)["status"]
        if status in RUN_FINISHED:
            raise ApiError(409, "run-finished", f"the run has already finished ({status})", {"status": status})
        if designer.cancel_run(run_id):
            return {"run_id": run_id, "status": "cancelling"}, 202
        if not designer.is_active(run_id) or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    status = designer.store.get_run(run_id)["status"]
    if status in RUN_FINISHED:
        raise ApiError(409, "run-finished", f"the run has already finished ({status})", {"status": status})
    raise ApiError(409, "run-not-active", "this run is not executing in this server process "
                   "(another process may be running it)", {"status": status})


def _node(run_id: str, node_id: str) -> dict:
    run = current_designer().store.get_run(run_id)
    node = run["nodes"].get(node_id)
    if node is not None:
        return node
    planned = {n.get("id") for n in (run.get("document") or {}).get("nodes") or [] if isinstance(n, dict)}
    if node_id in planned:
        return {"status": run["status"] if run["status"] in RUN_FINISHED else "queued", "outputs": {},
                "metrics": None, "metric_events": []}
    raise ApiError(404, "not-found", f"run '{run_id}' has no node '{node_id}'", {"what": "node", "id": node_id})


def _output(run_id: str, node_id: str, port: str) -> dict:
    outputs = _node(run_id, node_id).get("outputs") or {}
    output = outputs.get(port)
    if not output or not output.get("digest"):
        raise ApiError(404, "no-output", f"node '{node_id}' has no output '{port}' in this run"
                       + (f" (outputs: {', '.join(outputs)})" if outputs else " (it has not produced any)"),
                       {"node": node_id, "port": port, "ports": sorted(outputs)})
    return output


@blueprint.get("/api/runs/<run_id>/nodes/<node_id>/log")
def node_log(run_id: str, node_id: str):
    _node(run_id, node_id)
    return {"log": current_designer().store.get_node_log(run_id, node_id)}


@blueprint.get("/api/runs/<run_id>/nodes/<node_id>/metrics")
def node_metrics(run_id: str, node_id: str):
    node = _node(run_id, node_id)
    return {"final": node.get("metrics"), "events": node.get("metric_events") or []}


@blueprint.get("/api/runs/<run_id>/nodes/<node_id>/outputs/<port>")
def node_output(run_id: str, node_id: str, port: str):
    offset = query_int("offset", 0, minimum=0, maximum=2**53)
    limit = query_int("limit", 50, minimum=1, maximum=MAX_PAGE_ROWS)
    output = _output(run_id, node_id, port)
    try:
        preview = output_preview(current_designer().artifacts, output["digest"], offset=offset, limit=limit)
    except ArtifactNotFound:
        raise _missing_artifact(node_id, port) from None
    preview["type"] = output.get("type") or preview.get("type")
    return preview


@blueprint.get("/api/runs/<run_id>/nodes/<node_id>/outputs/<port>/download")
def node_output_download(run_id: str, node_id: str, port: str):
    output = _output(run_id, node_id, port)
    basename = secure_filename(f"{node_id}-{port}") or "output"
    try:
        data, mimetype, filename = download(current_designer().artifacts, output["digest"], basename)
    except ArtifactNotFound:
        raise _missing_artifact(node_id, port) from None
    return send_file(data, mimetype=mimetype, as_attachment=True, download_name=filename)


def _missing_artifact(node_id: str, port: str) -> ApiError:
    return ApiError(404, "artifact-missing", f"the stored output '{port}' of node '{node_id}' is no longer in the "
                    "artifact store; run the node again", {"node": node_id, "port": port})
