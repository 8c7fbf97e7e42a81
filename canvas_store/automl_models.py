"""The tables of automated ML: one row per job and one per candidate learner on its leaderboard."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from canvas_store.db import UTCDateTime
from canvas_store.models import ID, NAME, STATUS, Base, Document


class AutomlJob(Base):
    """A job: what it learns from and predicts, how it ranks, where it stands and the graph it wrote."""

    __tablename__ = "automl_jobs"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    #: running, completed, failed, cancelled or interrupted (the server stopped while it ran).
    status: Mapped[str] = mapped_column(STATUS)
    task: Mapped[str] = mapped_column(STATUS)
    label: Mapped[str] = mapped_column(NAME)
    #: What the user named as the data: a dataset reference, a sample name or a node id.
    data: Mapped[str] = mapped_column(NAME)
    #: The request as accepted: dataset/sample/graph_id/node/port, trials, compute, seed.
    config: Mapped[Any] = mapped_column(Document)
    #: The registered dataset version every candidate read (None for a sample or a graph's node).
    dataset_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    primary_metric: Mapped[str] = mapped_column(NAME)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    winner_learner: Mapped[str | None] = mapped_column(NAME, nullable=True)
    winner_graph_id: Mapped[str | None] = mapped_column(ID, ForeignKey("graphs.id", ondelete="SET NULL"),
                                                        nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_automl_jobs_created_at", "created_at"),)


class AutomlCandidate(Base):
    """One learner tried by a job: its best settings, the sweep (or run) that found them and its metric."""

    __tablename__ = "automl_candidates"

    automl_id: Mapped[str] = mapped_column(ID, ForeignKey("automl_jobs.id", ondelete="CASCADE"),
                                           primary_key=True)
    #: The learner's place in the catalogue order the job tries them in.
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner: Mapped[str] = mapped_column(NAME)
    #: The learner node's fixed settings (e.g. its task); the swept ones are in `parameters`.
    settings: Mapped[Any] = mapped_column(Document)
    #: queued, running, completed, failed, cancelled or interrupted.
    status: Mapped[str] = mapped_column(STATUS)
    parameters: Mapped[Any] = mapped_column(Document, nullable=True)
    # Loose references: the sweep's and the run's records may be deleted, the leaderboard stays.
    sweep_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    run_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    metric: Mapped[float | None] = mapped_column(Float, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
