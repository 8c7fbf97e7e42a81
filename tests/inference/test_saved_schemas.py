"""Schema before running in inference graphs: the columns after a saved model or transformation are known.

Each tabular example is trained for real, converted to a real-time and a batch inference
graph, and the schemas the canvas is told for that graph are compared with a real run of
it (the real-time graph scores its sample rows; the batch graph scores the exported rows).
"""
from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

import components
from designer.graph.schemas import propagate
from inference_support import EXAMPLES, RAW_TEST_ROWS, wait_for_run
from schema_differences import differences

#: The tabular examples (the image ones score images, whose class columns stay unknown).
TABULAR = [*RAW_TEST_ROWS, "anomaly-detection", "sql-data-preparation", "text-classification"]
SAVED = ("trained-model", "saved-transformation")


@pytest.fixture(scope="module")
def examples(trained):
    for name in TABULAR:
        if name not in trained.runs:  # one at a time: two runs importing torch at once trip over each other
            trained.train_documents({name: json.loads((EXAMPLES / f"{name}.json").read_text())})
    return trained


def _document(state, name: str, kind: str) -> dict:
    return state.designer.store.get_graph(state.inference_graph(name, kind))["document"]


def _predicted(state, document: dict):
    return propagate(document, components.catalogue(), state.designer.schema_lookup)


def _run_outputs(state, graph_id: str) -> dict:
    response = state.client.post(f"/api/graphs/{graph_id}/runs", json={})
    assert response.status_code == 202, response.get_json()
    run = wait_for_run(state.client, response.get_json()["run_id"])
    assert run["status"] == "completed", {n: r.get("error") for n, r in run["nodes"].items()}
    record = state.designer.store.get_run(run["run_id"])
    return {(node_id, port): output for node_id, node in record["nodes"].items()
            for port, output in (node.get("outputs") or {}).items()}


@pytest.mark.parametrize("kind", ["realtime", "batch"])
@pytest.mark.parametrize("name", TABULAR)
def test_inference_graph_columns_are_known_and_are_what_running_it_gives(examples, name, kind):
    document = _document(examples, name, kind)
    predicted = _predicted(examples, document)
    assert predicted.problems == [], [p.message for p in predicted.problems]
    saved = [n["id"] for n in document["nodes"] if n["component"] in SAVED]
    assert saved and all(next(iter(predicted.nodes[n].outputs.values())) is not None for n in saved)
    outputs = _run_outputs(examples, examples.inference_graph(name, kind))
    compared = 0
    for (node_id, port), output in outputs.items():
        if output.get("type") != "DataFrame":
            continue
        schema = predicted.nodes[node_id].outputs[port]
        assert schema is not None, f"{node_id}.{port} is unknown"
        frame = examples.designer.artifacts.get(output["digest"])
        assert differences(schema, frame) == [], f"{name} ({kind}) {node_id}.{port}"
        compared += 1
    scorer = next(n["id"] for n in document["nodes"] if n["component"] == "score-model")
    assert ((scorer, "scored_dataset") in outputs) and compared >= 2


def _with_select_after_score(document: dict, columns: str) -> dict:
    document = json.loads(json.dumps(document))
    document["nodes"].append({"id": "only-scores", "component": "select-columns",
                              "params": {"columns": columns}})
    document["edges"].append({"source": "score", "source_port": "scored_dataset", "target": "only-scores",
                              "target_port": "dataset"})
    return document


def test_select_columns_after_score_model_offers_the_scored_columns_of_a_saved_model(examples):
    document = _with_select_after_score(_document(examples, "iris-classification", "realtime"), "Scored Labels")
    response = examples.client.post("/api/graphs/schema", json={"document": document})
    assert response.status_code == 200
    body = response.get_json()
    offered = [c["name"] for c in body["nodes"]["only-scores"]["inputs"]["dataset"]["columns"]]
    assert offered[-4:] == ["Scored Labels", "Scored Probabilities_setosa", "Scored Probabilities_versicolor",
                            "Scored Probabilities_virginica"]
    scored_labels = next(c for c in body["nodes"]["only-scores"]["inputs"]["dataset"]["columns"]
                         if c["name"] == "Scored Labels")
    assert scored_labels == {"name": "Scored Labels", "type": "text", "values": ["setosa", "versicolor", "virginica"]}
    assert [c["name"] for c in body["nodes"]["only-scores"]["outputs"]["results_dataset"]["columns"]] == \
        ["Scored Labels"]
    assert body["errors"] == []


