"""Schedule timing as plain functions: parse a cron or fixed recurrence, next fire times, coalescing missed runs.

No threads, no clock and no database here: every function takes the moment it
reasons about, so tests drive it with any time they like. Cron expressions are
croniter's (evaluated in the schedule's time zone, DST included); fixed
recurrences count whole intervals from the schedule's anchor.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadCronError, CroniterBadDateError, croniter

UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}


class ScheduleInputError(ValueError):
    """A schedule field that cannot be used; `field` names it for the caller."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Recurrence:
    """When a schedule fires: a cron expression in `timezone`, or every `interval` from `anchor`."""

    anchor: datetime
    timezone: str = "UTC"
    cron: str | None = None
    interval: timedelta | None = None

    def next_after(self, moment: datetime) -> datetime:
        """The first fire time strictly after `moment` (UTC)."""
        if self.cron is not None:
            local = moment.astimezone(ZoneInfo(self.timezone))
            return croniter(self.cron, local).get_next(datetime).astimezone(timezone.utc)
        if moment < self.anchor:
            return self.anchor
        steps = (moment - self.anchor) // self.interval + 1
        return self.anchor + steps * self.interval

    def latest_at_or_before(self, moment: datetime) -> datetime | None:
        """The last fire time at or before `moment`, None when there was none yet."""
        if self.cron is not None:
            local = (moment + timedelta(microseconds=1)).astimezone(ZoneInfo(self.timezone))
            return croniter(self.cron, local).get_prev(datetime).astimezone(timezone.utc)
        if moment < self.anchor:
            return None
        return self.anchor + ((moment - self.anchor) // self.interval) * self.interval


def parse_recurrence(cron=None, every=None, timezone_name="UTC", *, anchor: datetime) -> Recurrence:
    """A Recurrence from the API's fields (exactly one of `cron` and `every`); ScheduleInputError names the bad one."""
    if timezone_name is None:
        timezone_name = "UTC"
    if not isinstance(timezone_name, str) or not timezone_name.strip():
        raise ScheduleInputError("timezone", "'timezone' must be an IANA time zone name such as 'Europe/Paris'")
    try:
        ZoneInfo(timezone_name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ScheduleInputError("timezone", f"unknown time zone {timezone_name!r}; use an IANA name such as "
                                 "'UTC' or 'Europe/Paris'") from None
    if (cron is None) == (every is None):
        raise ScheduleInputError("cron", "give either 'cron' (e.g. \"0 6 * * 1-5\") or 'every' "
                                 '({"interval": 1, "unit": "hours"}), not both or neither')
    if cron is not None:
        if not isinstance(cron, str) or not croniter.is_valid(cron.strip()) or len(cron.split()) not in (5, 6):
            raise ScheduleInputError("cron", f"{cron!r} is not a cron expression (five fields: minute hour "
                                     "day-of-month month day-of-week, e.g. \"0 6 * * 1-5\")")
        expression = " ".join(cron.split())
        try:
            croniter(expression, anchor).get_next(datetime)
        except (CroniterBadCronError, CroniterBadDateError, ValueError) as exc:
            raise ScheduleInputError("cron", f"{cron!r} never fires ({exc})") from None
        return Recurrence(anchor=anchor, timezone=timezone_name, cron=expression)
    return Recurrence(anchor=anchor, timezone=timezone_name, interval=parse_interval(every))


def parse_interval(every) -> timedelta:
    if not isinstance(every, dict):
        raise ScheduleInputError("every", "'every' must be an object such as {\"interval\": 1, \"unit\": \"hours\"}")
    interval, unit = every.get("interval"), every.get("unit", "minutes")
    if isinstance(interval, bool) or not isinstance(interval, int):
        raise ScheduleInputError("every.interval", "'every.interval' must be a whole number")
    if interval <= 0:
        raise ScheduleInputError("every.interval", f"'every.interval' must be at least 1 (got {interval})")
    if unit not in UNITS:
        raise ScheduleInputError("every.unit", f"'every.unit' must be one of {', '.join(UNITS)} (got {unit!r})")
    unknown = sorted(set(every) - {"interval", "unit"})
    if unknown:
        raise ScheduleInputError("every", f"'every' has unknown field(s) {', '.join(unknown)}")
    return timedelta(seconds=interval * UNITS[unit])


@dataclass(frozen=True)
class Firing:
    """What a scheduler does at `now` for a due schedule: one run for `fire_time`, then wait for `next_run`."""

    fire_time: datetime
    next_run: datetime
    #: Earlier fire times that came while no scheduler ran; they are folded into this one run.
    missed: int


def due_firing(recurrence: Recurrence, next_run: datetime | None, now: datetime, *,
               count_limit: int = 1000) -> Firing | None:
    """The one run to start at `now`, or None when `next_run` is still ahead.

    Fire times missed while the server was down are coalesced: a single run,
    for the latest fire time at or before `now`.
    """
    if next_run is None or next_run > now:
        return None
    latest = recurrence.latest_at_or_before(now) or next_run
    latest = max(latest, next_run)
    missed, moment = 0, next_run
    while missed < count_limit:
        moment = recurrence.next_after(moment)
        if moment > latest:
            break
        missed += 1
    return Firing(fire_time=latest, next_run=recurrence.next_after(now), missed=missed)


def describe(trigger: dict, timezone_name: str = "UTC") -> str:
    """A person's reading of a trigger: "cron 0 6 * * 1-5 (Europe/Paris)", "every 2 hours"."""
    if "cron" in trigger:
        return f"cron {trigger['cron']} ({timezone_name})"
    every = trigger.get("every") or {}
    interval, unit = every.get("interval"), every.get("unit", "minutes")
    return f"every {interval} {unit[:-1] if interval == 1 else unit}"
