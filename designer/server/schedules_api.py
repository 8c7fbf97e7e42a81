"""Schedules over HTTP: create, list, read, change (pause, resume, edit) and delete recurring runs."""
from __future__ import annotations

from flask import Blueprint, current_app

from designer.scheduling.schedules import schedule_json, schedule_values
from designer.scheduling.timing import ScheduleInputError
from designer.server.app_state import current_designer
from designer.server.errors import ApiError
from designer.server.payloads import json_body, json_object

blueprint = Blueprint("schedules_api", __name__)
#: app.extensions key of the app's Scheduler (absent when the app runs none).
SCHEDULER = "designer.scheduler"


def _invalid(exc: ScheduleInputError) -> ApiError:
    return ApiError(400, "invalid-schedule", exc.message, {"field": exc.field})


def _now():
    """The scheduler's clock, so the next run a caller is told is the one the scheduler waits for."""
    scheduler = current_app.extensions.get(SCHEDULER)
    return scheduler.clock() if scheduler is not None else None


def _wake() -> None:
    scheduler = current_app.extensions.get(SCHEDULER)
    if scheduler is not None:
        scheduler.wake()


@blueprint.post("/api/schedules")
def create_schedule():
    store = current_designer().store
    try:
        values = schedule_values(json_object(), store, now=_now())
    except ScheduleInputError as exc:
        raise _invalid(exc) from None
    record = store.create_schedule(**values)
    _wake()
    return schedule_json(record), 201


@blueprint.get("/api/schedules")
def list_schedules():
    return {"schedules": [schedule_json(s) for s in current_designer().store.list_schedules()]}


@blueprint.get("/api/schedules/<schedule_id>")
def get_schedule(schedule_id: str):
    return schedule_json(current_designer().store.get_schedule(schedule_id))


@blueprint.patch("/api/schedules/<schedule_id>")
def change_schedule(schedule_id: str):
    store = current_designer().store
    current = store.get_schedule(schedule_id)
    body = json_object()
    try:
        values = schedule_values(body, store, now=_now(), current=current)
    except ScheduleInputError as exc:
        raise _invalid(exc) from None
    record = store.update_schedule(schedule_id, **values)
    _wake()
    return schedule_json(record)


@blueprint.delete("/api/schedules/<schedule_id>")
def delete_schedule(schedule_id: str):
    json_body(required=False)
    current_designer().store.delete_schedule(schedule_id)
    return "", 204
