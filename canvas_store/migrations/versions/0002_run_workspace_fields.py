"""Runs join the workspace: experiment, display name, description, tags, trigger and environment.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("experiment", sa.String(255), nullable=False, server_default=""))
        batch.add_column(sa.Column("display_name", sa.String(255), nullable=False, server_default=""))
        batch.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("tags", sa.JSON(none_as_null=True), nullable=True))
        batch.add_column(sa.Column("trigger", sa.String(80), nullable=False, server_default="manual"))
        batch.add_column(sa.Column("environment", sa.JSON(none_as_null=True), nullable=True))
    # Runs made before experiments existed belong to the experiment named after their graph.
    op.execute("UPDATE runs SET experiment = name WHERE experiment = ''")
    op.execute("UPDATE runs SET \"trigger\" = kind WHERE kind = 'published'")
    op.create_index("ix_runs_experiment_created_at", "runs", ["experiment", "created_at"])
    op.create_index("ix_runs_trigger", "runs", ["trigger"])


def downgrade() -> None:
    op.drop_index("ix_runs_trigger", table_name="runs")
    op.drop_index("ix_runs_experiment_created_at", table_name="runs")
    with op.batch_alter_table("runs") as batch:
        for column in ("environment", "trigger", "tags", "description", "display_name", "experiment"):
            batch.drop_column(column)
