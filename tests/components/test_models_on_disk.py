"""A TrainedModel's on-disk form: model.json + weights, reloaded anywhere with bit-identical predictions."""
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split

from components.models import MODEL_FILE, TrainedModel
from components.ports import TrainedModel as TrainedModelPort
from components.ports import column_roles


@pytest.fixture(scope="module")
def iris_split():
    bunch = load_iris(as_frame=True)
    frame = bunch.data.copy()
    frame["species"] = bunch.target_names[bunch.target]
    # A text feature so the saved model must carry its one-hot encoder too.
    frame["garden"] = np.where(frame["sepal width (cm)"] > 3.0, "north", "south")
    return train_test_split(frame, test_size=0.4, random_state=3)


CASES = [
    ("logistic-regression", {}, "species"),
    ("decision-forest", {"n_estimators": 10}, "species"),
    ("boosted-decision-tree", {"task": "regression", "n_estimators": 20}, "petal width (cm)"),
    ("linear-regression", {"alpha": 0.5}, "petal width (cm)"),
    ("k-means", {"n_clusters": 3}, ""),
    ("neural-network", {"epochs": 5, "hidden_layers": "8,4"}, "species"),
    ("neural-network", {"task": "regression", "epochs": 5}, "petal width (cm)"),
]


def trained(run_component, algorithm, params, label, rows):
    learner = run_component(algorithm, params=params)["model"]
    if not label:
        rows = rows.drop(columns=["species"])
    return run_component("train-model", {"dataset": rows, "untrained_model": learner},
                         {"label_column": label})["trained_model"]


@pytest.mark.parametrize("algorithm, params, label", CASES, ids=[f"{a}-{p.get('task', '')}" for a, p, _ in CASES])
def test_saved_and_loaded_model_scores_bit_identically(run_component, artifact_store, iris_split, algorithm, params,
                                                       label):
    train_rows, test_rows = iris_split
    model = trained(run_component, algorithm, params, label, train_rows)
    digest = artifact_store.put(TrainedModelPort, model)
    loaded = artifact_store.get(digest)

    assert isinstance(loaded, TrainedModel)
    before, after = model.score(test_rows), loaded.score(test_rows)
    pd.testing.assert_frame_equal(before, after, check_exact=True)
    assert column_roles(after) == column_roles(before)
    for name in ("algorithm", "task", "label_column", "feature_columns", "categorical_columns", "classes",
                 "feature_dtypes"):
        assert getattr(loaded, name) == getattr(model, name)
    # The same fitted model stores as the same content.
    assert artifact_store.put(TrainedModelPort, model) == digest


def test_model_json_describes_what_scoring_needs(run_component, artifact_store, iris_split):
    model = trained(run_component, "logistic-regression", {}, "species", iris_split[0])
    directory = artifact_store.path(artifact_store.put(TrainedModelPort, model))
    meta = json.loads((directory / MODEL_FILE).read_text())
    assert meta["format"] == "designer-model/1"
    assert meta["task"] == "classification" and meta["label_column"] == "species"
    assert meta["feature_columns"] == ["sepal length (cm)", "sepal width (cm)", "petal length (cm)",
                                       "petal width (cm)", "garden"]
    assert meta["categorical_columns"] == ["garden"]
    assert meta["feature_dtypes"]["sepal length (cm)"] == "float64"
    assert meta["classes"] == ["setosa", "versicolor", "virginica"]
    assert meta["weights"] == {"format": "joblib", "file": "estimator.joblib"}
    assert (directory / "estimator.joblib").is_file() and (directory / "preprocessor.joblib").is_file()
    assert artifact_store.meta(artifact_store.put(TrainedModelPort, model))["info"]["algorithm"] == \
        "logistic-regression"


def test_neural_network_is_saved_as_a_state_dict_and_its_architecture(run_component, artifact_store, iris_split):
    model = trained(run_component, "neural-network", {"epochs": 3, "hidden_layers": "8,4"}, "species",
                    iris_split[0])
    directory = artifact_store.path(artifact_store.put(TrainedModelPort, model))
    meta = json.loads((directory / MODEL_FILE).read_text())
    assert meta["weights"]["format"] == "torch-state-dict"
    assert meta["weights"]["architecture"]["hidden_layers"] == [8, 4]
    assert meta["weights"]["architecture"]["outputs"] == 3
    assert len(meta["weights"]["history"]) == 3
    assert not (directory / "estimator.joblib").exists()
    state = torch.load(directory / "network.pt", weights_only=True)
    assert all(isinstance(tensor, torch.Tensor) for tensor in state.values())
    assert {"0.mean", "0.scale", "1.weight", "5.bias"} <= set(state)


def test_a_fresh_process_scores_a_saved_model_with_nothing_but_its_directory(run_component, artifact_store,
                                                                             iris_split, tmp_path):
    train_rows, test_rows = iris_split
    # scikit-learn here keeps the child process light; the in-process reload above covers the network.
    model = trained(run_component, "logistic-regression", {}, "species", train_rows)
    directory = artifact_store.path(artifact_store.put(TrainedModelPort, model))
    rows = test_rows.drop(columns=["species"]).head(10)
    rows.to_json(tmp_path / "rows.json", orient="records")
    code = ("import json, sys, pandas as pd\n"
            "from components.ports import load_value\n"
            "model = load_value(sys.argv[1])\n"
            "rows = json.load(open(sys.argv[2]))\n"
            "print(json.dumps(model.predict_records(rows)))\n"
            "print('torch' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code, str(directory), str(tmp_path / "rows.json")],
                         capture_output=True, text=True, check=True)
    predictions, torch_imported = out.stdout.splitlines()
    assert json.loads(predictions) == model.predict_records(json.loads((tmp_path / "rows.json").read_text()))
    assert torch_imported == "False"
