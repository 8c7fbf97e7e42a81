"""What a schedule is made of: the fields of a create or change request, checked against the store, and its JSON.

The HTTP API and the CLI both build schedules here; errors are ScheduleInputError
naming the field (`pipeline_id`, `version`, `cron`, `timezone`, `every.interval`, ...).
"""
from __future__ import annotations

from datetime import datetime

from canvas_store.db import to_utc, utcnow
from canvas_store.repository import NotFound
from designer.scheduling.promotion import RuleError, check_promotion_rule
from designer.scheduling.timing import Recurrence, ScheduleInputError, describe, parse_recurrence

CREATE_FIELDS = ("pipeline_id", "graph_id", "version", "cron", "every", "timezone", "parameters", "enabled", "name",
                 "promote")
CHANGE_FIELDS = tuple(f for f in CREATE_FIELDS if f not in ("pipeline_id", "graph_id"))


def recurrence_of(schedule: dict) -> Recurrence:
    trigger = schedule["trigger"]
    return parse_recurrence(trigger.get("cron"), trigger.get("every"), schedule.get("timezone") or "UTC",
                            anchor=to_utc(schedule["anchor"]))


def schedule_values(body: dict, store, *, now: datetime | None = None, current: dict | None = None) -> dict:
    """Store values for a new schedule (`current` None) or a change of `current`; ScheduleInputError otherwise."""
    now = now or utcnow()
    allowed = CREATE_FIELDS if current is None else CHANGE_FIELDS
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise ScheduleInputError(unknown[0], f"unknown field(s) {', '.join(unknown)} (known: {', '.join(allowed)})")
    values: dict = {}
    target = _target(body, store, current)
    if current is None:
        values.update(target)
    elif "version" in body:
        values["pipeline_version"] = target["pipeline_version"]
    for name, kind in (("name", str), ("parameters", dict), ("enabled", bool)):
        if name in body:
            if not isinstance(body[name], kind) or isinstance(body[name], bool) != (kind is bool):
                raise ScheduleInputError(name, f"'{name}' must be {_KINDS[kind]}")
            values[name] = body[name]
    if "name" in values:
        values["name"] = values["name"].strip()[:255]
    timing_changed = current is None or any(k in body for k in ("cron", "every", "timezone"))
    if timing_changed:
        cron = body.get("cron") if current is None or "cron" in body or "every" in body else \
            current["trigger"].get("cron")
        every = body.get("every") if current is None or "cron" in body or "every" in body else \
            current["trigger"].get("every")
        zone = body.get("timezone", (current or {}).get("timezone") or "UTC")
        recurrence = parse_recurrence(cron, every, zone, anchor=now)
        values["trigger"] = {"cron": recurrence.cron} if recurrence.cron else {"every": _every(every)}
        values["timezone"] = recurrence.timezone
        values["anchor"] = now
    if "promote" in body:
        values["promote"] = None if body["promote"] is None else _rule(body["promote"], target["document"], store)
    enabled = values.get("enabled", True if current is None else current["enabled"])
    resumed = current is not None and enabled and not current["enabled"]
    if enabled and (timing_changed or resumed or current is None):
        values["next_run"] = (recurrence if timing_changed else recurrence_of(current)).next_after(now)
    if resumed:
        values["paused_reason"] = ""
    if not enabled:
        values["next_run"] = None
    values.pop("document", None)
    return values


_KINDS = {str: "text", dict: "an object of parameter values", bool: "true or false"}


def _every(every: dict) -> dict:
    return {"interval": every["interval"], "unit": every.get("unit", "minutes")}


def _target(body: dict, store, current: dict | None) -> dict:
    """The pipeline (and version) or graph a schedule runs, with the document to check a promotion rule against."""
    if current is None:
        has_pipeline, has_graph = body.get("pipeline_id") is not None, body.get("graph_id") is not None
        if has_pipeline == has_graph:
            raise ScheduleInputError("pipeline_id", "give either 'pipeline_id' (a published pipeline) or 'graph_id'")
        pipeline_id, graph_id = body.get("pipeline_id"), body.get("graph_id")
    else:
        pipeline_id, graph_id = current["pipeline_id"], current["graph_id"]
    version = body.get("version", (current or {}).get("version"))
    if pipeline_id is not None:
        if not isinstance(pipeline_id, str):
            raise ScheduleInputError("pipeline_id", "'pipeline_id' must be text")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            raise ScheduleInputError("version", "'version' must be a whole number (or left out for the default)")
        try:
            store.get_pipeline(pipeline_id)
        except NotFound:
            raise ScheduleInputError("pipeline_id", f"there is no published pipeline '{pipeline_id}'") from None
        try:
            published = store.get_pipeline_version(pipeline_id, version)
        except NotFound:
            raise ScheduleInputError("version", f"pipeline '{pipeline_id}' has no version {version}") from None
        return {"pipeline_id": pipeline_id, "pipeline_version": version, "graph_id": None,
                "document": published["document"]}
    if not isinstance(graph_id, str):
        raise ScheduleInputError("graph_id", "'graph_id' must be text")
    if version is not None:
        raise ScheduleInputError("version", "'version' belongs to a published pipeline; a graph schedule runs the "
                                 "graph's newest revision")
    try:
        graph = store.get_graph(graph_id)
    except NotFound:
        raise ScheduleInputError("graph_id", f"there is no graph '{graph_id}'") from None
    return {"pipeline_id": None, "pipeline_version": None, "graph_id": graph_id, "document": graph["document"]}


def _rule(rule, document: dict, store) -> dict:
    try:
        return check_promotion_rule(rule, document, store)
    except RuleError as exc:
        raise ScheduleInputError(exc.field, exc.message) from None


def schedule_json(record: dict) -> dict:
    """The API's view of a schedule: its trigger's fields at the top, a readable summary, recent run ids."""
    trigger = record.get("trigger") or {}
    answer = {key: value for key, value in record.items() if key not in ("trigger", "anchor")}
    answer["cron"] = trigger.get("cron")
    answer["every"] = trigger.get("every")
    answer["summary"] = describe(trigger, record.get("timezone") or "UTC")
    answer["target"] = "pipeline" if record.get("pipeline_id") else "graph"
    return answer
