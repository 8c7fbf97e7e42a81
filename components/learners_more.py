"""The second wave of learners (Azure's names): each an algorithm with one `model` UntrainedModel output.

Like `components.algorithms`, nothing is fitted here. Each declares the task it
learns in its tags ("classification", "regression", "anomaly"; the tag is also
the Learner's `task`), so sweeps and AutoML can pick the learners that fit a task.
"""
from components.models import QUANTILE_PREFIX, Learner
from components.ports import UntrainedModel
from components.spec import ComponentError, Param, component
from components.table_schema import ModelSchema, SchemaInputs, learner

CATEGORY = "Machine Learning Algorithms"
SEED = Param(int, 0, min=0, max=2**32 - 1, description="Random seed; the same seed gives the same model.")
#: Binary learners one-vs-all / one-vs-one can wrap (those with a scikit-learn estimator).
WRAPPABLE = ("logistic-regression", "decision-forest", "boosted-decision-tree", "support-vector-machine",
             "averaged-perceptron")


@component(id="support-vector-machine", category=CATEGORY, outputs={"model": UntrainedModel},
           name="Two-Class Support Vector Machine", schema=learner("classification"),
           tags=("classification", "two-class", "svm"))
def support_vector_machine(*, C: Param(float, 1.0, min=1e-6, description="Inverse regularisation strength "
                                                                        "(Azure's lambda is 1 / C)."),
                           number_of_iterations: Param(int, 1000, min=1, max=1_000_000,
                                                       description="Most iterations of the solver."),
                           tolerance: Param(float, 1e-4, min=0.0, description="Stop when improvement is "
                                                                             "below this."),
                           probability_calibration: Param(str, "sigmoid", choices=("sigmoid", "isotonic"),
                                                          description="How margins become probabilities: Platt "
                                                                      "scaling (sigmoid) or isotonic regression."),
                           calibration_folds: Param(int, 3, min=2, max=20, description="Cross-validation folds "
                                                                                      "the calibration uses."),
                           random_seed: SEED):
    """Two-class support vector machine: a linear maximum-margin classifier with calibrated probabilities.

    scikit-learn's LinearSVC inside CalibratedClassifierCV. Two classes only
    (wrap it in one-vs-all-multiclass for more); standardise features first.
    """
    return Learner("support-vector-machine", "classification",
                   {"C": C, "max_iter": number_of_iterations, "tol": tolerance,
                    "calibration": probability_calibration, "calibration_folds": calibration_folds,
                    "seed": random_seed})


@component(id="averaged-perceptron", category=CATEGORY, outputs={"model": UntrainedModel},
           name="Two-Class Averaged Perceptron", schema=learner("classification"),
           tags=("classification", "two-class", "linear"))
def averaged_perceptron(*, learning_rate: Param(float, 1.0, min=1e-6, max=100.0, description="Step size of "
                                                                                            "each update."),
                        maximum_number_of_iterations: Param(int, 10, min=1, max=100_000,
                                                            description="Passes over the training rows."),
                        random_seed: SEED):
    """Averaged perceptron: a fast linear classifier whose weights are the average over all updates.

    scikit-learn's SGDClassifier with the perceptron loss and averaging;
    probabilities are the logistic (softmax for several classes) of its margin.
    """
    return Learner("averaged-perceptron", "classification",
                   {"learning_rate": learning_rate, "max_iter": maximum_number_of_iterations, "seed": random_seed})


def _wrapped(algorithm: str, binary_model) -> Learner:
    if not isinstance(binary_model, Learner):
        raise ComponentError("connect a binary classification algorithm (such as support-vector-machine) to "
                             "the binary_model input")
    if binary_model.algorithm not in WRAPPABLE:
        raise ComponentError(f"{algorithm} can wrap {', '.join(WRAPPABLE)}; not {binary_model.algorithm}")
    if binary_model.task != "classification":
        raise ComponentError(f"{algorithm} wraps a classifier, but the connected {binary_model.algorithm} is set "
                             f"to {binary_model.task}")
    return Learner(algorithm, "classification", {"binary_model": binary_model.to_json()})


@component(id="one-vs-all-multiclass", category=CATEGORY, inputs={"binary_model": UntrainedModel},
           outputs={"model": UntrainedModel}, name="One-vs-All Multiclass", schema=learner("classification"),
           tags=("classification", "multiclass"))
def one_vs_all_multiclass(binary_model):
    """One-vs-all: one copy of a binary classifier per class, each telling that class from all others.

    scikit-learn's OneVsRestClassifier around the connected algorithm (with its
    settings); the class whose copy is surest wins.
    """
    return _wrapped("one-vs-all-multiclass", binary_model)


@component(id="one-vs-one-multiclass", category=CATEGORY, inputs={"binary_model": UntrainedModel},
           outputs={"model": UntrainedModel}, name="One-vs-One Multiclass", schema=learner("classification"),
           tags=("classification", "multiclass"))
def one_vs_one_multiclass(binary_model):
    """One-vs-one: one copy of a binary classifier per pair of classes; the class with most votes wins.

    scikit-learn's OneVsOneClassifier; probabilities are the softmax of its
    per-class confidences.
    """
    return _wrapped("one-vs-one-multiclass", binary_model)


