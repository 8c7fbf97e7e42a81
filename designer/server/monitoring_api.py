"""Endpoint monitoring over HTTP: per-minute metrics, Prometheus `/metrics`, request logs, drift and promotions."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, current_app
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from canvas_store.db import utcnow
from designer.server.app_state import current_designer
from designer.server.errors import ApiError
from designer.server.operations import monitor_for
from designer.server.payloads import field, json_object, query_int
from designer.serving.drift import DEFAULT_THRESHOLD, drift_report
from designer.serving.monitoring import LOGGING_DEFAULTS, metrics_rows

blueprint = Blueprint("monitoring_api", __name__)
MAX_MINUTES = 30 * 24 * 60
MAX_LOG_ENTRIES = 10_000


@blueprint.get("/metrics")
def prometheus():
    return Response(generate_latest(monitor_for(current_app).registry), mimetype=CONTENT_TYPE_LATEST)


@blueprint.get("/api/endpoints/<name>/metrics")
def endpoint_metrics(name: str):
    store = current_designer().store
    store.get_endpoint(name)
    minutes = query_int("minutes", 60, minimum=1, maximum=MAX_MINUTES)
    monitor_for(current_app).flush()  # what this process counted a moment ago shows at once
    since = utcnow() - timedelta(minutes=minutes)
    rows = store.endpoint_minutes(name, since.replace(second=0, microsecond=0))
    return {"name": name, "window_minutes": minutes, **metrics_rows(rows, since, minutes)}


def _logging_settings(value) -> dict:
    if not isinstance(value, dict):
        raise ApiError(400, "invalid-field", "'logging' must be an object {\"enabled\", \"sample_rate\", "
                       "\"max_entries\"}", {"field": "logging"})
    unknown = sorted(set(value) - set(LOGGING_DEFAULTS))
    if unknown:
        raise ApiError(400, "invalid-field", f"'logging' has unknown field(s) {', '.join(unknown)}",
                       {"field": f"logging.{unknown[0]}"})
    enabled = field(value, "enabled", bool, default=LOGGING_DEFAULTS["enabled"])
    rate = value.get("sample_rate", LOGGING_DEFAULTS["sample_rate"])
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate <= 1:
        raise ApiError(400, "invalid-field", "'logging.sample_rate' is the share of requests logged, above 0 and at "
                       "most 1", {"field": "logging.sample_rate"})
    cap = value.get("max_entries", LOGGING_DEFAULTS["max_entries"])
    if isinstance(cap, bool) or not isinstance(cap, int) or not 1 <= cap <= MAX_LOG_ENTRIES:
        raise ApiError(400, "invalid-field", f"'logging.max_entries' must be a whole number from 1 to "
                       f"{MAX_LOG_ENTRIES}", {"field": "logging.max_entries"})
    return {"enabled": enabled, "sample_rate": float(rate), "max_entries": cap}


def _settings(name: str) -> dict:
    saved = current_designer().store.endpoint_monitoring(name)
    threshold = saved.get("drift_threshold")
    return {"name": name, "logging": {**LOGGING_DEFAULTS, **(saved.get("logging") or {})},
            "drift_threshold": DEFAULT_THRESHOLD if threshold is None else threshold}


@blueprint.patch("/api/endpoints/<name>")
def change_monitoring(name: str):
    store = current_designer().store
    store.get_endpoint(name)
    body = json_object()
    unknown = sorted(set(body) - {"logging", "drift_threshold"})
    if unknown:
        raise ApiError(400, "unknown-field", f"unknown field(s) {', '.join(unknown)}; an endpoint's "
                       "'logging' and 'drift_threshold' can be changed", {"fields": unknown})
    values = {}
    if "logging" in body:
        values["logging"] = _logging_settings(body["logging"])
    if "drift_threshold" in body:
        threshold = body["drift_threshold"]
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or threshold <= 0:
            raise ApiError(400, "invalid-field", "'drift_threshold' must be a number above 0 (0.2 is usual)",
                           {"field": "drift_threshold"})
        values["drift_threshold"] = float(threshold)
    if values:
        store.set_endpoint_monitoring(name, **values)
    if "logging" in values:
        monitor_for(current_app).set_logging(name, values["logging"])
    return _settings(name)


@blueprint.get("/api/endpoints/<name>/requests")
def request_log(name: str):
    store = current_designer().store
    store.get_endpoint(name)
    limit = query_int("limit", 100, minimum=1, maximum=MAX_LOG_ENTRIES)
    monitor_for(current_app).flush()
    return {**_settings(name), "requests": store.request_logs(name, limit)}


@blueprint.get("/api/endpoints/<name>/drift")
def drift(name: str):
    designer = current_designer()
    designer.store.get_endpoint(name)
    hours = query_int("hours", 24 * 7, minimum=1, maximum=24 * 30)
    monitor = monitor_for(current_app)
    monitor.flush()
    settings = _settings(name)
    profile = monitor.profile_for(name) if monitor.profile_for else None
    if not profile:
        return {"name": name, "available": False, "threshold": settings["drift_threshold"], "drifting": False,
                "features": [], "reason": "the endpoint's graph does not say which data its model was trained on"}
    scored = designer.store.feature_counts(name, utcnow() - timedelta(hours=hours))
    report = drift_report(profile, scored, threshold=settings["drift_threshold"])
    return {"name": name, "available": True, "window_hours": hours, **report}


@blueprint.get("/api/endpoints/<name>/promotions")
def promotions(name: str):
    store = current_designer().store
    store.get_endpoint(name)
    return {"name": name, "promotions": store.list_promotions(name)}
