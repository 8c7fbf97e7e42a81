"""The tables of hyperparameter sweeps: one row per sweep and one per trial (each trial is an ordinary run)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from canvas_store.db import UTCDateTime
from canvas_store.models import ID, NAME, STATUS, Base, Document


class Sweep(Base):
    """A sweep over a graph's parameters: its settings, the graph document it sweeps, and where it stands."""

    __tablename__ = "sweeps"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    graph_id: Mapped[str | None] = mapped_column(ID, ForeignKey("graphs.id", ondelete="SET NULL"), nullable=True)
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    name: Mapped[str] = mapped_column(NAME, default="")
    #: running, completed, failed, cancelled or interrupted (the server stopped while it ran).
    status: Mapped[str] = mapped_column(STATUS)
    #: The request as accepted: search_space, sampling, primary_metric, goal, trials, policy, compute, seed.
    config: Mapped[Any] = mapped_column(Document)
    document: Mapped[Any] = mapped_column(Document)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_sweeps_graph_id_created_at", "graph_id", "created_at"),
                      Index("ix_sweeps_created_at", "created_at"))


class SweepTrial(Base):
    """One trial: the parameters it was given, the run that tried them and what came of it."""

    __tablename__ = "sweep_trials"

    sweep_id: Mapped[str] = mapped_column(ID, ForeignKey("sweeps.id", ondelete="CASCADE"), primary_key=True)
    trial: Mapped[int] = mapped_column(Integer, primary_key=True)
    parameters: Mapped[Any] = mapped_column(Document)
    #: The sampler's view of the trial (Optuna's internal values), so a restarted sweep can replay it.
    sampler_state: Mapped[Any] = mapped_column(Document, nullable=True)
    # A loose reference: the run's record may be deleted, the trial's outcome stays.
    run_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    #: queued, running, completed, early_terminated, failed or cancelled.
    status: Mapped[str] = mapped_column(STATUS)
    metric: Mapped[float | None] = mapped_column(Float, nullable=True)
    intermediate: Mapped[Any] = mapped_column(Document, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
