"""Schema before running: each component's rule, propagation through graphs, unknown-column errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import components
from components.table_schema import Column, TableSchema
from designer.graph.schemas import propagate
from designer.graph.validation import validate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
IRIS_FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]


def chain(*steps, extra_nodes=(), extra_edges=()):
    """A document: sample iris → steps..., each step (id, component, params, in_port, out_port)."""
    nodes = [{"id": "iris", "component": "sample-dataset", "params": {"name": "iris"}}]
    edges = []
    previous, previous_port = "iris", "dataset"
    for node_id, component, params, in_port, out_port in steps:
        nodes.append({"id": node_id, "component": component, "params": params})
        edges.append({"source": previous, "source_port": previous_port, "target": node_id, "target_port": in_port})
        previous, previous_port = node_id, out_port
    return {"format": "designer-graph/1", "name": "t", "nodes": nodes + list(extra_nodes),
            "edges": edges + list(extra_edges)}


def columns_of(document, node, port):
    schema = propagate(document, components.catalogue()).nodes[node].outputs[port]
    return None if schema is None else schema.names


def test_sample_dataset_knows_its_columns_label_and_classes():
    schema = propagate(chain(), components.catalogue()).nodes["iris"].outputs["dataset"]
    assert schema.names == IRIS_FEATURES + ["species"]
    assert schema.label == "species"
    assert schema.column("species").values == ("setosa", "versicolor", "virginica")
    assert schema.column("sepal length (cm)").type == "number"


def test_select_columns_include_keeps_that_order_and_exclude_drops():
    include = chain(("sel", "select-columns", {"columns": "species, petal width (cm)"}, "dataset", "results_dataset"))
    assert columns_of(include, "sel", "results_dataset") == ["species", "petal width (cm)"]
    exclude = chain(("sel", "select-columns", {"columns": "species", "mode": "exclude"}, "dataset",
                     "results_dataset"))
    assert columns_of(exclude, "sel", "results_dataset") == IRIS_FEATURES


def test_switching_the_dataset_makes_a_chosen_column_an_unknown_column_error():
    document = chain(("train_split", "split-data", {"stratify_column": "species"}, "dataset", "train"))
    assert validate(document, components.catalogue()) == []
    document["nodes"][0]["params"]["name"] = "wine"
    problems = validate(document, components.catalogue())
    assert [(p.node, p.param, p.code) for p in problems] == [("train_split", "stratify_column", "unknown-column")]
    assert "'species'" in problems[0].message and "alcohol" in problems[0].message
    assert problems[0].to_json()["param"] == "stratify_column"


def test_edit_metadata_renames_retypes_and_moves_the_label():
    document = chain(("meta", "edit-metadata", {"columns": "species", "new_names": "kind", "data_type": "string",
                                                "role": "clear-label"}, "dataset", "results_dataset"))
    schema = propagate(document, components.catalogue()).nodes["meta"].outputs["results_dataset"]
    assert schema.names == IRIS_FEATURES + ["kind"]
    assert schema.column("kind").type == "text" and schema.label is None
    labelled = chain(("meta", "edit-metadata", {"columns": "petal width (cm)", "role": "label"}, "dataset",
                      "results_dataset"))
    assert propagate(labelled, components.catalogue()).nodes["meta"].outputs["results_dataset"].label \
        == "petal width (cm)"


def test_join_suffixes_clashing_right_columns_and_merges_same_named_keys():
    document = chain(extra_nodes=[
        {"id": "other", "component": "sample-dataset", "params": {"name": "iris"}},
        {"id": "join", "component": "join-data", "params": {"left_keys": "species"}},
    ], extra_edges=[
        {"source": "iris", "source_port": "dataset", "target": "join", "target_port": "left"},
        {"source": "other", "source_port": "dataset", "target": "join", "target_port": "right"},
    ])
    assert columns_of(document, "join", "results_dataset") == \
        IRIS_FEATURES + ["species"] + [f"{c}_right" for c in IRIS_FEATURES]
    document["nodes"][-1]["params"]["right_keys"] = "no such column"
    problems = propagate(document, components.catalogue()).problems
    assert [(p.node, p.port, p.param) for p in problems] == [("join", "right", "right_keys")]


def test_indicator_values_adds_one_column_per_known_category():
    document = chain(("meta", "edit-metadata", {"columns": "species", "role": "clear-label"}, "dataset",
                      "results_dataset"),
                     ("ind", "convert-to-indicator-values", {"columns": "species", "overwrite": True}, "dataset",
                      "results_dataset"))
    assert columns_of(document, "ind", "results_dataset") == \
        IRIS_FEATURES + ["species-setosa", "species-versicolor", "species-virginica"]


def test_split_normalize_and_apply_keep_the_columns_and_make_them_numbers():
    document = chain(("split", "split-data", {}, "dataset", "train"),
                     ("norm", "normalize-data", {}, "dataset", "transformed_dataset"),
                     extra_nodes=[{"id": "apply", "component": "apply-transformation", "params": {}}],
                     extra_edges=[{"source": "norm", "source_port": "transformation", "target": "apply",
                                   "target_port": "transformation"},
                                  {"source": "split", "source_port": "test", "target": "apply",
                                   "target_port": "dataset"}])
    schemas = propagate(document, components.catalogue()).nodes
    assert schemas["split"].outputs["test"].names == IRIS_FEATURES + ["species"]
    assert schemas["apply"].outputs["transformed_dataset"].names == IRIS_FEATURES + ["species"]
    assert schemas["apply"].outputs["transformed_dataset"].column("species").type == "text"


def _scored(algorithm, dataset="iris", label="species", **algo_params):
    document = json.loads((EXAMPLES / "iris-classification.json").read_text())
    for node in document["nodes"]:
        if node["component"] == "logistic-regression":
            node["component"], node["params"] = algorithm, algo_params
        if node["component"] == "sample-dataset":
            node["params"] = {"name": dataset}
        if node["component"] == "split-data":
            node["params"].pop("stratify_column", None)
        if node["component"] == "train-model":
            node["params"] = {"label_column": label}
    return propagate(document, components.catalogue()).nodes["score"].outputs["scored_dataset"]


def test_score_model_adds_scored_labels_and_one_probability_column_per_class():
    assert _scored("logistic-regression").names[-4:] == [
        "Scored Labels", "Scored Probabilities_setosa", "Scored Probabilities_versicolor",
        "Scored Probabilities_virginica"]
    assert _scored("linear-regression", "diabetes", "progression").names[-2:] == ["progression", "Scored Labels"]
    assert _scored("k-means", label="").names[-1] == "Assignments"
    assert _scored("decision-forest", task="regression", dataset="diabetes", label="progression").names[-1] \
        == "Scored Labels"


def test_components_whose_columns_depend_on_the_data_say_unknown():
    script = chain(("py", "execute-python-script", {}, "dataframe1", "result_dataset"))
    assert columns_of(script, "py", "result_dataset") is None
    cleaned = chain(("clean", "clean-missing-data", {"add_indicator": True}, "dataset", "cleaned_dataset"))
    assert columns_of(cleaned, "clean", "cleaned_dataset") is None
    imported = {"format": "designer-graph/1", "nodes": [
        {"id": "file", "component": "import-data", "params": {"path": "x.csv"}},
        {"id": "sel", "component": "select-columns", "params": {"columns": "anything"}}],
        "edges": [{"source": "file", "source_port": "dataset", "target": "sel", "target_port": "dataset"}]}
    report = propagate(imported, components.catalogue())
    assert report.nodes["sel"].outputs["results_dataset"] is None and report.problems == []


def test_typed_in_data_and_web_service_input_give_their_columns():
    document = {"format": "designer-graph/1", "nodes": [
        {"id": "typed", "component": "enter-data-manually", "params": {"data": "a,b\n1,x\n2,y"}},
        {"id": "ws", "component": "web-service-input",
         "params": {"schema": json.dumps({"columns": [{"name": "x", "dtype": "float64"}]})}}], "edges": []}
    nodes = propagate(document, components.catalogue()).nodes
    assert [(c.name, c.type) for c in nodes["typed"].outputs["dataset"].columns] == [("a", "integer"), ("b", "text")]
    assert nodes["ws"].outputs["dataset"].names == ["x"]


def test_pipeline_parameter_values_are_read_from_their_defaults():
    document = chain(("sel", "select-columns", {"columns": {"$param": "cols"}}, "dataset", "results_dataset"))
    document["parameters"] = [{"name": "cols", "type": "str", "default": "species"}]
    assert columns_of(document, "sel", "results_dataset") == ["species"]


def test_an_external_lookup_gives_registered_datasets_their_schema():
    seen = []

    def lookup(kind, key):
        seen.append((kind, key))
        return TableSchema((Column("x", "number"), Column("y", "text")), label="y")

    from components.table_schema import SchemaInputs
    reading = SchemaInputs({}, {"dataset": "sales:2"}, lookup)
    assert reading.external("dataset", "sales:2").names == ["x", "y"]
    assert seen == [("dataset", "sales:2")]
    assert SchemaInputs({}, {}, lambda kind, key: 1 / 0).external("dataset", "x") is None


def test_every_component_rule_survives_unconnected_inputs_and_default_params():
    catalogue = components.catalogue()
    for spec in catalogue.values():
        document = {"format": "designer-graph/1", "nodes": [{"id": "n", "component": spec.id, "params": {}}],
                    "edges": []}
        outputs = propagate(document, catalogue).nodes["n"].outputs
        assert set(outputs) == set(spec.outputs), spec.id


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_every_example_is_valid_with_column_checks(example):
    document = json.loads((EXAMPLES / example).read_text())
    assert propagate(document, components.catalogue()).problems == []


def test_predicted_columns_match_a_real_run_of_each_tabular_example(tmp_path):
    from designer.home import Home
    from designer.service import Designer
    from designer.server.previews import table_columns

    designer = Designer(Home.resolve(tmp_path / "home", None))
    try:
        for name in ("iris-classification.json", "iris-clustering.json", "wine-neural-network.json"):
            document = json.loads((EXAMPLES / name).read_text())
            if name.startswith("wine"):
                document["nodes"] = [dict(n, params={**n["params"], "epochs": 2}) if n["component"] ==
                                     "neural-network" else n for n in document["nodes"]]
            predicted = propagate(document, components.catalogue()).nodes
            result = designer.run(document)
            assert result.status == "completed", result
            run = designer.store.get_run(result.run_id)
            for node_id, node in run["nodes"].items():
                for port, output in (node.get("outputs") or {}).items():
                    if output.get("type") != "DataFrame":
                        continue
                    actual = table_columns(designer.artifacts, output["digest"])
                    schema = predicted[node_id].outputs[port]
                    assert schema is not None and schema.names == actual, (name, node_id, port)
    finally:
        designer.close()


_NAMES = st.sampled_from(["iris", "split", "train", "a", "dataset", "data", "results_dataset", "species", "$param"])
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | st.floats(allow_nan=False)
    | _NAMES | st.sampled_from(sorted(components.catalogue())),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        _NAMES | st.sampled_from(["id", "component", "params", "source", "target", "source_port", "target_port",
                                  "name", "default", "nodes", "edges", "parameters"]), children, max_size=5),
    max_leaves=25)


@settings(max_examples=300, deadline=None, database=None)
@given(nodes=_JSON, edges=_JSON, parameters=_JSON)
def test_propagation_is_total_over_any_draft_the_canvas_might_send(nodes, edges, parameters):
    """A draft being edited may hold anything under nodes, edges and parameters: ports are unknown, never a crash."""
    document = {"nodes": nodes, "edges": edges, "parameters": parameters}
    propagate(document, components.catalogue()).to_json()
    propagate(chain(("split", "split-data", {"fraction": parameters}, "dataset", "results_dataset1"),
                    extra_nodes=nodes if isinstance(nodes, list) else (),
                    extra_edges=edges if isinstance(edges, list) else ()), components.catalogue()).to_json()
