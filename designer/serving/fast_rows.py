"""The row path of an endpoint: small requests scored on numpy columns through its components' row forms.

An endpoint has a row path when every step a request runs has a row form
(components/row_forms.py) for the inputs it was loaded with. Requests of up to
`ROW_PATH_MAX_ROWS` rows then skip pandas; anything the row path is not sure
of (a missing column, a missing number, text where a number goes) falls back to
the table path, so the answer, or the 400, is always the table path's own.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any, Mapping

from components.row_forms import ColumnTable, NotForRows, columns_from_records, row_step
from designer.serving.endpoint import Endpoint

#: Larger requests use the table path: pandas' fixed cost is small against their rows.
ROW_PATH_MAX_ROWS = 64

_NO_ROW_PATH = object()
_paths: "weakref.WeakKeyDictionary[Endpoint, Any]" = weakref.WeakKeyDictionary()
_paths_lock = threading.Lock()


class RowPath:
    """The per-request steps of one endpoint as row forms."""

    def __init__(self, endpoint: Endpoint, steps: tuple):
        self.inputs = endpoint.inputs
        self.outputs = endpoint.outputs
        self.static = endpoint._static
        self.steps = steps  # ((node id, {port: (node, port)}, row step), ...)

    def score(self, rows_by_input: Mapping[str, Any]) -> dict:
        """{output name: ColumnTable} for {input name: [row, ...]}; NotForRows when the table path must answer."""
        values = dict(self.static)
        for service_input in self.inputs:
            rows = rows_by_input.get(service_input.name)
            if not isinstance(rows, list) or len(rows) > ROW_PATH_MAX_ROWS:
                raise NotForRows()
            port = getattr(service_input, "port", "dataset")  # the input node's output port
            values[(service_input.node_id, port)] = columns_from_records(rows, list(service_input.columns))
        for node_id, sources, step in self.steps:
            outputs = step({port: values[source] for port, source in sources.items()})
            for port, value in outputs.items():
                values[(node_id, port)] = value
        results = {o.name: values[o.source] for o in self.outputs}
        if not all(isinstance(table, ColumnTable) for table in results.values()):
            raise NotForRows()
        return results


def row_path_of(endpoint: Endpoint) -> RowPath | None:
    """The endpoint's row path (worked out once per loaded endpoint), or None when it has none."""
    known = _paths.get(endpoint)
    if known is None:
        with _paths_lock:
            known = _paths.get(endpoint)
            if known is None:
                known = _paths[endpoint] = _build(endpoint) or _NO_ROW_PATH
    return None if known is _NO_ROW_PATH else known


def _build(endpoint: Endpoint) -> RowPath | None:
    static = endpoint._static
    if any(not i.columns for i in endpoint.inputs):
        return None  # untyped inputs take whatever columns come: only a table says what they are
    steps = []
    for step in endpoint._request_steps:
        loaded = {port: static[source] for port, source in step.inputs.items() if source in static}
        form = row_step(step.spec.id, loaded, step.params)
        if form is None:
            return None
        steps.append((step.node_id, dict(step.inputs), form))
    return RowPath(endpoint, tuple(steps))
