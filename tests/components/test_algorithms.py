"""The algorithm components: one UntrainedModel output each, settings kept as JSON, no torch at import."""
import json
import subprocess
import sys

import pytest

import components
from canvas_store.artifacts import ArtifactStore
from components.models import Learner
from components.ports import UntrainedModel
from components.spec import ComponentError

ALGORITHMS = ["logistic-regression", "linear-regression", "decision-forest", "boosted-decision-tree",
              "neural-network", "k-means"]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_has_one_untrained_model_output_and_no_inputs(algorithm):
    spec = components.get(algorithm)
    assert spec.category == "Machine Learning Algorithms"
    assert spec.inputs == {}
    assert dict(spec.outputs) == {"model": UntrainedModel}
    assert spec.description


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_default_settings_build_an_estimator(run_component, algorithm):
    learner = run_component(algorithm)["model"]
    assert isinstance(learner, Learner)
    assert learner.algorithm == algorithm
    assert learner.build_estimator() is not None
    json.dumps(learner.to_json())  # hyperparameters are plain JSON


def test_task_param_chooses_classifier_or_regressor(run_component):
    from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestClassifier

    forest = run_component("decision-forest", params={"task": "classification", "max_depth": 0,
                                                      "n_estimators": 7, "seed": 3})["model"]
    estimator = forest.build_estimator()
    assert isinstance(estimator, RandomForestClassifier)
    assert (estimator.n_estimators, estimator.max_depth, estimator.random_state) == (7, None, 3)

    boosted = run_component("boosted-decision-tree", params={"task": "regression", "max_depth": 4})["model"]
    estimator = boosted.build_estimator()
    assert isinstance(estimator, HistGradientBoostingRegressor)
    assert estimator.max_depth == 4 and boosted.task == "regression"


def test_linear_regression_is_ordinary_least_squares_at_alpha_zero_and_ridge_above(run_component):
    from sklearn.linear_model import LinearRegression, Ridge

    assert type(run_component("linear-regression")["model"].build_estimator()) is LinearRegression
    ridge = run_component("linear-regression", params={"alpha": 2.5})["model"].build_estimator()
    assert isinstance(ridge, Ridge) and ridge.alpha == 2.5


def test_learner_survives_the_artifact_store(tmp_path, run_component):
    store = ArtifactStore(tmp_path / "store")
    learner = run_component("neural-network", params={"hidden_layers": "16, 8", "epochs": 3})["model"]
    digest = store.put(UntrainedModel, learner)
    assert (store.path(digest) / "learner.json").is_file()
    assert store.meta(digest)["form"] == "object"
    loaded = store.get(digest)
    assert loaded == learner
    assert loaded.hyperparameters["hidden_layers"] == [16, 8]
    # Same settings, same content: the cache can reuse it.
    assert store.put(UntrainedModel, run_component("neural-network", params={"hidden_layers": "16,8",
                                                                             "epochs": 3})["model"]) == digest


@pytest.mark.parametrize("text", ["64,abc", "0", "-3", "1.5"])
def test_hidden_layers_that_are_not_sizes_are_a_clear_error(run_component, text):
    with pytest.raises(ComponentError, match="hidden_layers"):
        run_component("neural-network", params={"hidden_layers": text})


def test_empty_hidden_layers_is_a_network_without_hidden_layers(run_component):
    assert run_component("neural-network", params={"hidden_layers": ""})["model"].hyperparameters[
        "hidden_layers"] == []


def test_l1_penalty_needs_a_solver_that_supports_it(run_component):
    with pytest.raises(ComponentError, match="saga"):
        run_component("logistic-regression", params={"l1_ratio": 0.5, "solver": "lbfgs"})
    assert run_component("logistic-regression", params={"l1_ratio": 0.5, "solver": "saga"})["model"]


def test_a_learner_refuses_a_task_its_algorithm_cannot_do():
    with pytest.raises(ValueError):
        Learner("k-means", "classification", {})


def test_importing_the_model_components_does_not_import_torch():
    code = ("import sys, components.algorithms, components.training, components.scoring, "
            "components.evaluation, components.models; print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
