"""A third-party component package gets the same conversion as the built-ins, through the roles it declares."""
from __future__ import annotations

import components
from components.ports import DataFrame, TrainedModel
from components.roles import Role
from components.spec import Param, component
from designer.graph.validation import validate
from designer.inference.conversion import convert

DIGEST = "cd" * 32
META = {"form": "table", "columns": [{"name": "x", "dtype": "float64"}, {"name": "y", "dtype": "str"}],
        "roles": {"label": "y"}, "info": {"label_column": "y"}}


@component(id="acme-every-other-row", category="Acme", inputs={"table": DataFrame},
           outputs={"kept": DataFrame, "rest": DataFrame}, roles={Role.ROW_PICKER})
def acme_every_other_row(table, *, offset: Param(int, 0)):
    """Keep every other row for training."""
    return {"kept": table.iloc[offset::2], "rest": table.iloc[offset + 1::2]}


@component(id="acme-predict", category="Acme", inputs={"rows": DataFrame, "model": TrainedModel},
           outputs={"predictions": DataFrame}, roles={Role.SCORER})
def acme_predict(rows, model):
    """Score rows with a trained model."""
    return model.score(rows)


def run_of(document):
    catalogue = components.catalogue()
    nodes = {n["id"]: {"status": "completed",
                       "outputs": {p: {"digest": DIGEST} for p in catalogue[n["component"]].outputs}}
             for n in document["nodes"]}
    return {"run_id": "r", "graph_id": "g", "revision": 1, "status": "completed", "parameters": {},
            "document": document, "nodes": nodes}


def test_a_plugin_scorer_and_row_picker_convert_like_the_built_ins():
    document = {"format": "designer-graph/1", "name": "Acme", "parameters": [], "nodes": [
        {"id": "data", "component": "sample-dataset", "params": {"name": "iris"}},
        {"id": "pick", "component": "acme-every-other-row", "params": {}},
        {"id": "algo", "component": "logistic-regression", "params": {}},
        {"id": "train", "component": "train-model", "params": {"label_column": "y"}},
        {"id": "predict", "component": "acme-predict", "params": {}},
    ], "edges": [
        {"source": "data", "source_port": "dataset", "target": "pick", "target_port": "table"},
        {"source": "pick", "source_port": "kept", "target": "train", "target_port": "dataset"},
        {"source": "algo", "source_port": "model", "target": "train", "target_port": "untrained_model"},
        {"source": "pick", "source_port": "rest", "target": "predict", "target_port": "rows"},
        {"source": "train", "source_port": "trained_model", "target": "predict", "target_port": "model"},
    ]}
    catalogue = components.catalogue()

    result = convert(document, run_of(document), "realtime", catalogue, describe=lambda digest: META)

    kinds = {n["id"]: n["component"] for n in result.document["nodes"]}
    assert kinds == {"web-service-input": "web-service-input", "train-model": "trained-model",
                     "predict": "acme-predict", "web-service-output": "web-service-output"}
    edges = {(e["source"], e["target"], e["target_port"]) for e in result.document["edges"]}
    assert ("web-service-input", "predict", "rows") in edges
    assert validate(result.document, catalogue) == []
