"""Validate a graph document and report every problem at once, each naming its node and port."""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping

import networkx as nx

from components.registered_data import parse_dataset_reference
from components.spec import ComponentSpec, parse_typed_text
from designer.graph.dataset_checks import Lookup, dataset_problems
from designer.graph.document import Graph, PipelineParameter, load_graph, schema_violations
from designer.graph.problems import Problem

#: Pipeline parameter types; a "dataset" parameter holds "NAME" or "NAME:VERSION" of a registered dataset.
PARAM_TYPES = {"bool": bool, "int": int, "float": float, "str": str, "dataset": str}


def validate(document: Any, catalogue: Mapping[str, ComponentSpec],
             known_computes: Iterable[str] | None = None, datasets: Lookup | None = None,
             schema_lookup=None, check_columns: bool = True) -> list[Problem]:
    """All problems of `document` against the component catalogue; an empty list means valid.

    Given `datasets(name)` giving a dataset's versions, registered-dataset nodes are checked against
    the dataset registry. Column parameters are checked against the columns their inputs will have
    once the rest is sound (`schema_lookup` answers for registered datasets' schemas); a run does not
    wait for that check (`check_columns=False`): a column missing at run time fails its node.
    """
    if not isinstance(document, dict):
        return [Problem(None, None, "invalid-document", "a graph document must be a JSON object")]
    problems = list(_schema_problems(document))
    graph = load_graph(_well_formed_part(document))
    problems += _node_problems(graph, catalogue)
    problems += _edge_problems(graph, catalogue)
    problems += _cycle_problems(graph)
    problems += _parameter_problems(graph, catalogue)
    if check_columns and not problems:
        from designer.graph.schemas import column_problems  # schema rules need a structurally sound graph

        problems += column_problems(document, catalogue, schema_lookup)
    if known_computes is not None:
        problems += _compute_problems(graph, set(known_computes))
    if datasets is not None:
        problems += dataset_problems(graph, catalogue, datasets)
    return problems


def _schema_problems(document: dict) -> Iterable[Problem]:
    for violation in schema_violations(document):
        yield Problem(violation.node, None, "invalid-document", violation.message)


def _well_formed_part(document: dict) -> dict:
    """The nodes, edges and parameters that are shaped well enough to check further."""
    def good_node(n):
        return isinstance(n, dict) and isinstance(n.get("id"), str) and isinstance(n.get("component"), str) \
            and isinstance(n.get("params", {}), dict)

    def good_edge(e):
        return isinstance(e, dict) and all(isinstance(e.get(k), str)
                                           for k in ("source", "source_port", "target", "target_port"))

    def good_param(p):
        def number(key):
            return p.get(key) is None or isinstance(p.get(key), (int, float)) and not isinstance(p.get(key), bool)

        return isinstance(p, dict) and isinstance(p.get("name"), str) and isinstance(p.get("type"), str) \
            and p.get("type") in PARAM_TYPES and number("min") and number("max") \
            and (p.get("choices") is None or isinstance(p.get("choices"), list))

    nodes = document.get("nodes") if isinstance(document.get("nodes"), list) else []
    edges = document.get("edges") if isinstance(document.get("edges"), list) else []
    params = document.get("parameters") if isinstance(document.get("parameters"), list) else []
    return {
        "name": document.get("name") if isinstance(document.get("name"), str) else None,
        "default_compute": document.get("default_compute") if isinstance(document.get("default_compute"), str) else None,
        "nodes": [n for n in nodes if good_node(n)],
        "edges": [e for e in edges if good_edge(e)],
        "parameters": [p for p in params if good_param(p)],
    }


def _node_problems(graph: Graph, catalogue: Mapping[str, ComponentSpec]) -> Iterable[Problem]:
    counts = Counter(graph.node_ids)
    for node_id, count in counts.items():
        if count > 1:
            yield Problem(node_id, None, "duplicate-node", f"node id '{node_id}' is used by {count} nodes")
    for node in graph.nodes:
        spec = catalogue.get(node.component)
        if spec is None:
            yield Problem(node.id, None, "unknown-component", f"unknown component '{node.component}'")
            continue
        if node.version is not None and node.version != spec.version:
            yield Problem(node.id, None, "unknown-version",
                          f"component '{node.component}' has version {spec.version}, not {node.version}")
        connected = set(graph.incoming(node.id))
        for port, declared in spec.inputs.items():
            if port not in connected and not declared.optional:
                yield Problem(node.id, port, "missing-input",
                              f"required input '{port}' ({declared.type.name}) is not connected")


