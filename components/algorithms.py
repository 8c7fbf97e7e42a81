"""Machine learning algorithms: each component names an algorithm and its settings as an untrained model.

Nothing is fitted here (Train Model does that), so these components are instant and
import neither scikit-learn nor torch. Each names the tasks it can learn in its tags
("classification", "regression", "clustering"), so sweeps and AutoML can find them.
"""

from components.models import Learner
from components.ports import UntrainedModel
from components.spec import ComponentError, Param, component
from components.table_schema import learner

CATEGORY = "Machine Learning Algorithms"
TASK = Param(str, "classification", choices=("classification", "regression"),
             description="Predict a class (classification) or a number (regression).")
SEED = Param(int, 0, min=0, description="Random seed; the same seed gives the same model.")
MAX_DEPTH_HELP = "Deepest a tree may grow; 0 means no limit."


@component(id="logistic-regression", category=CATEGORY, outputs={"model": UntrainedModel},
           schema=learner("classification"), tags=("classification",))
def logistic_regression(*, C: Param(float, 1.0, min=1e-6, description="Inverse regularisation strength: "
                                    "smaller values regularise more."),
                        l1_ratio: Param(float, 0.0, min=0.0, max=1.0,
                                        description="Mix of L1 in the penalty: 0 is L2 (ridge), 1 is L1 (lasso); "
                                                    "above 0 needs the saga solver (or liblinear for exactly 1)."),
                        solver: Param(str, "lbfgs", choices=("lbfgs", "liblinear", "newton-cg", "newton-cholesky",
                                                             "sag", "saga"),
                                      description="Optimisation algorithm."),
                        max_iter: Param(int, 1000, min=1, max=1_000_000,
                                        description="Most iterations the solver may take."),
                        tol: Param(float, 1e-4, min=0.0, description="Stop when improvement falls below this."),
                        fit_intercept: Param(bool, True, description="Learn a constant term."),
                        seed: SEED):
    """Logistic regression: a linear classifier that predicts class probabilities.

    Two or more classes; fast, interpretable, a good first baseline. Works best on
    standardised numeric features (add Normalize Data before it).
    """
    if l1_ratio > 0 and solver not in ("saga", "liblinear"):
        raise ComponentError(f"An L1 penalty (l1_ratio {l1_ratio}) needs the saga or liblinear solver, "
                             f"not {solver}.")
    return Learner("logistic-regression", "classification",
                   {"C": C, "l1_ratio": l1_ratio, "solver": solver, "max_iter": max_iter, "tol": tol,
                    "fit_intercept": fit_intercept, "seed": seed})


@component(id="linear-regression", category=CATEGORY, outputs={"model": UntrainedModel},
           schema=learner("regression"), tags=("regression",))
def linear_regression(*, alpha: Param(float, 0.0, min=0.0,
                                      description="L2 regularisation strength: 0 is ordinary least squares, "
                                                  "above 0 is ridge regression."),
                      fit_intercept: Param(bool, True, description="Learn a constant term.")):
    """Linear regression: predicts a number as a weighted sum of the features.

    Ordinary least squares when alpha is 0, ridge regression otherwise.
    """
    return Learner("linear-regression", "regression", {"alpha": alpha, "fit_intercept": fit_intercept})


@component(id="decision-forest", category=CATEGORY, outputs={"model": UntrainedModel},
           schema=learner(), tags=("classification", "regression"))
def decision_forest(*, task: TASK,
                    n_estimators: Param(int, 100, min=1, max=10_000, description="Number of trees."),
                    max_depth: Param(int, 0, min=0, max=1000, description=MAX_DEPTH_HELP),
                    min_samples_leaf: Param(int, 1, min=1, description="Fewest training rows in a leaf."),
                    seed: SEED):
    """Decision forest (random forest): many decision trees that vote.

    Handles non-linear relations and needs no feature scaling; classification or regression.
    """
    return Learner("decision-forest", task, {"n_estimators": n_estimators, "max_depth": max_depth,
                                             "min_samples_leaf": min_samples_leaf, "seed": seed})


@component(id="boosted-decision-tree", category=CATEGORY, outputs={"model": UntrainedModel},
           schema=learner(), tags=("classification", "regression"))
