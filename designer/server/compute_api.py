"""Compute targets over HTTP: list them with status and devices, add one of a known kind, remove one."""
from __future__ import annotations

import re

from flask import Blueprint, Response, url_for

from designer.compute.kinds import target_kinds
from designer.compute.local import local_devices
from designer.server.app_state import current_designer
from designer.server.auth import requires_role
from designer.server.errors import ApiError
from designer.server.payloads import field, json_object

blueprint = Blueprint("compute_api", __name__)

BUILT_IN = "local"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def _devices(designer, name: str) -> list[str] | None:
    # Building a target may connect to a cluster, so devices are only shown for targets already in use.
    built = designer.targets.built(name)
    try:
        return built.devices() if built is not None else None
    except Exception:  # an unreachable cluster must not break the listing
        return None


def _target_json(designer, record: dict) -> dict:
    return {"name": record["name"], "kind": record["kind"], "settings": record.get("settings") or {},
            "status": record.get("status"), "devices": _devices(designer, record["name"])}


@blueprint.get("/api/compute")
def list_targets():
    designer = current_designer()
    targets = [{"name": BUILT_IN, "kind": "local", "settings": {}, "status": "ready", "devices": local_devices()}]
    targets += [_target_json(designer, record) for record in designer.store.list_compute_targets()
                if record["name"] != BUILT_IN]
    kinds = target_kinds()
    return {"targets": targets, "kinds": sorted(kinds),
            "kind_settings": {name: kinds[name].to_json()["settings"] for name in sorted(kinds)}}


@blueprint.post("/api/compute")
@requires_role("admin")
def add_target():
    body = json_object()
    name = field(body, "name", str)
    kind = field(body, "kind", str)
    settings = field(body, "settings", dict, default=None, nullable=True) or {}
    if not NAME_PATTERN.match(name):
        raise ApiError(400, "invalid-field", "'name' must be 1-100 letters, digits, '.', '_' or '-', "
                       "starting with a letter or digit", {"field": "name"})
    if name == BUILT_IN or name in current_designer().targets.names():
        raise ApiError(409, "conflict", f"a compute target named '{name}' already exists", {"name": name})
    kinds = target_kinds()
    if kind not in kinds:
        raise ApiError(400, "unknown-kind", f"unknown compute kind '{kind}' (known: {', '.join(sorted(kinds))})",
                       {"field": "kind", "kinds": sorted(kinds)})
    problems = kinds[kind].problems(settings)
    if problems:
        where, message = problems[0]
        raise ApiError(400, "invalid-field", message, {"field": where, "errors": [m for _, m in problems]})
    designer = current_designer()
    record = designer.store.add_compute_target(name, kind, settings)
    return _target_json(designer, record), 201, {"Location": url_for("compute_api.list_targets")}


@blueprint.delete("/api/compute/<name>")
@requires_role("admin")
def remove_target(name: str):
    if name == BUILT_IN:
        raise ApiError(400, "built-in", "the 'local' compute target is built in and cannot be removed")
    designer = current_designer()
    designer.store.remove_compute_target(name)
    designer.targets.forget(name)
    return Response(status=204)
