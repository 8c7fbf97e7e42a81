"""Schema before running: the columns every port will hold, propagated through a graph from its sources.

Each component's `@component(schema=...)` rule turns its inputs' schemas and its
parameters into its outputs' schemas (components.table_schema). This module walks a
graph document in dependency order, calls the rules, and reports column parameters
naming columns that no longer exist. Pure: no Flask, no store, no data read except
what a rule itself knows (a sample dataset's bundled columns, typed-in rows).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Mapping

from components.spec import ComponentSpec
from components.table_schema import ExternalLookup, PortSchema, SchemaInputs
from designer.graph.problems import Problem

log = logging.getLogger(__name__)


@dataclass
class NodeSchemas:
    inputs: dict[str, PortSchema | None] = field(default_factory=dict)
    outputs: dict[str, PortSchema | None] = field(default_factory=dict)

    def to_json(self, seen: dict | None = None) -> dict:
        seen = {} if seen is None else seen
        return {"inputs": {p: _json(s, seen) for p, s in self.inputs.items()},
                "outputs": {p: _json(s, seen) for p, s in self.outputs.items()}}


@dataclass
class GraphSchemas:
    nodes: dict[str, NodeSchemas]
    problems: list[Problem]

    def to_json(self) -> dict:
        seen: dict = {}  # a table passed on unchanged (split, dedup, ...) is one object: convert it once
        return {"nodes": {n: s.to_json(seen) for n, s in self.nodes.items()},
                "errors": [p.to_json() for p in self.problems]}


def _json(schema: PortSchema | None, seen: dict) -> dict | None:
    if schema is None:
        return None
    key = id(schema)
    if key not in seen:
        seen[key] = (schema, schema.to_json())  # keep the object alive so its id is not reused
    return seen[key][1]


def propagate(document: Mapping[str, Any], catalogue: Mapping[str, ComponentSpec],
              lookup: ExternalLookup | None = None) -> GraphSchemas:
    """The schema of every port of `document`'s nodes; unknown ports are None.

    `lookup(kind, key)` answers for schemas kept outside the graph (registered datasets).
    Malformed parts (unknown components, cycles, dangling edges) leave ports unknown;
    `validate` reports them.
    """
    nodes = [n for n in _items(document, "nodes") if isinstance(n.get("id"), str)]
    by_id = {n["id"]: n for n in nodes}
    defaults = {p["name"]: p.get("default") for p in _items(document, "parameters") if isinstance(p.get("name"), str)}
    incoming: dict[str, dict[str, tuple[str, str]]] = {n: {} for n in by_id}
    children: dict[str, list[str]] = {n: [] for n in by_id}
    for edge in _items(document, "edges"):
        source, target = edge.get("source"), edge.get("target")
        if all(isinstance(edge.get(key), str) for key in ("source", "target", "source_port", "target_port")) \
                and source in by_id and target in by_id:
            incoming[target][edge["target_port"]] = (source, edge.get("source_port"))
            children[source].append(target)
    result = GraphSchemas({}, [])
    for node_id in _dependency_order(incoming, children):
        node = by_id[node_id]
        component = node.get("component")
        spec = catalogue.get(component) if isinstance(component, str) else None
        schemas = NodeSchemas()
        result.nodes[node_id] = schemas
        if spec is None:
            continue
        for port in spec.inputs:
            upstream = incoming[node_id].get(port)
            source = result.nodes.get(upstream[0]) if upstream else None
            schemas.inputs[port] = source.outputs.get(upstream[1]) if source is not None else None
        schemas.outputs = {port: None for port in spec.outputs}
        if spec.schema is None:
            continue
        params = node.get("params")
        reading = SchemaInputs(schemas.inputs, _params(spec, params if isinstance(params, dict) else {}, defaults), lookup)
        try:
            given = spec.schema(reading) or {}
        except Exception as exc:  # a rule that trips over odd input leaves the ports unknown
            log.debug("schema rule of %s failed on node %s: %s", spec.id, node_id, exc)
            given = {}
        schemas.outputs.update({port: value for port, value in given.items() if port in spec.outputs})
        result.problems += [_column_problem(node_id, problem) for problem in reading.problems]
    return result


def column_problems(document: Mapping[str, Any], catalogue: Mapping[str, ComponentSpec],
                    lookup: ExternalLookup | None = None) -> list[Problem]:
    """Column parameters that name columns their input will not have (code `unknown-column`)."""
    return propagate(document, catalogue, lookup).problems


def _items(document: Mapping[str, Any], key: str) -> list[dict]:
    """The objects in `document[key]` when it is an array; a draft being edited may hold anything there."""
    value = document.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _params(spec: ComponentSpec, given: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict:
    values = {}
    for name, declared in spec.params.items():
        value = given.get(name, declared.default)
        if isinstance(value, dict):
            wanted = value.get("$param")
            value = defaults.get(wanted) if isinstance(wanted, str) else None
        values[name] = declared.default if value is None else value
    return values


def _dependency_order(incoming: Mapping[str, Mapping], children: Mapping[str, list]) -> list[str]:
    """Kahn's order over the nodes (document order among equals); nodes on a cycle are left out."""
    waiting = {n: len({source for source, _ in ports.values()}) for n, ports in incoming.items()}
    ready = [n for n, count in waiting.items() if count == 0]
    order: list[str] = []
    seen_edges: set[tuple[str, str]] = set()
    while ready:
        node_id = ready.pop(0)
        order.append(node_id)
        for child in children[node_id]:
            if (node_id, child) in seen_edges:
                continue
            seen_edges.add((node_id, child))
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    return order


def _column_problem(node_id: str, problem) -> Problem:
    noun = "column" if len(problem.missing) == 1 else "columns"
    names = ", ".join(repr(n) for n in problem.missing)
    shown = ", ".join(problem.available[:12]) + (" …" if len(problem.available) > 12 else "")
    message = (f"parameter '{problem.param}' names {noun} {names}, which input '{problem.port}' "
               f"will not have (it has: {shown or 'no columns'})")
    return Problem(node_id, problem.port, "unknown-column", message, param=problem.param)
