"""Compute targets over HTTP: list them with status and devices, add one of a known kind, remove one."""
from __future__ import annotations

import re

from flask import Blueprint, Response, url_for

from designer.compute.local import local_devices
from designer.compute.registry import TARGET_KINDS
from designer.server.app_state import current_designer
from designer.server.auth import requires_role
from designer.server.errors import ApiError
from designer.server.payloads import field, json_object

blueprint = Blueprint("compute_api", __name__)

BUILT_IN = "local"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
#: Settings that count workers must be positive whole numbers.
WORKER_SETTINGS = ("workers", "local_workers")


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
    return {"targets": targets, "kinds": sorted(TARGET_KINDS)}


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
    if kind not in TARGET_KINDS:
        raise ApiError(400, "unknown-kind", f"unknown compute kind '{kind}' (known: {', '.join(sorted(TARGET_KINDS))})",
                       {"field": "kind", "kinds": sorted(TARGET_KINDS)})
    for key in WORKER_SETTINGS:
        value = settings.get(key)
        if key in settings and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ApiError(400, "invalid-field", f"settings.{key} must be a whole number of at least 1",
                           {"field": f"settings.{key}"})
    if "address" in settings and not isinstance(settings["address"], str):
        raise ApiError(400, "invalid-field", "settings.address must be a string such as tcp://HOST:8786",
                       {"field": "settings.address"})
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
