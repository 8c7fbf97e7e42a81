"""A run's final metrics as rows of run_metrics ("NODE.METRIC" -> number), written with the node's metrics."""
from __future__ import annotations

import math
from typing import Any

from sqlalchemy import delete, insert

from canvas_store.graphs import NAME_LENGTH
from canvas_store.workspace_models import RunMetric


def metric_rows(run_id: str, node_id: str, metrics: Any) -> list[dict]:
    """The run_metrics rows for one node's final metrics: every plain number, keyed "NODE.METRIC"."""
    rows = []
    for name, value in (metrics or {}).items() if isinstance(metrics, dict) else ():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
            rows.append({"run_id": run_id, "key": f"{node_id}.{name}"[:NAME_LENGTH],
                         "value": number if math.isfinite(number) else None})
    return rows


def write_node_metrics(session, run_id: str, node_id: str, metrics: Any) -> None:
    """Replace a node's rows in run_metrics (inside the caller's transaction)."""
    session.execute(delete(RunMetric).where(RunMetric.run_id == run_id,
                                            RunMetric.key.startswith(f"{node_id}.", autoescape=True)))
    rows = metric_rows(run_id, node_id, metrics)
    if rows:
        session.execute(insert(RunMetric.__table__), rows)
