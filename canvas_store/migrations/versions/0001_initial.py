"""Initial schema: graphs with revisions, runs with node records, compute targets, model registry, published pipelines, endpoints.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _json(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.JSON(none_as_null=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "graphs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("deleted_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_graphs"),
    )
    op.create_index("ix_graphs_name", "graphs", ["name"])
    op.create_index("ix_graphs_updated_at", "graphs", ["updated_at"])

    op.create_table(
        "graph_revisions",
        sa.Column("graph_id", sa.String(32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        _json("document"),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(["graph_id"], ["graphs.id"], ondelete="CASCADE",
                                name="fk_graph_revisions_graph_id_graphs"),
        sa.PrimaryKeyConstraint("graph_id", "revision", name="pk_graph_revisions"),
    )

    op.create_table(
        "pipelines",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("default_version", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_pipelines"),
    )

    op.create_table(
        "pipeline_versions",
        sa.Column("pipeline_id", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("graph_id", sa.String(32), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=True),
        _json("document"),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(["pipeline_id"], ["pipelines.id"], ondelete="CASCADE",
                                name="fk_pipeline_versions_pipeline_id_pipelines"),
        sa.PrimaryKeyConstraint("pipeline_id", "version", name="pk_pipeline_versions"),
    )

    op.create_table(
        "runs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("graph_id", sa.String(32), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("compute", sa.String(255), nullable=False),
        _json("parameters"),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("pipeline_id", sa.String(32), nullable=True),
        sa.Column("pipeline_version", sa.Integer(), nullable=True),
        _json("evaluate_nodes"),
        _json("document"),
        sa.Column("error", sa.Text(), nullable=True),
        _timestamp("created_at"),
        _timestamp("started_at", nullable=True),
        _timestamp("finished_at", nullable=True),
        sa.ForeignKeyConstraint(["graph_id"], ["graphs.id"], ondelete="SET NULL",
                                name="fk_runs_graph_id_graphs"),
        sa.ForeignKeyConstraint(["pipeline_id"], ["pipelines.id"], ondelete="SET NULL",
                                name="fk_runs_pipeline_id_pipelines"),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_index("ix_runs_graph_id_created_at", "runs", ["graph_id", "created_at"])
    op.create_index("ix_runs_created_at", "runs", ["created_at"])
    op.create_index("ix_runs_status", "runs", ["status"])

    op.create_table(
        "run_nodes",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("node_id", sa.String(255), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("cached", sa.Boolean(), nullable=False),
        _timestamp("started_at", nullable=True),
        _timestamp("finished_at", nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("traceback", sa.Text(), nullable=True),
        _json("outputs", nullable=True),
        _json("metrics", nullable=True),
        sa.Column("progress", sa.Float(), nullable=True),
        sa.Column("progress_message", sa.Text(), nullable=True),
        sa.Column("compute", sa.String(255), nullable=True),
        sa.Column("cache_key", sa.String(128), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE",
                                name="fk_run_nodes_run_id_runs"),
        sa.PrimaryKeyConstraint("run_id", "node_id", name="pk_run_nodes"),
    )

    for table, payload in (("run_node_logs", sa.Column("text", sa.Text(), nullable=False)),
                           ("run_node_metric_events", _json("event"))):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("run_id", sa.String(32), nullable=False),
            sa.Column("node_id", sa.String(255), nullable=False),
            payload,
            sa.ForeignKeyConstraint(["run_id", "node_id"], ["run_nodes.run_id", "run_nodes.node_id"],
                                    ondelete="CASCADE", name=f"fk_{table}_run_id_run_nodes"),
            sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
        )
        op.create_index(f"ix_{table}_run_id_node_id", table, ["run_id", "node_id", "id"])

    op.create_table(
        "compute_targets",
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        _json("settings"),
        sa.Column("status", sa.String(32), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("name", name="pk_compute_targets"),
    )

    op.create_table(
        "models",
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(128), nullable=False),
        _json("tags"),
        sa.Column("run_id", sa.String(32), nullable=True),
        sa.Column("node_id", sa.String(255), nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("name", "version", name="pk_models"),
    )

    op.create_table(
        "endpoints",
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("graph_id", sa.String(32), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=True),
        _json("document"),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("name", name="pk_endpoints"),
    )


def downgrade() -> None:
    for table in ("endpoints", "models", "compute_targets", "run_node_metric_events",
                  "run_node_logs", "run_nodes", "runs", "pipeline_versions", "pipelines",
                  "graph_revisions", "graphs"):
        op.drop_table(table)
