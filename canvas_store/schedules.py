"""Schedule records: create, change and list schedules; claim a fire time exactly once; promotion outcomes.

A fire time is claimed by inserting its (schedule, fire time) row: the unique
constraint lets exactly one of any number of scheduler processes on one
database win, and the same transaction moves the schedule's `next_run` on.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from canvas_store.db import Database, iso, to_utc, utcnow
from canvas_store.errors import NotFound
from canvas_store.graphs import new_id
from canvas_store.models import Run
from canvas_store.schedule_models import Promotion, Schedule, ScheduleFiring

#: How many recent firings a schedule record shows.
RECENT_FIRINGS = 10
SCHEDULE_FIELDS = ("name", "pipeline_id", "pipeline_version", "graph_id", "trigger", "timezone", "parameters",
                   "promote", "enabled", "paused_reason", "anchor", "next_run")


class ScheduleRecords:
    _db: Database

    def create_schedule(self, *, trigger: dict, next_run: datetime | None, anchor: datetime,
                        name: str = "", pipeline_id: str | None = None, pipeline_version: int | None = None,
                        graph_id: str | None = None, timezone: str = "UTC", parameters: dict | None = None,
                        promote: dict | None = None, enabled: bool = True) -> dict:
        now = utcnow()
        schedule = Schedule(id=new_id(), name=name or "", pipeline_id=pipeline_id, pipeline_version=pipeline_version,
                            graph_id=graph_id, trigger=trigger, timezone=timezone, parameters=dict(parameters or {}),
                            promote=promote, enabled=bool(enabled), paused_reason="", anchor=anchor,
                            next_run=next_run, created_at=now, updated_at=now)
        with self._db.write() as session:
            session.add(schedule)
        return self.get_schedule(schedule.id)

    def get_schedule(self, schedule_id: str) -> dict:
        with self._db.read() as session:
            schedule = session.get(Schedule, schedule_id)
            if schedule is None:
                raise NotFound("schedule", schedule_id)
            return _with_firings(session, [schedule])[0]

    def list_schedules(self) -> list[dict]:
        with self._db.read() as session:
            schedules = session.scalars(select(Schedule).order_by(Schedule.created_at, Schedule.id)).all()
            return _with_firings(session, schedules)

    def update_schedule(self, schedule_id: str, **values) -> dict:
        unknown = set(values) - set(SCHEDULE_FIELDS)
        if unknown:
            raise ValueError(f"unknown schedule field(s) {sorted(unknown)}")
        with self._db.write() as session:
            changed = session.execute(update(Schedule).where(Schedule.id == schedule_id)
                                      .values(**values, updated_at=utcnow())).rowcount
        if not changed:
            raise NotFound("schedule", schedule_id)
        return self.get_schedule(schedule_id)

    def delete_schedule(self, schedule_id: str) -> None:
        with self._db.write() as session:
            session.execute(delete(ScheduleFiring).where(ScheduleFiring.schedule_id == schedule_id))
            removed = session.execute(delete(Schedule).where(Schedule.id == schedule_id)).rowcount
        if not removed:
            raise NotFound("schedule", schedule_id)

    def due_schedules(self, now: datetime) -> list[dict]:
        """Enabled schedules whose next run is at or before `now` (without their firings)."""
        with self._db.read() as session:
            rows = session.scalars(select(Schedule).where(Schedule.enabled.is_(True), Schedule.next_run.is_not(None),
                                                          Schedule.next_run <= to_utc(now))).all()
            return [_schedule_dict(s) for s in rows]

    def next_schedule_time(self) -> datetime | None:
        """The earliest next run of any enabled schedule (what a scheduler sleeps until)."""
        from sqlalchemy import func

        with self._db.read() as session:
            return session.scalar(select(func.min(Schedule.next_run)).where(Schedule.enabled.is_(True)))

    def claim_firing(self, schedule_id: str, fire_time: datetime, next_run: datetime, *, expected_next_run: datetime,
                     missed: int = 0, claimed_by: str = "") -> int | None:
        """Claim fire time `fire_time` and move the schedule on to `next_run`; the firing's id, or None if lost.

        Lost means another scheduler claimed this fire time, or moved the schedule on first.
        """
        try:
            with self._db.write() as session:
                moved = session.execute(
                    update(Schedule).where(Schedule.id == schedule_id, Schedule.enabled.is_(True),
                                           Schedule.next_run == to_utc(expected_next_run))
                    .values(next_run=next_run, last_run=fire_time, updated_at=utcnow())).rowcount
                if not moved:
                    return None
                firing = ScheduleFiring(schedule_id=schedule_id, fire_time=fire_time, claimed_at=utcnow(),
                                        missed=missed, claimed_by=claimed_by[:255])
                session.add(firing)
                session.flush()
                return firing.id
        except IntegrityError:
            return None

    def finish_firing(self, firing_id: int, *, run_id: str | None = None, error: str | None = None) -> None:
        with self._db.write() as session:
            session.execute(update(ScheduleFiring).where(ScheduleFiring.id == firing_id)
                            .values(run_id=run_id, error=error))

    def pause_schedule(self, schedule_id: str, reason: str) -> None:
        with self._db.write() as session:
            session.execute(update(Schedule).where(Schedule.id == schedule_id)
                            .values(enabled=False, paused_reason=reason, updated_at=utcnow()))

    # ------------------------------------------------------------ promotions
    def add_promotion(self, run_id: str, endpoint: str, rule: dict) -> int:
        promotion = Promotion(run_id=run_id, endpoint=endpoint, rule=rule, status="pending",
                              metric=str(rule.get("metric", "")), reason="", created_at=utcnow())
        with self._db.write() as session:
            session.add(promotion)
            session.flush()
            return promotion.id

    def pending_promotions(self, run_id: str) -> list[dict]:
        with self._db.read() as session:
            rows = session.scalars(select(Promotion).where(Promotion.run_id == run_id,
                                                           Promotion.status == "pending")).all()
            return [_promotion_dict(p) for p in rows]

    def decide_promotion(self, promotion_id: int, status: str, **values) -> None:
        with self._db.write() as session:
            session.execute(update(Promotion).where(Promotion.id == promotion_id)
                            .values(status=status, decided_at=utcnow(), **values))

    def list_promotions(self, endpoint: str, limit: int = 50) -> list[dict]:
        with self._db.read() as session:
            rows = session.scalars(select(Promotion).where(Promotion.endpoint == endpoint)
                                   .order_by(Promotion.id.desc()).limit(limit)).all()
            return [_promotion_dict(p) for p in rows]


def _with_firings(session, schedules) -> list[dict]:
    records = []
    for schedule in schedules:
        firings = session.execute(
            select(ScheduleFiring.fire_time, ScheduleFiring.run_id, ScheduleFiring.error, ScheduleFiring.missed,
                   Run.status)
            .outerjoin(Run, Run.id == ScheduleFiring.run_id)
            .where(ScheduleFiring.schedule_id == schedule.id)
            .order_by(ScheduleFiring.id.desc()).limit(RECENT_FIRINGS)).all()
        record = _schedule_dict(schedule)
        record["recent_firings"] = [{"fire_time": iso(f.fire_time), "run_id": f.run_id, "error": f.error,
                                  "missed": f.missed, "status": f.status or ("failed" if f.error else None)}
                                 for f in firings]
        record["last_run_id"] = firings[0].run_id if firings else None
        record["last_run_status"] = record["recent_firings"][0]["status"] if firings else None
        record["recent_runs"] = [f.run_id for f in firings if f.run_id]
        records.append(record)
    return records


def _schedule_dict(schedule: Schedule) -> dict:
    return {"id": schedule.id, "name": schedule.name, "pipeline_id": schedule.pipeline_id,
            "version": schedule.pipeline_version, "graph_id": schedule.graph_id, "trigger": schedule.trigger or {},
            "timezone": schedule.timezone, "parameters": schedule.parameters or {}, "promote": schedule.promote,
            "enabled": bool(schedule.enabled), "paused_reason": schedule.paused_reason or "",
            "anchor": iso(schedule.anchor), "next_run": iso(schedule.next_run), "last_run": iso(schedule.last_run),
            "created_at": iso(schedule.created_at), "updated_at": iso(schedule.updated_at)}


def _promotion_dict(promotion: Promotion) -> dict:
    return {"id": promotion.id, "run_id": promotion.run_id, "endpoint": promotion.endpoint,
            "rule": promotion.rule or {}, "status": promotion.status, "metric": promotion.metric,
            "new_value": promotion.new_value, "old_value": promotion.old_value,
            "model_name": promotion.model_name, "model_version": promotion.model_version,
            "graph_id": promotion.graph_id, "reason": promotion.reason,
            "created_at": iso(promotion.created_at), "decided_at": iso(promotion.decided_at)}