def _edge_problems(graph: Graph, catalogue: Mapping[str, ComponentSpec]) -> Iterable[Problem]:
    specs = {n.id: catalogue.get(n.component) for n in graph.nodes}
    into = Counter((e.target, e.target_port) for e in graph.edges)
    for (target, port), count in into.items():
        if count > 1 and target in specs:
            yield Problem(target, port, "duplicate-input-edge",
                          f"input '{port}' has {count} incoming edges; an input takes at most one")
    for edge in graph.edges:
        missing = False
        for end, node_id in (("source", edge.source), ("target", edge.target)):
            if node_id not in specs:
                missing = True
                yield Problem(node_id, edge.source_port if end == "source" else edge.target_port,
                              "unknown-node", f"edge {_edge_text(edge)} refers to a missing {end} node '{node_id}'")
        if missing:
            continue
        source_spec, target_spec = specs[edge.source], specs[edge.target]
        if source_spec is None or target_spec is None:
            continue  # already reported as unknown-component
        source_type = source_spec.outputs.get(edge.source_port)
        target_input = target_spec.inputs.get(edge.target_port)
        if source_type is None:
            yield Problem(edge.source, edge.source_port, "unknown-port",
                          f"component '{source_spec.id}' has no output port '{edge.source_port}' "
                          f"(outputs: {', '.join(source_spec.outputs) or 'none'})")
        if target_input is None:
            yield Problem(edge.target, edge.target_port, "unknown-port",
                          f"component '{target_spec.id}' has no input port '{edge.target_port}' "
                          f"(inputs: {', '.join(target_spec.inputs) or 'none'})")
        if source_type is not None and target_input is not None and not target_input.type.accepts(source_type):
            yield Problem(edge.target, edge.target_port, "port-type-mismatch",
                          f"input '{edge.target_port}' takes {target_input.type.name} but "
                          f"'{edge.source}.{edge.source_port}' gives {source_type.name}")


def _edge_text(edge) -> str:
    return f"{edge.source}.{edge.source_port} → {edge.target}.{edge.target_port}"


def dependency_graph(graph: Graph) -> nx.DiGraph:
    digraph = nx.DiGraph()
    digraph.add_nodes_from(graph.node_ids)
    known = set(graph.node_ids)
    digraph.add_edges_from((e.source, e.target) for e in graph.edges if e.source in known and e.target in known)
    return digraph


def _cycle_problems(graph: Graph) -> Iterable[Problem]:
    digraph = dependency_graph(graph)
    for component in nx.strongly_connected_components(digraph):
        if len(component) > 1 or any(digraph.has_edge(n, n) for n in component):
            members = sorted(component)
            for node_id in members:
                yield Problem(node_id, None, "cycle",
                              f"node is part of a cycle: {' → '.join(members + members[:1])}")


def _parameter_problems(graph: Graph, catalogue: Mapping[str, ComponentSpec]) -> Iterable[Problem]:
    names = Counter(p.name for p in graph.parameters)
    for name, count in names.items():
        if count > 1:
            yield Problem(None, None, "duplicate-pipeline-parameter", f"pipeline parameter '{name}' is declared {count} times")
    for parameter in graph.parameters:
        message = pipeline_value_problem(parameter, parameter.default)
        if message and parameter.default is not None:
            yield Problem(None, None, "invalid-pipeline-parameter", f"pipeline parameter '{parameter.name}': default {message}")
    for node in graph.nodes:
        spec = catalogue.get(node.component)
        if spec is None:
            continue
        for name, value in node.params.items():
            declared = spec.params.get(name)
            if declared is None:
                yield Problem(node.id, None, "unknown-parameter",
                              f"component '{spec.id}' has no parameter '{name}' "
                              f"(parameters: {', '.join(spec.params) or 'none'})")
                continue
            if isinstance(value, dict):
                reference = value.get("$param")
                parameter = graph.parameter(reference) if isinstance(reference, str) else None
                if parameter is None:
                    yield Problem(node.id, None, "unknown-pipeline-parameter",
                                  f"parameter '{name}' refers to pipeline parameter '{reference}', which is not declared")
                    continue
                if not _types_compatible(parameter.type, declared.type):
                    yield Problem(node.id, None, "parameter-type",
                                  f"parameter '{name}' is {declared.type_name} but pipeline parameter "
                                  f"'{parameter.name}' is {parameter.type}")
                    continue
                value = parameter.default
                if value is None:
                    continue
            problem = declared.check(value)
            if problem:
                yield Problem(node.id, None, problem[0], problem[1])
        for name, declared in spec.params.items():
            if declared.required and name not in node.params and declared.default in (None, ""):
                yield Problem(node.id, None, "missing-parameter", f"parameter '{name}' is required")