@component(id="poisson-regression", category=CATEGORY, outputs={"model": UntrainedModel},
           schema=learner("regression"), tags=("regression", "counts"))
def poisson_regression(*, l2_regularization_weight: Param(float, 1.0, min=0.0,
                                                          description="L2 penalty (scikit-learn's alpha)."),
                       maximum_iterations: Param(int, 100, min=1, max=1_000_000, description="Most solver steps."),
                       optimization_tolerance: Param(float, 1e-4, min=0.0, description="Stop when improvement is "
                                                                                      "below this."),
                       fit_intercept: Param(bool, True, description="Learn a constant term.")):
    """Poisson regression: predicts counts (non-negative numbers) with a log-linear model.

    scikit-learn's PoissonRegressor; the label must not be negative.
    """
    return Learner("poisson-regression", "regression",
                   {"alpha": l2_regularization_weight, "max_iter": maximum_iterations, "tol": optimization_tolerance,
                    "fit_intercept": fit_intercept})


def parse_quantiles(text: str) -> list[float]:
    """"0.25; 0.5; 0.75" (or commas) → [0.25, 0.5, 0.75], each strictly between 0 and 1."""
    values = []
    for part in str(text).replace(";", ",").split(","):
        if not part.strip():
            continue
        try:
            value = float(part)
        except ValueError:
            raise ComponentError(f"quantiles_to_be_estimated must be numbers such as 0.25;0.5;0.75, "
                                 f"not {part.strip()!r}") from None
        if not 0 < value < 1:
            raise ComponentError(f"quantile {value} must be between 0 and 1")
        values.append(value)
    if not values:
        raise ComponentError("name at least one quantile, e.g. 0.25;0.5;0.75")
    return sorted(set(values))


def _quantile_schema(s: SchemaInputs) -> dict:
    try:
        quantiles = parse_quantiles(s.params.get("quantiles_to_be_estimated"))
    except ComponentError:
        return {}  # the run's error says why; the score columns are unknown until the quantiles are fixed
    return {"model": ModelSchema(task="regression", extra_scores=tuple(f"{QUANTILE_PREFIX}{q:g}" for q in quantiles))}


@component(id="fast-forest-quantile-regression", category=CATEGORY, outputs={"model": UntrainedModel},
           schema=_quantile_schema, tags=("regression", "quantiles", "forest"))
def fast_forest_quantile_regression(*, number_of_trees: Param(int, 100, min=1, max=10_000,
                                                              description="Trees in the forest."),
                                    number_of_leaves: Param(int, 20, min=2, max=100_000,
                                                            description="Most leaves per tree."),
                                    minimum_number_of_training_instances_required_to_form_a_leaf:
                                    Param(int, 10, min=1, description="Fewest training rows in a leaf."),
                                    quantiles_to_be_estimated: Param(str, "0.25;0.5;0.75",
                                                                     description="Quantiles to predict, separated "
                                                                                 "by ; or commas."),
                                    random_number_seed: SEED):
    """Quantile regression forest: predicts the distribution of a number, not only its middle.

    Score Model adds `Quantile_<q>` for every quantile asked for, and `Scored
    Labels` holds the middle one. The forest is scikit-learn's
    RandomForestRegressor; quantiles weigh the training targets sharing each leaf.
    """
    return Learner("fast-forest-quantile-regression", "regression",
                   {"quantiles": parse_quantiles(quantiles_to_be_estimated), "n_estimators": number_of_trees,
                    "max_leaf_nodes": number_of_leaves,
                    "min_samples_leaf": minimum_number_of_training_instances_required_to_form_a_leaf,
                    "seed": random_number_seed})


@component(id="pca-based-anomaly-detection", category="Anomaly Detection", outputs={"model": UntrainedModel},
           name="PCA-Based Anomaly Detection", schema=learner("anomaly"), tags=("anomaly",))
def pca_based_anomaly_detection(*, number_of_components_to_use_in_pca: Param(int, 2, min=1, max=10_000,
                                                                             description="Principal components "
                                                                                         "that describe normal "
                                                                                         "rows."),
                                oversampling_parameter_for_randomized_pca: Param(int, 2, min=0, max=1000,
                                                                                 description="Extra components "
                                                                                             "the randomized "
                                                                                             "solver uses."),
                                enable_input_feature_mean_normalization: Param(bool, True,
                                                                               description="Scale features to unit "
                                                                                           "variance first."),
                                expected_anomaly_fraction: Param(float, 0.05, min=0.0, max=0.5,
                                                                 description="Share of training rows that score "
                                                                             "as anomalies (sets the threshold)."),
                                random_seed: SEED):
    """PCA-based anomaly detection: rows far from the principal subspace of normal rows are anomalies.

    Train it with train-anomaly-detection-model. Scoring adds `Scored Labels`
    (1 anomaly, 0 normal) and `Scored Probabilities` (the share of training rows
    less anomalous than the row).
    """
    return Learner("pca-based-anomaly-detection", "anomaly",
                   {"n_components": number_of_components_to_use_in_pca,
                    "oversampling": oversampling_parameter_for_randomized_pca,
                    "normalize": enable_input_feature_mean_normalization,
                    "contamination": expected_anomaly_fraction, "seed": random_seed})
