"""What a server runs beside its requests: the scheduler, endpoint monitoring and promotion of retrained models."""
from __future__ import annotations

from flask import Flask

from designer.scheduling.promotion import Promoter, RuleError, check_promotion_rule
from designer.scheduling.scheduler import Scheduler
from designer.server.schedules_api import SCHEDULER
from designer.serving.monitoring import EndpointMonitor, monitor_scoring_app

MONITOR = "designer.monitor"
PROMOTER = "designer.promoter"
DEFAULTS = {
    #: Start the scheduler thread (tests turn it off and call `scheduler_for(app).tick()` themselves).
    "DESIGNER_SCHEDULER": True,
    #: A callable giving the current UTC datetime, for schedules (tests inject a fake clock).
    "DESIGNER_CLOCK": None,
    "DESIGNER_MONITOR_FLUSH_SECONDS": 5.0,
    #: Count, time and sample scoring requests (off only to measure what monitoring costs).
    "DESIGNER_MONITORING": True,
}


def install_operations(app: Flask, designer) -> None:
    from designer.server.app_state import RUNTIMES
    from designer.serving.redeploy import swap_endpoint

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    # `enabled` is read on every request, so monitoring can be switched off and on while serving.
    app.wsgi_app, monitor = monitor_scoring_app(app.wsgi_app, designer,
                                                flush_seconds=app.config["DESIGNER_MONITOR_FLUSH_SECONDS"],
                                                enabled=bool(app.config["DESIGNER_MONITORING"]))
    app.extensions[MONITOR] = monitor

    def swap(name: str, graph_id: str, revision: int, document: dict) -> None:
        # The same in-place redeploy as PUT /api/endpoints/<name>: the new runtime loads before the switch.
        swap_endpoint(designer, app.extensions[RUNTIMES], name, graph_id=graph_id, revision=revision)

    promoter = Promoter(designer, swap)
    designer.listeners.append(promoter)
    app.extensions[PROMOTER] = promoter
    options = {"promoter": promoter}
    if app.config["DESIGNER_CLOCK"] is not None:
        options["clock"] = app.config["DESIGNER_CLOCK"]
    scheduler = Scheduler(designer, **options)
    app.extensions[SCHEDULER] = scheduler
    if app.config["DESIGNER_SCHEDULER"]:
        scheduler.start()


def stop_operations(app: Flask) -> None:
    designer = app.extensions.get("designer")
    scheduler = app.extensions.pop(SCHEDULER, None)
    if scheduler is not None:
        scheduler.stop()
    promoter = app.extensions.pop(PROMOTER, None)
    if designer is not None and promoter in designer.listeners:
        designer.listeners.remove(promoter)
    monitor = app.extensions.pop(MONITOR, None)
    if monitor is not None:
        monitor.stop()


def checked_rule(rule, document: dict) -> dict | None:
    """A run's promotion rule checked against its graph (None for none); a 400 naming the field otherwise."""
    from designer.server.app_state import current_designer
    from designer.server.errors import ApiError

    if rule is None:
        return None
    try:
        return check_promotion_rule(rule, document, current_designer().store)
    except RuleError as exc:
        raise ApiError(400, "invalid-promotion-rule", exc.message, {"field": exc.field}) from None


def note_scored_inputs(app: Flask, name: str, tables: dict) -> None:
    """Hand a request's rows to the app's monitor for drift (a scoring app without one just scores)."""
    monitor = app.extensions.get(MONITOR)
    if monitor is not None:
        monitor.scored_inputs(name, tables)


def monitor_for(app: Flask) -> EndpointMonitor:
    return app.extensions[MONITOR]


def scheduler_for(app: Flask) -> Scheduler:
    return app.extensions[SCHEDULER]


def promoter_for(app: Flask) -> Promoter:
    return app.extensions[PROMOTER]
