"""The workspace's memory: run metrics for sorting, and what a model version says about itself.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from __future__ import annotations

import math

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "run_metrics",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_run_metrics_run_id_runs", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "key", name="pk_run_metrics"),
    )
    op.create_index("ix_run_metrics_key_value", "run_metrics", ["key", "value"])
    with op.batch_alter_table("models") as batch:
        batch.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("flavor", sa.String(32), nullable=False, server_default="designer"))
        batch.add_column(sa.Column("port", sa.String(255), nullable=True))
        batch.add_column(sa.Column("graph_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("properties", sa.JSON(none_as_null=True), nullable=True))
    # Metrics of runs recorded before this table existed, so old runs sort too.
    bind = op.get_bind()
    nodes = sa.table("run_nodes", sa.column("run_id"), sa.column("node_id"), sa.column("metrics", sa.JSON()))
    rows = []
    for run_id, node_id, metrics in bind.execute(
            sa.select(nodes.c.run_id, nodes.c.node_id, nodes.c.metrics).where(nodes.c.metrics.is_not(None))):
        for name, value in (metrics or {}).items() if isinstance(metrics, dict) else ():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                number = float(value) if math.isfinite(value) else None
                rows.append({"run_id": run_id, "key": f"{node_id}.{name}"[:255], "value": number})
    if rows:
        op.bulk_insert(sa.table("run_metrics", sa.column("run_id"), sa.column("key"), sa.column("value")), rows)


def downgrade() -> None:
    with op.batch_alter_table("models") as batch:
        for column in ("properties", "revision", "graph_id", "port", "flavor", "description"):
            batch.drop_column(column)
    op.drop_index("ix_run_metrics_key_value", table_name="run_metrics")
    op.drop_table("run_metrics")
