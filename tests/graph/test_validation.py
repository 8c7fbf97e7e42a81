"""Every validation error code, each naming its node and port; all problems reported at once."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import components
from components.ports import AnyPort, DataFrame, Metrics
from components.spec import Input, Param, component
from designer.graph.validation import validate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@component(id="check-source", category="Test", outputs={"table": DataFrame, "metrics": Metrics})
def check_source(*, rows: Param(int, 10, min=1, max=1000), mode: Param(str, "a", choices=("a", "b")),
                 name: Param(str, "", required=True), ratio: Param(float, 0.5, min=0.0, max=1.0)):
    """A source with constrained parameters."""


@component(id="check-sink", category="Test", inputs={"table": DataFrame, "extra": Input(AnyPort, optional=True)},
           outputs={"table": DataFrame})
def check_sink(table, extra):
    """A sink with one required and one optional input."""


def document(nodes=None, edges=None, parameters=None):
    return {
        "format": "designer-graph/1", "name": "t",
        "parameters": parameters or [],
        "nodes": nodes if nodes is not None else [
            {"id": "src", "component": "check-source", "params": {"name": "x"}},
            {"id": "sink", "component": "check-sink", "params": {}},
        ],
        "edges": edges if edges is not None else [
            {"source": "src", "source_port": "table", "target": "sink", "target_port": "table"}],
    }


def problems_of(doc, **kw):
    return validate(doc, components.catalogue(), **kw)


def only(doc, code, **kw):
    found = problems_of(doc, **kw)
    assert found, "expected a problem"
    assert {p.code for p in found} == {code}, found
    return found


def test_a_well_formed_graph_is_valid():
    assert problems_of(document()) == []


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_every_example_is_valid(path):
    assert problems_of(json.loads(path.read_text())) == []


def test_invalid_document_names_the_bad_field():
    doc = document()
    doc["format"] = "other/2"
    doc["nodes"][0]["colour"] = "red"
    found = only(doc, "invalid-document")
    assert any("format" in p.message for p in found)
    assert any(p.node == "src" and "colour" in p.message for p in found)


def test_a_non_object_document_is_invalid():
    assert only([], "invalid-document")[0].node is None


def test_unknown_component():
    doc = document()
    doc["nodes"].append({"id": "x", "component": "no-such-thing"})
    p = only(doc, "unknown-component")[0]
    assert p.node == "x" and "no-such-thing" in p.message


def test_unknown_version():
    doc = document()
    doc["nodes"][0]["version"] = "99"
    assert only(doc, "unknown-version")[0].node == "src"


def test_duplicate_node_id():
    doc = document()
    doc["nodes"].append({"id": "src", "component": "check-source", "params": {"name": "y"}})
    assert only(doc, "duplicate-node")[0].node == "src"


def test_edge_to_a_missing_node():
    doc = document()
    doc["edges"].append({"source": "ghost", "source_port": "table", "target": "sink", "target_port": "extra"})
    p = only(doc, "unknown-node")[0]
    assert p.node == "ghost" and p.port == "table"


def test_edge_to_a_missing_port():
    doc = document(edges=[{"source": "src", "source_port": "table", "target": "sink", "target_port": "nope"},
                          {"source": "src", "source_port": "table", "target": "sink", "target_port": "table"}])
    p = only(doc, "unknown-port")[0]
    assert (p.node, p.port) == ("sink", "nope")


def test_two_edges_into_one_input():
    doc = document(nodes=document()["nodes"] + [{"id": "src2", "component": "check-source", "params": {"name": "z"}}],
                   edges=[{"source": "src", "source_port": "table", "target": "sink", "target_port": "table"},
                          {"source": "src2", "source_port": "table", "target": "sink", "target_port": "table"}])
    p = only(doc, "duplicate-input-edge")[0]
    assert (p.node, p.port) == ("sink", "table")


def test_port_type_mismatch():
    doc = document(edges=[{"source": "src", "source_port": "metrics", "target": "sink", "target_port": "table"}])
    p = only(doc, "port-type-mismatch")[0]
    assert (p.node, p.port) == ("sink", "table")
    assert "Metrics" in p.message and "DataFrame" in p.message


def test_any_input_accepts_every_type():
    doc = document()
    doc["edges"].append({"source": "src", "source_port": "metrics", "target": "sink", "target_port": "extra"})
    assert problems_of(doc) == []


def test_missing_required_input():
    p = only(document(edges=[]), "missing-input")[0]
    assert (p.node, p.port) == ("sink", "table")


def test_cycle_names_the_nodes_in_it():
    nodes = [{"id": "a", "component": "check-sink"}, {"id": "b", "component": "check-sink"}]
    edges = [{"source": "a", "source_port": "table", "target": "b", "target_port": "table"},
             {"source": "b", "source_port": "table", "target": "a", "target_port": "table"}]
    found = only(document(nodes=nodes, edges=edges), "cycle")
    assert {p.node for p in found} == {"a", "b"}
    assert "a → b → a" in found[0].message


@pytest.mark.parametrize("params,code", [
    ({"name": "x", "rows": "ten"}, "parameter-type"),
    ({"name": "x", "rows": 1.5}, "parameter-type"),
    ({"name": "x", "rows": True}, "parameter-type"),
    ({"name": "x", "rows": 0}, "parameter-range"),
    ({"name": "x", "ratio": 1.5}, "parameter-range"),
    ({"name": "x", "mode": "c"}, "parameter-choice"),
    ({"name": "x", "speed": 3}, "unknown-parameter"),
    ({}, "missing-parameter"),
    ({"name": ""}, "missing-parameter"),
])
def test_bad_parameter_values(params, code):
    doc = document()
    doc["nodes"][0]["params"] = params
    p = only(doc, code)[0]
    assert p.node == "src"


def test_param_reference_to_an_undeclared_pipeline_parameter():
    doc = document()
    doc["nodes"][0]["params"] = {"name": "x", "rows": {"$param": "n_rows"}}
    assert "n_rows" in only(doc, "unknown-pipeline-parameter")[0].message


def test_param_reference_of_the_wrong_type():
    doc = document(parameters=[{"name": "n_rows", "type": "str", "default": "5"}])
    doc["nodes"][0]["params"] = {"name": "x", "rows": {"$param": "n_rows"}}
    assert only(doc, "parameter-type")[0].node == "src"


def test_param_reference_default_is_range_checked_against_the_component():
    doc = document(parameters=[{"name": "n_rows", "type": "int", "default": 5000}])
    doc["nodes"][0]["params"] = {"name": "x", "rows": {"$param": "n_rows"}}
    assert only(doc, "parameter-range")[0].node == "src"


def test_pipeline_parameter_default_of_the_wrong_type():
    doc = document(parameters=[{"name": "n", "type": "int", "default": "x"}])
    assert only(doc, "invalid-pipeline-parameter")


def test_pipeline_parameter_declared_twice():
    doc = document(parameters=[{"name": "n", "type": "int", "default": 1}, {"name": "n", "type": "int", "default": 2}])
    assert only(doc, "duplicate-pipeline-parameter")


def test_unknown_compute_target():
    doc = document()
    doc["nodes"][0]["compute"] = "gpu-cluster"
    assert only(doc, "unknown-compute", known_computes=["local"])[0].node == "src"


def test_every_problem_is_reported_at_once():
    doc = document(edges=[{"source": "src", "source_port": "metrics", "target": "sink", "target_port": "table"}])
    doc["nodes"][0]["params"] = {"rows": -1}
    doc["nodes"].append({"id": "z", "component": "zzz"})
    codes = {p.code for p in problems_of(doc)}
    assert codes == {"port-type-mismatch", "parameter-range", "missing-parameter", "unknown-component"}


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=12))
def test_arbitrary_json_never_crashes_the_validator(value):
    doc = value if not isinstance(value, dict) else {**copy.deepcopy(document()), **value}
    problems = problems_of(doc)
    assert all(p.code and p.message for p in problems)
