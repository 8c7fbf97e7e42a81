"""Automated ML jobs and their leaderboards.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

JSON = sa.JSON(none_as_null=True)


def upgrade() -> None:
    op.create_table(
        "automl_jobs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("task", sa.String(32), nullable=False),
        sa.Column("label", sa.String(255), nullable=False),
        sa.Column("data", sa.String(255), nullable=False),
        sa.Column("config", JSON, nullable=False),
        sa.Column("dataset_version", sa.Integer(), nullable=True),
        sa.Column("primary_metric", sa.String(255), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("winner_learner", sa.String(255), nullable=True),
        sa.Column("winner_graph_id", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["winner_graph_id"], ["graphs.id"], name="fk_automl_jobs_winner_graph_id_graphs",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_automl_jobs"),
    )
    op.create_index("ix_automl_jobs_created_at", "automl_jobs", ["created_at"])
    op.create_table(
        "automl_candidates",
        sa.Column("automl_id", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("learner", sa.String(255), nullable=False),
        sa.Column("settings", JSON, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("parameters", JSON, nullable=True),
        sa.Column("sweep_id", sa.String(32), nullable=True),
        sa.Column("run_id", sa.String(32), nullable=True),
        sa.Column("metric", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["automl_id"], ["automl_jobs.id"], name="fk_automl_candidates_automl_id_automl_jobs",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("automl_id", "position", name="pk_automl_candidates"),
    )


def downgrade() -> None:
    op.drop_table("automl_candidates")
    op.drop_index("ix_automl_jobs_created_at", table_name="automl_jobs")
    op.drop_table("automl_jobs")
