"""Datasets: datastores, immutable dataset versions and the runs that read them (lineage).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _timestamp(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _json(name: str) -> sa.Column:
    return sa.Column(name, sa.JSON(none_as_null=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "datastores",
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        _json("settings"),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("name", name="pk_datastores"),
    )
    op.create_table(
        "dataset_versions",
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("digest", sa.String(128), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        _json("tags"),
        _json("source"),
        _json("schema"),
        sa.Column("rows", sa.Integer(), nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("name", "version", name="pk_dataset_versions"),
    )
    op.create_index("ix_dataset_versions_digest", "dataset_versions", ["digest"])
    op.create_table(
        "dataset_reads",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("node_id", sa.String(255), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("run_id", "node_id", "name", name="pk_dataset_reads"),
    )
    op.create_index("ix_dataset_reads_name_version", "dataset_reads", ["name", "version"])


def downgrade() -> None:
    op.drop_index("ix_dataset_reads_name_version", table_name="dataset_reads")
    op.drop_table("dataset_reads")
    op.drop_index("ix_dataset_versions_digest", table_name="dataset_versions")
    op.drop_table("dataset_versions")
    op.drop_table("datastores")
