"""Graph checks that need the dataset registry: named datasets and versions exist and are of the right kind.

Pure functions: the registry is passed in as `versions(name) -> [version records] | None`,
the way validation is handed the component catalogue.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from components.registered_data import parse_dataset_reference
from components.roles import Kind
from components.spec import ComponentSpec
from designer.graph.document import Graph
from designer.graph.problems import Problem

#: The dataset kind a component reading a dataset expects, by the type of its first output.
KIND_OF_OUTPUT = {"DataFrame": "tabular", "ImageDirectory": "images"}

Lookup = Callable[[str], "list[dict] | None"]


def dataset_params(spec) -> list[str]:
    """The parameters of `spec` that name a registered dataset."""
    return [param.name for param in spec.params_of_kind(Kind.DATASET)]


def expected_kind(spec) -> str | None:
    first = next(iter(spec.outputs.values()), None)
    return KIND_OF_OUTPUT.get(first.name) if first is not None else None


def choose_version(reference, versions: Lookup, expected: str | None = None) -> tuple[dict | None, str | None]:
    """(the version record a reference names, None) or (None, why not)."""
    try:
        name, number = parse_dataset_reference(reference)
    except ValueError as exc:
        return None, str(exc)
    found = versions(name)
    if not found:
        return None, f"dataset '{name}' does not exist"
    if number is None:
        record = max(found, key=lambda v: v["version"])
    else:
        record = next((v for v in found if v["version"] == number), None)
        if record is None:
            numbers = sorted(v["version"] for v in found)
            shown = f"1 to {numbers[-1]}" if numbers == list(range(1, numbers[-1] + 1)) else ", ".join(map(str, numbers))
            return None, f"dataset '{name}' has no version {number} (versions: {shown})"
    if expected is not None and record["kind"] != expected:
        other = "Registered Image Dataset" if record["kind"] == "images" else "Registered Dataset"
        return None, (f"dataset '{name}' version {record['version']} is {record['kind']}, not {expected}; "
                      f"use the {other} component")
    return record, None


def dataset_columns(record: Mapping | None) -> list[str] | None:
    """The column names a tabular dataset version registered with (None for images or no record)."""
    if not record or record.get("kind") != "tabular" or not isinstance(record.get("schema"), list):
        return None
    return [str(column["name"]) for column in record["schema"]]


def dataset_problems(graph: Graph, catalogue: Mapping[str, ComponentSpec], versions: Lookup) -> Iterable:
    """Unknown datasets or versions, and datasets of the wrong kind."""
    found: dict[str, Any] = {}  # node id -> the version record its dataset parameter names
    for parameter in graph.parameters:
        if parameter.type == "dataset" and parameter.default not in (None, ""):
            _, problem = choose_version(parameter.default, versions)
            if problem:
                yield Problem(None, None, "unknown-dataset", f"pipeline parameter '{parameter.name}': {problem}")
    for node in graph.nodes:
        spec = catalogue.get(node.component)
        if spec is None:
            continue
        for name in dataset_params(spec):
            value = _literal(graph, node.params.get(name, spec.params[name].default))
            if value in (None, ""):
                continue  # reported as a missing parameter
            record, problem = choose_version(value, versions, expected_kind(spec))
            if problem:
                yield Problem(node.id, None, "unknown-dataset", f"parameter '{name}': {problem}")
            else:
                found[node.id] = record
    # Column parameters downstream are checked against the registered schema by the general
    # column check (designer.graph.schemas), which follows the columns through every node.


def _literal(graph: Graph, value: Any) -> Any:
    if isinstance(value, dict) and isinstance(value.get("$param"), str):
        parameter = graph.parameter(value["$param"])
        return parameter.default if parameter is not None else None
    return value


def registered_columns(graph: Graph, catalogue: Mapping[str, ComponentSpec], versions: Lookup) -> dict:
    """{node id: {output port: [column names]}} for every node reading a tabular registered dataset,
    known from the registered schema before any run (the column pickers downstream offer them)."""
    found: dict[str, dict] = {}
    for node in graph.nodes:
        spec = catalogue.get(node.component)
        names = dataset_params(spec) if spec is not None else []
        if not names or expected_kind(spec) != "tabular":
            continue
        record, _ = choose_version(_literal(graph, node.params.get(names[0])), versions, "tabular")
        columns = dataset_columns(record)
        if columns is not None:
            found[node.id] = {port: columns for port, t in spec.outputs.items() if t.name == "DataFrame"}
    return found
