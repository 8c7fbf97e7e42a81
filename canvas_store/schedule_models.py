"""The tables of schedules (what runs when), their claimed firings, and promotion rules with their outcomes."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from canvas_store.db import UTCDateTime
from canvas_store.models import ID, NAME, STATUS, Base, Document


class Schedule(Base):
    """A recurring run of a published pipeline (a version, or its default) or of a graph's newest revision.

    `trigger` is {"cron": EXPR} or {"every": {"interval", "unit"}}; a data-change trigger
    ({"dataset": NAME}) fits the same column. `next_run` is the next fire time the schedulers wait for.
    """

    __tablename__ = "schedules"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(NAME, default="")
    pipeline_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    pipeline_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    graph_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    trigger: Mapped[Any] = mapped_column(Document)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    parameters: Mapped[Any] = mapped_column(Document)
    promote: Mapped[Any] = mapped_column(Document, nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Why the designer paused it (its pipeline was disabled or deleted, ...); empty when paused by a person.
    paused_reason: Mapped[str] = mapped_column(Text, default="")
    #: Where a fixed recurrence counts from.
    anchor: Mapped[datetime] = mapped_column(UTCDateTime)
    next_run: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_run: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_schedules_enabled_next_run", "enabled", "next_run"),)


class ScheduleFiring(Base):
    """One fire time of one schedule, claimed by exactly one scheduler (the unique pair is the claim)."""

    __tablename__ = "schedule_firings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    schedule_id: Mapped[str] = mapped_column(ID, ForeignKey("schedules.id", ondelete="CASCADE"))
    fire_time: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Fire times folded into this one because the server was down when they came.
    missed: Mapped[int] = mapped_column(Integer, default=0)
    run_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    claimed_by: Mapped[str] = mapped_column(NAME, default="")

    __table_args__ = (
        UniqueConstraint("schedule_id", "fire_time", name="uq_schedule_firings_schedule_id_fire_time"),
        Index("ix_schedule_firings_schedule_id_id", "schedule_id", "id"),
    )


class Promotion(Base):
    """A run's promotion rule and what became of it: pending, promoted, kept (not better) or failed."""

    __tablename__ = "promotions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ID)
    endpoint: Mapped[str] = mapped_column(NAME)
    rule: Mapped[Any] = mapped_column(Document)
    status: Mapped[str] = mapped_column(STATUS, default="pending")
    metric: Mapped[str] = mapped_column(NAME, default="")
    new_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    old_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    model_name: Mapped[str | None] = mapped_column(NAME, nullable=True)
    model_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    graph_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        Index("ix_promotions_run_id", "run_id"),
        Index("ix_promotions_endpoint_id", "endpoint", "id"),
    )
