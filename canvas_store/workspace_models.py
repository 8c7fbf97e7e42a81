"""Tables of the workspace's memory: the final metrics of every run, one row per NODE.METRIC, for SQL sorting."""
from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from canvas_store.models import ID, NAME, Base


class RunMetric(Base):
    """One final number of one run (`key` is "NODE.METRIC", e.g. "eval.accuracy").

    Written with the node's metrics, so listing runs sorted by a metric is one
    indexed join instead of reading every run's node rows.
    """

    __tablename__ = "run_metrics"

    run_id: Mapped[str] = mapped_column(ID, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(NAME, primary_key=True)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)

    __table_args__ = (
        Index("ix_run_metrics_key_value", "key", "value"),
    )