def test_a_wrong_column_after_a_saved_model_is_an_unknown_column_error(examples):
    document = _with_select_after_score(_document(examples, "iris-classification", "realtime"), "Scored Label")
    body = examples.client.post("/api/graphs/schema", json={"document": document}).get_json()
    errors = [e for e in body["errors"] if e["node"] == "only-scores"]
    assert [e["code"] for e in errors] == ["unknown-column"]
    assert "'Scored Label'" in errors[0]["message"] and "Scored Labels" in errors[0]["message"]
    problems = examples.designer.validate(document)
    assert any(p.code == "unknown-column" and p.node == "only-scores" for p in problems)


def test_schemas_of_saved_artifacts_never_load_the_artifact(examples, monkeypatch):
    document = _document(examples, "wine-neural-network", "realtime")
    examples.designer.saved_schemas.known.clear()

    def refuse(*args, **kwargs):
        raise AssertionError("a schema request loaded an artifact")

    monkeypatch.setattr("components.ports.load_value", refuse)
    monkeypatch.setattr("canvas_store.artifacts.load_value", refuse)
    monkeypatch.setattr(type(examples.designer.artifacts), "get", refuse)
    predicted = _predicted(examples, document)
    assert predicted.nodes["score"].outputs["scored_dataset"].names[-4:] == \
        ["Scored Labels", "Scored Probabilities_class_0", "Scored Probabilities_class_1", "Scored Probabilities_class_2"]


def test_an_artifact_stored_before_schemas_were_recorded_stays_unknown(examples):
    document = _document(examples, "wine-neural-network", "realtime")
    store = examples.designer.artifacts
    for node in document["nodes"]:
        if node["component"] in SAVED:
            old = "0" * 63 + str(SAVED.index(node["component"]))
            target = store.path(old)
            if not target.exists():
                shutil.copytree(store.existing_path(node["params"]["digest"]), target)
                meta = json.loads((target / "meta.json").read_text())
                meta.pop("schema")
                (target / "meta.json").write_text(json.dumps(meta))
            node["params"]["digest"] = old
    document["nodes"].append({"id": "gone", "component": "trained-model", "params": {"digest": "f" * 64}})
    predicted = _predicted(examples, document)
    assert predicted.problems == []
    for node_id in ("normalize-transformation", "train-model", "apply", "score", "gone"):
        assert all(schema is None for schema in predicted.nodes[node_id].outputs.values()), node_id
    assert predicted.nodes["web-service-input"].outputs["dataset"] is not None


def test_a_registered_model_reference_gives_the_schema_of_that_version(examples):
    document = _document(examples, "iris-classification", "realtime")
    digest = next(n for n in document["nodes"] if n["component"] == "trained-model")["params"]["digest"]
    model = next(m for m in examples.designer.store.list_models() if m["digest"] == digest)
    by_digest = _predicted(examples, document).nodes["score"].outputs["scored_dataset"]
    for reference in (f"{model['name']}:{model['version']}", "no-such-model:1", "not a ref:x"):
        node = next(n for n in document["nodes"] if n["component"] == "trained-model")
        node["params"] = {"registry": reference}
        schema = _predicted(examples, document).nodes["score"].outputs["scored_dataset"]
        assert schema == (by_digest if reference.startswith(model["name"]) else None), reference


def test_a_parquet_file_in_the_datastore_gives_import_data_its_columns(examples):
    folder = examples.designer.home.datastore / "schema-check"
    folder.mkdir(exist_ok=True)
    pd.DataFrame({"x": [1, 2], "y": ["a", "b"]}).to_parquet(folder / "rows.parquet")
    (folder / "bad.parquet").write_text("not parquet at all")

    def columns(path, **params):
        document = {"format": "designer-graph/1", "name": "read", "edges": [],
                    "nodes": [{"id": "read", "component": "import-data", "params": {"path": path, **params}}]}
        schema = _predicted(examples, document).nodes["read"].outputs["dataset"]
        return schema and [(c.name, c.type) for c in schema.columns]

    assert columns("schema-check/rows.parquet") == [("x", "integer"), ("y", "text")]
    pd.DataFrame({"z": [1.5, 2.5, 3.5]}).to_parquet(folder / "rows.parquet")
    assert columns("schema-check/rows.parquet") == [("z", "number")]  # the file changed: read again
    for path in ("schema-check/bad.parquet", "schema-check/missing.parquet", "../outside.parquet",
                 "/etc/passwd.parquet", "schema-check"):
        assert columns(path) is None, path
    assert columns("schema-check/rows.parquet", datastore="elsewhere") is None
    assert columns("schema-check/rows.parquet", format="csv") is None
