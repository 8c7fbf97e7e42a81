"""The training→inference conversion as a pure function: golden graphs of the examples, rewrites and refusals."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import components
from designer.graph.validation import validate
from designer.inference import InferenceConversionError, convert
from inference_support import RAW_TEST_ROWS

GOLDEN = Path(__file__).with_name("golden")
CATALOGUE = components.catalogue()
DIGEST = "ab" * 32
IRIS_COLUMNS = [{"name": n, "dtype": "float64"} for n in
                ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)")]
IRIS_META = {"form": "table", "columns": IRIS_COLUMNS + [{"name": "species", "dtype": "str"}],
             "roles": {"label": "species"}}


def structure(document: dict) -> dict:
    """What a golden file pins: components, wiring, parameters and the non-digest settings of added nodes."""
    nodes = []
    for node in document["nodes"]:
        params = {k: v for k, v in node.get("params", {}).items() if k not in ("digest", "registry", "sample")}
        if "schema" in params:
            params["schema"] = [c["name"] for c in json.loads(params["schema"])["columns"]]
        nodes.append({"id": node["id"], "component": node["component"], "params": params})
    edges = sorted([e["source"], e["source_port"], e["target"], e["target_port"]] for e in document["edges"])
    return {"nodes": nodes, "edges": edges, "parameters": [p["name"] for p in document.get("parameters") or []]}


@pytest.mark.parametrize("kind", ["realtime", "batch"])
@pytest.mark.parametrize("name", sorted(RAW_TEST_ROWS))
def test_example_converts_to_its_golden_graph(trained, name, kind):
    run = trained.runs[name]
    describe = lambda digest: trained.designer.artifacts.meta(digest)  # noqa: E731
    document = convert(run["document"], run, kind, CATALOGUE, describe=describe).document
    assert validate(document, CATALOGUE) == []
    golden = GOLDEN / f"{name}.{kind}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(json.dumps(structure(document), indent=1) + "\n")
    assert structure(document) == json.loads(golden.read_text())


# ---------------------------------------------------------------- synthetic documents

def node(node_id, component, **params):
    return {"id": node_id, "component": component, "params": params}


def edge(source, source_port, target, target_port):
    return {"source": source, "source_port": source_port, "target": target, "target_port": target_port}


def graph(nodes, edges, parameters=()):
    return {"format": "designer-graph/1", "name": "Synthetic", "nodes": nodes, "edges": edges,
            "parameters": list(parameters)}


def completed_run(document, status="completed", node_status=None, parameters=None):
    """A run record in which every node completed with an output (a fake digest) on every port."""
    nodes = {}
    for n in document["nodes"]:
        spec = CATALOGUE[n["component"]]
        nodes[n["id"]] = {"status": (node_status or {}).get(n["id"], "completed"),
                          "outputs": {p: {"digest": DIGEST, "type": t.name} for p, t in spec.outputs.items()}}
    return {"run_id": "run-1", "graph_id": "graph-1", "revision": 1, "status": status,
            "parameters": parameters or {}, "document": document, "nodes": nodes}


def describe(digest):
    return {**IRIS_META, "info": {"label_column": "species"}}


def classification(*middle_nodes, middle_edges=(), score_from=("iris", "dataset"), train_from=("iris", "dataset"),
                   parameters=()):
    nodes = [node("iris", "sample-dataset", name="iris"), *middle_nodes,
             node("algo", "logistic-regression"), node("train", "train-model", label_column="species"),
             node("score", "score-model"), node("eval", "evaluate-model")]
    edges = [*middle_edges, edge(*train_from, "train", "dataset"), edge("algo", "model", "train", "untrained_model"),
             edge(*score_from, "score", "dataset"), edge("train", "trained_model", "score", "trained_model"),
             edge("score", "scored_dataset", "eval", "scored_dataset")]
    return graph(nodes, edges, parameters)


def converted(document, kind="realtime", **run_options):
    result = convert(document, completed_run(document, **run_options), kind, CATALOGUE, describe=describe)
    assert validate(result.document, CATALOGUE) == []
    return result


def components_of(document):
    return {n["id"]: n["component"] for n in document["nodes"]}


def test_fitted_steps_before_the_split_become_apply_transformation_with_their_saved_fit():
    document = classification(
        node("clean", "clean-missing-data", strategy="mean"), node("norm", "normalize-data"),
        node("split", "split-data", test_fraction=0.3),
        middle_edges=[edge("iris", "dataset", "clean", "dataset"),
                      edge("clean", "cleaned_dataset", "norm", "dataset"),
                      edge("norm", "transformed_dataset", "split", "dataset")],
        score_from=("split", "test"), train_from=("split", "train"))
    result = converted(document)
    assert components_of(result.document) == {
        "web-service-input": "web-service-input", "clean-transformation": "saved-transformation",
        "clean": "apply-transformation", "norm-transformation": "saved-transformation",
        "norm": "apply-transformation", "train-model": "trained-model", "score": "score-model",
        "web-service-output": "web-service-output"}
    edges = {(e["source"], e["target"], e["target_port"]) for e in result.document["edges"]}
    assert {("web-service-input", "clean", "dataset"), ("clean-transformation", "clean", "transformation"),
            ("clean", "norm", "dataset"), ("norm", "score", "dataset")} <= edges
    assert sorted((a.kind, a.source_node, a.source_port) for a in result.artifacts) == [
        ("model", "train", "trained_model"), ("transformation", "clean", "cleaning_transformation"),
        ("transformation", "norm", "transformation")]


def test_web_service_input_takes_the_training_columns_without_the_label():
    result = converted(classification())
    wsi = next(n for n in result.document["nodes"] if n["component"] == "web-service-input")
    assert json.loads(wsi["params"]["schema"]) == {"columns": IRIS_COLUMNS}
    assert wsi["params"]["name"] == "WebServiceInput0"


def test_realtime_paths_stop_naming_the_label_and_drop_nodes_left_with_nothing():
    document = classification(
        node("drop-label", "select-columns", columns="species", mode="exclude"),
        node("pick", "select-columns", columns="sepal length (cm),species,petal width (cm)"),
        middle_edges=[edge("iris", "dataset", "drop-label", "dataset"),
                      edge("drop-label", "results_dataset", "pick", "dataset")],
        score_from=("pick", "results_dataset"))
    realtime = converted(document)
    assert "drop-label" not in components_of(realtime.document)
    pick = next(n for n in realtime.document["nodes"] if n["id"] == "pick")
    assert pick["params"]["columns"] == "sepal length (cm),petal width (cm)"
    assert {"source": "web-service-input", "source_port": "dataset", "target": "pick",
            "target_port": "dataset"} in realtime.document["edges"]
    batch = converted(document, "batch")
    assert components_of(batch.document)["drop-label"] == "select-columns"


def test_batch_graph_reads_dataset_path_and_writes_output_path():
    result = converted(classification(), "batch")
    assert components_of(result.document)["iris"] == "import-data"
    source = next(n for n in result.document["nodes"] if n["id"] == "iris")
    assert source["params"]["path"] == {"$param": "dataset_path"}
    parameters = {p["name"]: p["default"] for p in result.document["parameters"]}
    assert parameters["dataset_path"] == result.exports[0].path
    assert parameters["output_path"].endswith(".csv")
    assert result.exports[0].source_node == "iris"


def test_batch_graph_over_import_data_parameterises_its_path_with_the_original_as_default():
    document = classification()
    document["nodes"][0] = node("iris", "import-data", path="raw/iris.csv", format="csv")
    result = converted(document, "batch")
    source = next(n for n in result.document["nodes"] if n["id"] == "iris")
    assert source["params"] == {"path": {"$param": "dataset_path"}, "format": "csv"}
    assert result.document["parameters"][0]["default"] == "raw/iris.csv"
    assert result.exports == []


def test_pipeline_parameters_become_the_runs_values():
    document = classification(node("pick", "select-columns", columns={"$param": "columns"}),
                              middle_edges=[edge("iris", "dataset", "pick", "dataset")],
                              score_from=("pick", "results_dataset"),
                              parameters=[{"name": "columns", "type": "str", "default": "a"}])
    run_values = {"columns": "sepal length (cm),petal width (cm)"}
    realtime = converted(document, parameters=run_values)
    pick = next(n for n in realtime.document["nodes"] if n["id"] == "pick")
    assert pick["params"]["columns"] == run_values["columns"]
    assert all(p["name"] != "columns" for p in realtime.document["parameters"])
    batch = converted(document, "batch", parameters=run_values)
    declared = {p["name"]: p for p in batch.document["parameters"]}
    assert declared["columns"]["default"] == run_values["columns"]


def test_a_second_table_joined_on_the_scoring_path_stays_a_lookup_table():
    document = classification(
        node("lookup", "sample-dataset", name="iris"), node("join", "join-data", left_keys="species"),
        middle_edges=[edge("iris", "dataset", "join", "left"), edge("lookup", "dataset", "join", "right")],
        score_from=("join", "results_dataset"))
    result = converted(document, "batch")
    kinds = components_of(result.document)
    assert kinds["iris"] == "import-data" and kinds["lookup"] == "sample-dataset"


def test_two_scoring_nodes_get_one_output_each():
    document = classification()
    document["nodes"].append(node("score2", "score-model"))
    document["edges"] += [edge("iris", "dataset", "score2", "dataset"),
                          edge("train", "trained_model", "score2", "trained_model")]
    realtime = converted(document)
    outputs = sorted(n["params"]["name"] for n in realtime.document["nodes"] if n["component"] == "web-service-output")
    assert outputs == ["WebServiceOutput0", "WebServiceOutput1"]
    assert [n["component"] for n in realtime.document["nodes"]].count("trained-model") == 1
    batch = converted(document, "batch")
    assert {p["name"] for p in batch.document["parameters"]} == {"dataset_path", "output_path", "output_path_2"}


def test_the_conversion_records_where_it_came_from():
    result = converted(classification())
    assert result.document["metadata"]["inference"] == {"kind": "realtime", "source_graph_id": "graph-1",
                                                        "source_revision": 1, "source_run_id": "run-1"}
    assert result.document["name"] == "Synthetic (real-time inference)"


# ---------------------------------------------------------------- refusals

@pytest.mark.parametrize("status, code", [("failed", "run-failed"), ("cancelled", "run-cancelled"),
                                          ("running", "run-not-completed"), ("queued", "run-not-completed")])
def test_refuses_a_run_that_did_not_complete(status, code):
    document = classification()
    with pytest.raises(InferenceConversionError) as refusal:
        convert(document, completed_run(document, status=status), "realtime", CATALOGUE)
    assert refusal.value.code == code and refusal.value.status == 409


def test_refuses_when_a_node_it_needs_did_not_complete():
    document = classification()
    run = completed_run(document, node_status={"train": "skipped"})
    with pytest.raises(InferenceConversionError) as refusal:
        convert(document, run, "realtime", CATALOGUE)
    assert (refusal.value.code, refusal.value.node) == ("node-not-completed", "train")


def test_refuses_a_script_on_the_scoring_path():
    document = classification(node("script", "execute-python-script"),
                              middle_edges=[edge("iris", "dataset", "script", "dataframe1")],
                              score_from=("script", "result_dataset"))
    with pytest.raises(InferenceConversionError) as refusal:
        convert(document, completed_run(document), "batch", CATALOGUE)
    assert (refusal.value.code, refusal.value.node) == ("no-inference-form", "script")
    assert "script" in refusal.value.message


def test_a_script_off_the_scoring_path_is_no_obstacle():
    document = classification(node("script", "execute-python-script"),
                              middle_edges=[edge("iris", "dataset", "script", "dataframe1")],
                              train_from=("script", "result_dataset"))
    assert "script" not in components_of(converted(document).document)


def test_refuses_a_graph_without_a_scoring_node():
    document = graph([node("iris", "sample-dataset")], [])
    with pytest.raises(InferenceConversionError) as refusal:
        convert(document, completed_run(document), "realtime", CATALOGUE)
    assert refusal.value.code == "no-scoring-node"


def test_refuses_an_unknown_kind():
    document = classification()
    with pytest.raises(InferenceConversionError) as refusal:
        convert(document, completed_run(document), "streaming", CATALOGUE)
    assert refusal.value.code == "invalid-kind"


def test_refuses_a_component_that_is_not_installed():
    document = classification()
    document["nodes"].append(node("mystery", "not-a-component"))
    with pytest.raises(InferenceConversionError) as refusal:
        convert(document, completed_run({**document, "nodes": document["nodes"][:-1]}), "realtime", CATALOGUE)
    assert (refusal.value.code, refusal.value.node) == ("unknown-component", "mystery")


# ---------------------------------------------------------------- image graphs

DIGITS_PIXELS = [f"pixel_{r}_{c}" for r in range(8) for c in range(8)]


def digits_describe(digest):
    return {"form": "table", "columns": [{"name": p, "dtype": "float64"} for p in DIGITS_PIXELS]
            + [{"name": "digit", "dtype": "int64"}], "roles": {"label": "digit"},
            "numeric_max": {**{p: 16.0 for p in DIGITS_PIXELS}, "digit": 9}}


def example(name):
    from inference_support import EXAMPLES

    return json.loads((EXAMPLES / f"{name}.json").read_text())


def test_the_digits_cnn_serves_pixel_rows_through_its_saved_image_transformation():
    document = example("digits-cnn")
    result = convert(document, completed_run(document), "realtime", CATALOGUE, describe=digits_describe)
    assert validate(result.document, CATALOGUE) == []
    nodes = {n["id"]: n for n in result.document["nodes"]}
    assert components_of(result.document) == {
        "web-service-input": "web-service-input", "to_images": "convert-to-image-directory",
        "resize-transformation": "saved-transformation", "test_images": "apply-image-transformation",
        "train-model": "trained-model", "score": "score-image-model", "web-service-output": "web-service-output"}
    # Requests carry no label, and white is what it was in training, not what each request's pixels suggest.
    assert nodes["to_images"]["params"]["label_column"] == ""
    assert nodes["to_images"]["params"]["pixel_max"] == 16.0
    assert nodes["test_images"]["params"]["mode"] == "inference"
    schema = json.loads(nodes["web-service-input"]["params"]["schema"])["columns"]
    assert [c["name"] for c in schema] == DIGITS_PIXELS


def test_an_image_folder_source_becomes_a_batch_parameter_and_cannot_serve_rows():
    document = example("transfer-learning-mobilenet")
    batch = convert(document, completed_run(document), "batch", CATALOGUE)
    assert validate(batch.document, CATALOGUE) == []
    images = next(n for n in batch.document["nodes"] if n["id"] == "images")
    assert images["component"] == "image-directory" and images["params"]["path"] == {"$param": "dataset_path"}
    assert batch.document["parameters"][0]["default"] == "images"
    assert next(n for n in batch.document["nodes"] if n["id"] == "test_images")["params"]["mode"] == "inference"
    with pytest.raises(InferenceConversionError) as refusal:
        convert(document, completed_run(document), "realtime", CATALOGUE)
    assert (refusal.value.code, refusal.value.node) == ("realtime-needs-table-input", "images")


def test_a_column_list_that_only_named_the_label_is_refused_for_realtime():
    document = classification(node("dedupe", "remove-duplicate-rows", columns="species"),
                              middle_edges=[edge("iris", "dataset", "dedupe", "dataset")],
                              score_from=("dedupe", "results_dataset"))
    with pytest.raises(InferenceConversionError) as refusal:
        convert(document, completed_run(document), "realtime", CATALOGUE, describe=describe)
    assert (refusal.value.code, refusal.value.node) == ("label-on-scoring-path", "dedupe")
    assert converted(document, "batch").document
