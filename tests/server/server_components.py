"""Test-only components for the server tests (ids start with `server-test-`) and graph documents using them."""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from components.ports import DataFrame
from components.spec import ComponentError, Param, component


@component(id="server-test-table", category="Server tests", outputs={"table": DataFrame})
def server_test_table(*, rows: Param(int, 12, min=1)):
    """A table with a number column, a text column with gaps, a date column and a flag."""
    return pd.DataFrame({
        "x": np.arange(rows, dtype=float),
        "colour": [["red", "green", None][i % 3] for i in range(rows)],
        "day": pd.date_range("2024-01-01", periods=rows, freq="D"),
        "flag": [i % 2 == 0 for i in range(rows)],
    })


@component(id="server-test-chatty", category="Server tests", inputs={"table": DataFrame}, outputs={"table": DataFrame})
def server_test_chatty(table, *, ctx=None):
    """Log a line, report progress and two epochs of metrics, and pass the table on."""
    ctx.log("hello from chatty")
    ctx.progress(0.5, "half way")
    ctx.metrics({"epoch": 1, "loss": 0.5})
    ctx.metrics({"epoch": 2, "loss": 0.25})
    return table


@component(id="server-test-slow", category="Server tests", outputs={"table": DataFrame})
def server_test_slow(*, seconds: Param(float, 20.0), ctx=None):
    """Work for a while in small steps, noticing cancellation through progress reports."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ctx.progress(0.5, "working")
        time.sleep(0.02)
    return pd.DataFrame({"x": [1]})


@component(id="server-test-fail", category="Server tests", inputs={"table": DataFrame}, outputs={"table": DataFrame})
def server_test_fail(table):
    """Fail with a message a user can act on."""
    raise ComponentError("column 'nope' does not exist")


# ---------------------------------------------------------------- documents

REPO = Path(__file__).resolve().parents[2]


def iris_document() -> dict:
    return json.loads((REPO / "examples" / "iris-classification.json").read_text())


def table_document(**params) -> dict:
    """A small graph of test components: a table, then a node that logs, reports progress and metrics."""
    return {
        "format": "designer-graph/1", "name": params.pop("name", "Server test table"),
        "nodes": [
            {"id": "table", "component": "server-test-table", "params": params},
            {"id": "chatty", "component": "server-test-chatty", "params": {}},
        ],
        "edges": [{"source": "table", "source_port": "table", "target": "chatty", "target_port": "table"}],
    }
