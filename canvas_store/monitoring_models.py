"""The tables of endpoint monitoring: per-minute request rollups, scored-input histograms, request logs, settings."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from canvas_store.db import UTCDateTime
from canvas_store.models import NAME, Base, Document


class EndpointMinute(Base):
    """Requests of one endpoint in one minute; `latency_buckets` counts per fixed bucket, so rollups merge."""

    __tablename__ = "endpoint_minutes"

    endpoint: Mapped[str] = mapped_column(NAME, primary_key=True)
    minute: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    errors_4xx: Mapped[int] = mapped_column(Integer, default=0)
    errors_5xx: Mapped[int] = mapped_column(Integer, default=0)
    latency_ms_sum: Mapped[float] = mapped_column(Float, default=0.0)
    latency_buckets: Mapped[Any] = mapped_column(Document)

    __table_args__ = (Index("ix_endpoint_minutes_minute", "minute"),)


class EndpointFeatureHour(Base):
    """How the values of one scored feature fell into its training bins during one hour."""

    __tablename__ = "endpoint_feature_hours"

    endpoint: Mapped[str] = mapped_column(NAME, primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    feature: Mapped[str] = mapped_column(NAME, primary_key=True)
    counts: Mapped[Any] = mapped_column(Document)

    __table_args__ = (Index("ix_endpoint_feature_hours_hour", "hour"),)


class EndpointRequestLog(Base):
    """One logged scoring request and its answer (only for endpoints whose owner turned logging on)."""

    __tablename__ = "endpoint_request_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    endpoint: Mapped[str] = mapped_column(NAME)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[int] = mapped_column(Integer)
    latency_ms: Mapped[float] = mapped_column(Float)
    request: Mapped[str] = mapped_column(Text)
    response: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_endpoint_request_logs_endpoint_id", "endpoint", "id"),)


class EndpointMonitoring(Base):
    """Per-endpoint monitoring settings (request logging, drift threshold) and its training profile."""

    __tablename__ = "endpoint_monitoring"

    endpoint: Mapped[str] = mapped_column(NAME, primary_key=True)
    logging: Mapped[Any] = mapped_column(Document, nullable=True)
    drift_threshold: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: Bins and training histograms per feature, with the training digest they were computed from.
    training_profile: Mapped[Any] = mapped_column(Document, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
