"""A real-time endpoint's runtime: a deployed graph held warm in memory, scoring request rows in-process.

Loading walks the graph once: every node that does not depend on a
`web-service-input` (trained models, saved transformations, lookup tables) is
computed then and kept. A request only runs the nodes between the inputs and
the outputs, calling the component functions directly on in-memory tables, with
no executor, no cache and no disk writes: that is what makes scoring fast.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import networkx as nx

import components
from components.calling import call_component
from components.context import RunContext
from components.roles import Role
from components.spec import ComponentError, ComponentSpec
from components.web_service import Column, PayloadError, parse_schema, table_from_records
from designer.graph.document import load_graph
from designer.graph.validation import dependency_graph, node_params, pipeline_values, validate

#: Rows one request may send.
MAX_ROWS = 10_000


class DeploymentError(Exception):
    """The graph cannot be served (not a real-time graph, invalid, or a model failed to load)."""

    def __init__(self, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}


@dataclass(frozen=True)
class ServiceInput:
    node_id: str
    name: str
    columns: tuple  # (Column, ...); empty means "whatever the caller sends"
    #: The output port the request rows leave the input node by.
    port: str = "dataset"


@dataclass(frozen=True)
class ServiceOutput:
    node_id: str
    name: str
    #: (node, port) whose value the output returns.
    source: tuple


@dataclass(frozen=True)
class _Step:
    node_id: str
    spec: ComponentSpec
    params: dict
    inputs: dict  # port -> (node, port)


class Endpoint:
    """One deployed real-time graph; `score(tables)` is thread-safe (loaded values are only read)."""

    def __init__(self, name: str, document: dict, *, load_artifact: Callable[[str], Any],
                 datastore=None, catalogue: Mapping[str, ComponentSpec] | None = None):
        self.name = name
        self.document = document
        catalogue = catalogue or components.catalogue()
        problems = validate(document, catalogue)
        if problems:
            raise DeploymentError("invalid-graph", "the graph is not valid: " + "; ".join(map(str, problems[:5])),
                                  {"errors": [p.to_json() for p in problems]})
        graph = load_graph(document)
        values = pipeline_values(graph, {})
        self._ctx = RunContext(run_id=f"endpoint:{name}", node_id="", datastore=datastore,
                               artifact_loader=load_artifact)
        inputs, outputs = [], []
        for node in graph.nodes:
            spec = catalogue[node.component]
            params = node_params(graph, node.id, spec, values)
            if Role.WEB_SERVICE_INPUT in spec.roles:
                try:
                    columns = tuple(parse_schema(params.get("schema") or ""))
                except ComponentError as exc:
                    raise DeploymentError("invalid-schema", f"web-service-input '{node.id}': {exc}") from None
                inputs.append(ServiceInput(node.id, params.get("name") or node.id, columns, next(iter(spec.outputs))))
            elif Role.WEB_SERVICE_OUTPUT in spec.roles:
                edge = graph.incoming(node.id)[next(iter(spec.inputs))]
                outputs.append(ServiceOutput(node.id, params.get("name") or node.id, (edge.source, edge.source_port)))
        if not inputs or not outputs:
            raise DeploymentError("not-realtime-graph", "a real-time endpoint needs a graph with a web-service-input "
                                  "and a web-service-output; make one from a training run (inference graph, "
                                  "real-time)")
        for group, what in ((inputs, "input"), (outputs, "output")):
            names = [s.name for s in group]
            if len(set(names)) != len(names):
                raise DeploymentError("duplicate-name", f"two web service {what}s share the name {names}")
        self.inputs = tuple(inputs)
        self.outputs = tuple(outputs)

        order = list(nx.lexicographical_topological_sort(dependency_graph(graph)))
        per_request = set().union(*(nx.descendants(dependency_graph(graph), i.node_id) for i in inputs))
        per_request -= {o.node_id for o in outputs}
        wanted = set().union(*(nx.ancestors(dependency_graph(graph), o.node_id) for o in outputs))
        steps = {}
        for node_id in order:
            node = graph.node(node_id)
            spec = catalogue[node.component]
            steps[node_id] = _Step(node_id, spec, node_params(graph, node_id, spec, values),
                                   {port: (e.source, e.source_port) for port, e in graph.incoming(node_id).items()})
        # Everything not fed by a request is computed now, once: models load here, not per request.
        self._static: dict[tuple, Any] = {}
        input_ids = {i.node_id for i in inputs}
        for node_id in order:
            if node_id in per_request or node_id in input_ids or node_id not in wanted:
                continue
            try:
                self._run_step(steps[node_id], self._static)
            except ComponentError as exc:
                raise DeploymentError("load-failed", f"node '{node_id}' ({steps[node_id].spec.id}) could not be "
                                      f"loaded: {exc}", {"node": node_id}) from None
        self._request_steps = tuple(steps[n] for n in order if n in per_request and n in wanted)

    # ------------------------------------------------------------ scoring
    def tables_from_rows(self, rows_by_input: Mapping[str, Any], *, max_rows: int = MAX_ROWS) -> dict:
        """Typed tables for each input's rows (PayloadError names the column of anything that does not fit)."""
        tables = {}
        for service_input in self.inputs:
            rows = rows_by_input.get(service_input.name)
            if service_input.columns:
                tables[service_input.name] = table_from_records(rows, list(service_input.columns), max_rows=max_rows)
            else:
                tables[service_input.name] = _untyped_table(rows, max_rows)
        return tables

    def score(self, tables: Mapping[str, Any]) -> dict:
        """{output name: table} for {input name: table}, running only the per-request part of the graph."""
        values = dict(self._static)
        for service_input in self.inputs:
            values[(service_input.node_id, service_input.port)] = tables[service_input.name]
        for step in self._request_steps:
            self._run_step(step, values)
        return {o.name: values[o.source] for o in self.outputs}

    def _run_step(self, step: _Step, values: dict) -> None:
        inputs = {port: values[source] for port, source in step.inputs.items()}
        results = call_component(step.spec, inputs, step.params, self._ctx)
        for port, value in results.items():
            values[(step.node_id, port)] = value

    # ------------------------------------------------------------ description
    def input_schema(self) -> dict:
        return {i.name: [c.to_json() | {"kind": c.kind} for c in i.columns] for i in self.inputs}


def _untyped_table(rows: Any, max_rows: int):
    import pandas as pd

    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise PayloadError("the rows must be a JSON array of objects")
    if not rows:
        raise PayloadError("the request has no rows to score", code="empty-payload")
    if len(rows) > max_rows:
        raise PayloadError(f"the request has {len(rows)} rows; send at most {max_rows} per request",
                           code="too-many-rows")
    return pd.DataFrame.from_records(rows)


__all__ = ["Column", "DeploymentError", "Endpoint", "MAX_ROWS", "ServiceInput", "ServiceOutput"]
