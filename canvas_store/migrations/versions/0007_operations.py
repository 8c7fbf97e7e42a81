"""Operations: schedules and their claimed firings, promotions, endpoint monitoring rollups, logs and settings.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _json(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.JSON(none_as_null=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("pipeline_id", sa.String(32), nullable=True),
        sa.Column("pipeline_version", sa.Integer(), nullable=True),
        sa.Column("graph_id", sa.String(32), nullable=True),
        _json("trigger"),
        sa.Column("timezone", sa.String(64), nullable=False),
        _json("parameters"),
        _json("promote", nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("paused_reason", sa.Text(), nullable=False),
        _timestamp("anchor"),
        _timestamp("next_run", nullable=True),
        _timestamp("last_run", nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_schedules"),
    )
    op.create_index("ix_schedules_enabled_next_run", "schedules", ["enabled", "next_run"])

    op.create_table(
        "schedule_firings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("schedule_id", sa.String(32), nullable=False),
        _timestamp("fire_time"),
        _timestamp("claimed_at"),
        sa.Column("missed", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(32), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.String(255), nullable=False),
        sa.ForeignKeyConstraint(["schedule_id"], ["schedules.id"], ondelete="CASCADE",
                                name="fk_schedule_firings_schedule_id_schedules"),
        sa.PrimaryKeyConstraint("id", name="pk_schedule_firings"),
        sa.UniqueConstraint("schedule_id", "fire_time", name="uq_schedule_firings_schedule_id_fire_time"),
    )
    op.create_index("ix_schedule_firings_schedule_id_id", "schedule_firings", ["schedule_id", "id"])

    op.create_table(
        "promotions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("endpoint", sa.String(255), nullable=False),
        _json("rule"),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("metric", sa.String(255), nullable=False),
        sa.Column("new_value", sa.Float(), nullable=True),
        sa.Column("old_value", sa.Float(), nullable=True),
        sa.Column("model_name", sa.String(255), nullable=True),
        sa.Column("model_version", sa.Integer(), nullable=True),
        sa.Column("graph_id", sa.String(32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        _timestamp("created_at"),
        _timestamp("decided_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_promotions"),
    )
    op.create_index("ix_promotions_run_id", "promotions", ["run_id"])
    op.create_index("ix_promotions_endpoint_id", "promotions", ["endpoint", "id"])

    op.create_table(
        "endpoint_minutes",
        sa.Column("endpoint", sa.String(255), nullable=False),
        _timestamp("minute"),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("errors_4xx", sa.Integer(), nullable=False),
        sa.Column("errors_5xx", sa.Integer(), nullable=False),
        sa.Column("latency_ms_sum", sa.Float(), nullable=False),
        _json("latency_buckets"),
        sa.PrimaryKeyConstraint("endpoint", "minute", name="pk_endpoint_minutes"),
    )
    op.create_index("ix_endpoint_minutes_minute", "endpoint_minutes", ["minute"])

    op.create_table(
        "endpoint_feature_hours",
        sa.Column("endpoint", sa.String(255), nullable=False),
        _timestamp("hour"),
        sa.Column("feature", sa.String(255), nullable=False),
        _json("counts"),
        sa.PrimaryKeyConstraint("endpoint", "hour", "feature", name="pk_endpoint_feature_hours"),
    )
    op.create_index("ix_endpoint_feature_hours_hour", "endpoint_feature_hours", ["hour"])

    op.create_table(
        "endpoint_request_logs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("endpoint", sa.String(255), nullable=False),
        _timestamp("at"),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_endpoint_request_logs"),
    )
    op.create_index("ix_endpoint_request_logs_endpoint_id", "endpoint_request_logs", ["endpoint", "id"])

    op.create_table(
        "endpoint_monitoring",
        sa.Column("endpoint", sa.String(255), nullable=False),
        _json("logging", nullable=True),
        sa.Column("drift_threshold", sa.Float(), nullable=True),
        _json("training_profile", nullable=True),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("endpoint", name="pk_endpoint_monitoring"),
    )


def downgrade() -> None:
    for table in ("endpoint_monitoring", "endpoint_request_logs", "endpoint_feature_hours", "endpoint_minutes",
                  "promotions", "schedule_firings", "schedules"):
        op.drop_table(table)
