"""The tables of the designer database as SQLAlchemy models (created only by the Alembic migrations)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from canvas_store.db import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(32)          # uuid4 hex
NAME = String(255)
STATUS = String(32)
DIGEST = String(128)
TRIGGER = String(80)     # "manual", "published", "schedule:<id>", "sweep:<id>"
KEY_HASH = String(64)    # sha256 hex of a key; the key itself is never stored
Document = JSON(none_as_null=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Graph(Base):
    """A graph's identity and its current revision; the documents live in GraphRevision."""

    __tablename__ = "graphs"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(NAME)
    description: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        Index("ix_graphs_name", "name"),
        Index("ix_graphs_updated_at", "updated_at"),
    )


class GraphRevision(Base):
    __tablename__ = "graph_revisions"

    graph_id: Mapped[str] = mapped_column(ID, ForeignKey("graphs.id", ondelete="CASCADE"),
                                          primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(NAME)
    description: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[Any] = mapped_column(Document)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Pipeline(Base):
    """A published pipeline: a stable id, a hashed key and numbered versions."""

    __tablename__ = "pipelines"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(NAME)
    key_hash: Mapped[str] = mapped_column(KEY_HASH)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    default_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PipelineVersion(Base):
    __tablename__ = "pipeline_versions"

    pipeline_id: Mapped[str] = mapped_column(ID, ForeignKey("pipelines.id", ondelete="CASCADE"),
                                             primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    graph_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    document: Mapped[Any] = mapped_column(Document)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    graph_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("graphs.id", ondelete="SET NULL"), nullable=True)
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    name: Mapped[str] = mapped_column(NAME, default="")
    status: Mapped[str] = mapped_column(STATUS)
    compute: Mapped[str] = mapped_column(NAME)
    parameters: Mapped[Any] = mapped_column(Document)
    kind: Mapped[str] = mapped_column(STATUS)
    pipeline_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("pipelines.id", ondelete="SET NULL"), nullable=True)
    pipeline_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: The evaluation node ids of `document`, so run lists can show metrics without loading it.
    evaluate_nodes: Mapped[Any] = mapped_column(Document)
    document: Mapped[Any] = mapped_column(Document)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: The experiment a run belongs to (default: the graph's name), as in Azure ML and MLflow.
    experiment: Mapped[str] = mapped_column(NAME, default="")
    display_name: Mapped[str] = mapped_column(NAME, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[Any] = mapped_column(Document, nullable=True)
    #: What started the run: manual, published, schedule:<id> or sweep:<id>.
    trigger: Mapped[str] = mapped_column(TRIGGER, default="manual")
    #: Python version, platform and installed package versions when the run started.
    environment: Mapped[Any] = mapped_column(Document, nullable=True)

    __table_args__ = (
        Index("ix_runs_graph_id_created_at", "graph_id", "created_at"),
        Index("ix_runs_created_at", "created_at"),
        Index("ix_runs_status", "status"),
        Index("ix_runs_experiment_created_at", "experiment", "created_at"),
        Index("ix_runs_trigger", "trigger"),
    )


class RunNode(Base):
    """One node of one run; the hot-path row the executor upserts."""

    __tablename__ = "run_nodes"

    run_id: Mapped[str] = mapped_column(ID, ForeignKey("runs.id", ondelete="CASCADE"),
                                        primary_key=True)
    node_id: Mapped[str] = mapped_column(NAME, primary_key=True)
    status: Mapped[str] = mapped_column(STATUS, default="queued")
    cached: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    traceback: Mapped[str | None] = mapped_column(Text, nullable=True)
    outputs: Mapped[Any] = mapped_column(Document, nullable=True)
    metrics: Mapped[Any] = mapped_column(Document, nullable=True)
    progress: Mapped[float | None] = mapped_column(Float, nullable=True)
    progress_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    compute: Mapped[str | None] = mapped_column(NAME, nullable=True)
    cache_key: Mapped[str | None] = mapped_column(DIGEST, nullable=True)


class RunNodeLog(Base):
    """Log text in appended chunks: an append is one INSERT, never a rewrite of the whole log."""

    __tablename__ = "run_node_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ID)
    node_id: Mapped[str] = mapped_column(NAME)
    text: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        ForeignKeyConstraint(["run_id", "node_id"], ["run_nodes.run_id", "run_nodes.node_id"],
                             ondelete="CASCADE"),
        Index("ix_run_node_logs_run_id_node_id", "run_id", "node_id", "id"),
    )


class RunNodeMetricEvent(Base):
    """One entry of a node's metric stream (e.g. the loss of one epoch)."""

    __tablename__ = "run_node_metric_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ID)
    node_id: Mapped[str] = mapped_column(NAME)
    event: Mapped[Any] = mapped_column(Document)

    __table_args__ = (
        ForeignKeyConstraint(["run_id", "node_id"], ["run_nodes.run_id", "run_nodes.node_id"],
                             ondelete="CASCADE"),
        Index("ix_run_node_metric_events_run_id_node_id", "run_id", "node_id", "id"),
    )


class ComputeTarget(Base):
    __tablename__ = "compute_targets"

    name: Mapped[str] = mapped_column(NAME, primary_key=True)
    kind: Mapped[str] = mapped_column(STATUS)
    settings: Mapped[Any] = mapped_column(Document)
    status: Mapped[str] = mapped_column(STATUS)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RegisteredModel(Base):
    """One version of a registered model: a name, a number and the artifact it points to."""

    __tablename__ = "models"

    name: Mapped[str] = mapped_column(NAME, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(DIGEST)
    tags: Mapped[Any] = mapped_column(Document)
    # Loose references: a model outlives the run that trained it.
    run_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    node_id: Mapped[str | None] = mapped_column(NAME, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(Text, default="")
    #: How the files load: "designer" (a run's TrainedModel), "sklearn" or "torch" (uploaded).
    flavor: Mapped[str] = mapped_column(STATUS, default="designer")
    port: Mapped[str | None] = mapped_column(NAME, nullable=True)
    graph_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: What the flavor needs besides the files (e.g. a torch architecture, the uploaded file's name).
    properties: Mapped[Any] = mapped_column(Document, nullable=True)


class Endpoint(Base):
    """A real-time scoring endpoint serving one inference graph."""

    __tablename__ = "endpoints"

    name: Mapped[str] = mapped_column(NAME, primary_key=True)
    graph_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    document: Mapped[Any] = mapped_column(Document)
    key_hash: Mapped[str] = mapped_column(KEY_HASH)
    status: Mapped[str] = mapped_column(STATUS)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


from canvas_store import schedule_models  # noqa: E402,F401
from canvas_store import monitoring_models  # noqa: E402,F401
from canvas_store import dataset_models  # noqa: E402,F401
from canvas_store import workspace_models  # noqa: E402,F401
from canvas_store import auth_models  # noqa: E402,F401
from canvas_store import sweep_models  # noqa: E402,F401
from canvas_store import automl_models  # noqa: E402,F401