def boosted_decision_tree(*, task: TASK,
                          learning_rate: Param(float, 0.1, min=1e-6, max=1.0,
                                               description="How much each new tree corrects the previous ones."),
                          n_estimators: Param(int, 100, min=1, max=10_000, description="Number of boosting rounds."),
                          max_depth: Param(int, 0, min=0, max=1000, description=MAX_DEPTH_HELP),
                          max_leaf_nodes: Param(int, 31, min=2, max=100_000, description="Most leaves per tree."),
                          min_samples_leaf: Param(int, 20, min=1, description="Fewest training rows in a leaf."),
                          l2_regularization: Param(float, 0.0, min=0.0, description="L2 penalty on leaf values."),
                          seed: SEED):
    """Boosted decision tree (histogram gradient boosting): trees trained in sequence, each fixing the last.

    Often the most accurate choice on tables; classification or regression.
    """
    return Learner("boosted-decision-tree", task,
                   {"learning_rate": learning_rate, "n_estimators": n_estimators, "max_depth": max_depth,
                    "max_leaf_nodes": max_leaf_nodes, "min_samples_leaf": min_samples_leaf,
                    "l2_regularization": l2_regularization, "seed": seed})


def parse_hidden_layers(text: str) -> list[int]:
    """"64,32" → [64, 32]; an empty text means no hidden layer (a linear model)."""
    sizes = []
    for part in str(text).replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 100_000:
            raise ComponentError(f"hidden_layers must be layer sizes separated by commas, like \"64,32\"; "
                                 f"{part!r} is not a whole number from 1 to 100000.")
        sizes.append(int(part))
    return sizes


@component(id="neural-network", category=CATEGORY, outputs={"model": UntrainedModel},
           schema=learner(), tags=("classification", "regression"))
def neural_network(*, task: TASK,
                   hidden_layers: Param(str, "64", description="Sizes of the hidden layers, comma separated, "
                                                                "e.g. \"64,32\"."),
                   activation: Param(str, "relu", choices=("relu", "tanh"), description="Hidden layer activation."),
                   epochs: Param(int, 50, min=1, max=100_000, description="Passes over the training rows."),
                   batch_size: Param(int, 32, min=1, max=1_000_000, description="Rows per optimisation step."),
                   learning_rate: Param(float, 0.001, min=1e-8, max=10.0, description="Optimiser step size."),
                   optimizer: Param(str, "adam", choices=("adam", "sgd"),
                                    description="Adam, or SGD with momentum 0.9."),
                   weight_decay: Param(float, 0.0, min=0.0, description="L2 penalty on the weights."),
                   validation_fraction: Param(float, 0.1, min=0.0, max=0.5,
                                              description="Share of training rows held out to report val_loss."),
                   patience: Param(int, 0, min=0, description="Stop after this many epochs without a better "
                                                               "validation loss (0 trains every epoch)."),
                   seed: SEED):
    """Neural network: a multilayer perceptron trained with PyTorch on the CPU.

    Inputs are standardised inside the network. Train Model reports loss (and accuracy)
    per epoch; the same seed gives the same network.
    """
    layers = parse_hidden_layers(hidden_layers)
    return Learner("neural-network", task,
                   {"hidden_layers": layers, "activation": activation, "epochs": epochs, "batch_size": batch_size,
                    "learning_rate": learning_rate, "optimizer": optimizer, "weight_decay": weight_decay,
                    "validation_fraction": validation_fraction, "patience": patience, "seed": seed})


@component(id="k-means", category=CATEGORY, outputs={"model": UntrainedModel},
           schema=learner("clustering"), tags=("clustering",))
def k_means(*, n_clusters: Param(int, 3, min=2, max=10_000, description="Number of clusters."),
            init: Param(str, "k-means++", choices=("k-means++", "random"), description="How centres start."),
            n_init: Param(int, 10, min=1, max=1000, description="Restarts; the best is kept."),
            max_iter: Param(int, 300, min=1, max=100_000, description="Most iterations per restart."),
            seed: SEED):
    """K-means clustering: groups rows into n_clusters around centres. Train it with an empty label column."""
    return Learner("k-means", "clustering",
                   {"n_clusters": n_clusters, "init": init, "n_init": n_init, "max_iter": max_iter, "seed": seed})