def _types_compatible(pipeline_type: str, param_type: type) -> bool:
    if pipeline_type == param_type.__name__ or (pipeline_type == "dataset" and param_type is str):
        return True
    return pipeline_type == "int" and param_type is float


def _compute_problems(graph: Graph, known: set[str]) -> Iterable[Problem]:
    if graph.default_compute and graph.default_compute not in known:
        yield Problem(None, None, "unknown-compute", f"default compute target '{graph.default_compute}' does not exist")
    for node in graph.nodes:
        if node.compute and node.compute not in known:
            yield Problem(node.id, None, "unknown-compute", f"compute target '{node.compute}' does not exist")


# ---------------------------------------------------------------- pipeline parameter values

def pipeline_value_problem(parameter: PipelineParameter, value: Any) -> str | None:
    """Why `value` is not acceptable for `parameter`, or None."""
    expected = PARAM_TYPES[parameter.type]
    if value is None:
        return "must be given (it has no default)"
    ok = isinstance(value, expected) and not (expected is not bool and isinstance(value, bool))
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        ok = True
    if not ok:
        return f"must be {parameter.type}, got {type(value).__name__} {value!r}"
    if parameter.choices is not None and value not in parameter.choices:
        return f"must be one of {list(parameter.choices)}, got {value!r}"
    if parameter.type == "dataset":
        try:
            parse_dataset_reference(value)
        except ValueError as exc:
            return f"must name a registered dataset: {exc}"
    if expected in (int, float):
        if parameter.min is not None and value < parameter.min:
            return f"must be ≥ {parameter.min}, got {value}"
        if parameter.max is not None and value > parameter.max:
            return f"must be ≤ {parameter.max}, got {value}"
    return None


class ParameterError(ValueError):
    """Run-time parameter values that do not fit the pipeline's declared parameters."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def pipeline_values(graph: Graph, given: Mapping[str, Any] | None) -> dict[str, Any]:
    """The value of every pipeline parameter for one run: given values over defaults, all checked."""
    given = dict(given or {})
    problems = [Problem(None, None, "unknown-pipeline-parameter",
                        f"'{name}' is not a parameter of this pipeline "
                        f"(parameters: {', '.join(p.name for p in graph.parameters) or 'none'})")
                for name in given if graph.parameter(name) is None]
    values: dict[str, Any] = {}
    for parameter in graph.parameters:
        value = given.get(parameter.name, parameter.default)
        if isinstance(value, str) and parameter.type != "str" and parameter.name in given:
            try:
                value = parse_typed_text(PARAM_TYPES[parameter.type], value)
            except ValueError as exc:
                problems.append(Problem(None, None, "parameter-type", f"pipeline parameter '{parameter.name}': {exc}"))
                continue
        message = pipeline_value_problem(parameter, value)
        if message:
            problems.append(Problem(None, None, "parameter-type" if "must be" in message and "got" in message
                                    else "missing-parameter", f"pipeline parameter '{parameter.name}' {message}"))
            continue
        values[parameter.name] = float(value) if parameter.type == "float" else value
    if problems:
        raise ParameterError(problems)
    return values


def node_params(graph: Graph, node_id: str, spec: ComponentSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """A node's parameters with `$param` references replaced, defaults filled and types coerced."""
    node = graph.node(node_id)
    raw = {name: (values[v["$param"]] if isinstance(v, dict) else v) for name, v in node.params.items()}
    return {name: p.coerce(raw.get(name, p.default)) for name, p in spec.params.items()}
