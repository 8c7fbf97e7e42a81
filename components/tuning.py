"""Tune Model Hyperparameters: trains one model per point of a search space and keeps the best (Azure ML's
component: an untrained model, training data, optional validation data; a results table and the best model)."""
from __future__ import annotations

import pandas as pd

from components import ports
from components._learner_tuning import (algorithm_spec, default_search_space, json_value, metric_goal,
                                        with_hyperparameters)
from components.context import RunContext
from components.evaluation import evaluate
from components.models import Learner
from components.roles import Kind, Role
from components.spec import ComponentError, Input, Param, component
from components.table_schema import SchemaInputs
from components.training import fit_learner, resolve_label, trained_model_schema

METRICS = ("accuracy", "precision", "recall", "f1", "auc", "log_loss", "mae", "mse", "rmse", "r2")
#: Without validation data, this share of the training rows (stratified for classification) scores each trial.
HOLDOUT = 0.25
MAX_GRID = 1000


def _tuned_schema(s: SchemaInputs) -> dict:
    """The best model is trained like train-model's; the sweep table's columns follow the metrics the data gives."""
    named = s.column("label_column", "training_dataset")
    if named and s.table("validation_dataset") is not None:
        s.column("label_column", "validation_dataset")
    return {"trained_best_model": trained_model_schema(s.table("training_dataset"), s.model("untrained_model"),
                                                       named)}


@component(id="tune-model-hyperparameters", category="Model Training",
           inputs={"untrained_model": ports.UntrainedModel, "training_dataset": ports.DataFrame,
                   "validation_dataset": Input(ports.DataFrame, optional=True,
                                               description="Rows to score each trial on; without them a "
                                                           "quarter of the training rows is held out.")},
           outputs={"sweep_results": ports.DataFrame, "trained_best_model": ports.TrainedModel},
           roles={Role.TRAINING_ONLY}, schema=_tuned_schema)
def tune_model_hyperparameters(
        untrained_model, training_dataset, validation_dataset=None, *,
        label_column: Param(str, "", kind=Kind.LABEL, description="The column to predict."),
        search_space: Param(str, "", widget="text",
                            description="Hyperparameters and their ranges in Azure ML's vocabulary, e.g. "
                                        "\"C=loguniform(0.001,100); max_iter=choice(100,1000)\". Empty: a small "
                                        "range around each numeric setting of the algorithm."),
        sampling: Param(str, "random sweep", choices=("random sweep", "entire grid"),
                        description="Random sweep tries max_trials random points; entire grid tries every "
                                    "combination (choice and quniform ranges only)."),
        max_trials: Param(int, 5, min=1, max=1000, description="Trials of a random sweep."),
        metric: Param(str, "accuracy", choices=METRICS,
                      description="What ranks the trials (losses and errors lower, the rest higher is better); "
                                  "accuracy means r2 for a regression model."),
        seed: Param(int, 0, min=0, description="Seeds the sampler and the held-out rows."),
        ctx: RunContext = None):
    """Tune model hyperparameters: train the algorithm with each combination the search space gives,
    score it on the validation rows, and return every trial's metrics with the best model, retrained on
    all the training rows.
    """
    from components.search_space import SearchSpaceError, grid_size, parse_search_space
    from components.trial_sampling import TrialSampler

    ctx = ctx or RunContext()
    if not isinstance(untrained_model, Learner):
        raise ComponentError("Connect an algorithm (such as Logistic Regression) to the untrained_model input.")
    if untrained_model.task == "clustering":
        raise ComponentError("Tune Model Hyperparameters needs a classification or regression algorithm.")
    if untrained_model.task == "regression" and metric in ("accuracy", "precision", "recall", "f1", "auc",
                                                           "log_loss"):
        metric = "r2" if metric == "accuracy" else metric
        if metric != "r2":
            raise ComponentError(f"{metric} measures classification; for a regression model use mae, mse, "
                                 "rmse or r2.")
    grid = sampling == "entire grid"
    text = (search_space or "").strip()
    if not text:
        spec = algorithm_spec(untrained_model)
        space = default_search_space(spec, untrained_model.hyperparameters, grid=grid) if spec else {}
        if not space:
            raise ComponentError(f"{untrained_model.algorithm} has no numeric setting to tune by default; "
                                 "write a search_space.")
        text = "; ".join(f"{k}={v}" for k, v in space.items())
    try:
        dimensions = parse_search_space(text)
        sampler = TrialSampler(dimensions, "grid" if grid else "random", metric_goal(metric), seed)
    except SearchSpaceError as error:
        raise ComponentError(f"search_space: {error}") from None
    trials = grid_size(dimensions) if grid else max_trials
    if trials > MAX_GRID:
        raise ComponentError(f"the entire grid has {trials} combinations, more than {MAX_GRID}; use fewer "
                             "choices or a random sweep.")
    label = resolve_label(training_dataset, untrained_model, label_column)
    fit_rows, score_rows = _rows_to_score(training_dataset, validation_dataset, label, untrained_model, seed)
    ctx.log(f"tuning {untrained_model.algorithm}: {trials} trials over {', '.join(dimensions)}, ranked by {metric}")
    results, best = [], None
    goal = metric_goal(metric)
    for index in range(trials):
        suggestion = sampler.ask()
        learner = with_hyperparameters(untrained_model, suggestion.parameters)
        model = fit_learner(fit_rows, learner, label, ctx, quiet=True)
        numbers = evaluate(model.score(score_rows), log=lambda text: None)["metrics"]
        if metric not in numbers:
            raise ComponentError(f"the metric {metric} is not defined for this data (available: "
                                 f"{', '.join(sorted(numbers))}).")
        sampler.tell(suggestion.number, numbers[metric])
        results.append({"trial": index, **{k: json_value(v) for k, v in suggestion.parameters.items()},
                        **numbers})
        if best is None or (numbers[metric] > best[1] if goal == "maximize" else numbers[metric] < best[1]):
            best = (suggestion.parameters, numbers[metric])
        ctx.metrics({"trial": index, metric: numbers[metric]})
        ctx.progress(0.95 * (index + 1) / trials, f"trial {index + 1}/{trials}: {metric} {numbers[metric]:.4f}")
    ctx.log(f"best {metric} {best[1]:.4f} with {best[0]}; retraining on all {len(training_dataset)} rows")
    best_model = fit_learner(training_dataset, with_hyperparameters(untrained_model, best[0]), label, ctx,
                             quiet=True)
    table = pd.DataFrame(results).sort_values(metric, ascending=goal == "minimize", kind="stable")
    ctx.progress(1.0, "tuned")
    return {"sweep_results": table.reset_index(drop=True), "trained_best_model": best_model}


def _rows_to_score(training: pd.DataFrame, validation, label, learner: Learner, seed: int):
    if validation is not None:
        if label not in validation.columns:
            raise ComponentError(f"The validation dataset has no label column '{label}' to score the trials on.")
        return training, validation
    from sklearn.model_selection import train_test_split

    if len(training) < 8:
        raise ComponentError("Too few training rows to hold some out for scoring; connect a validation dataset.")
    stratify = training[label] if learner.task == "classification" else None
    try:
        fit_part, score_part = train_test_split(training, test_size=HOLDOUT, random_state=seed, stratify=stratify)
    except ValueError:  # a class too small to stratify: hold out at random
        fit_part, score_part = train_test_split(training, test_size=HOLDOUT, random_state=seed)
    return ports.with_roles(fit_part, **ports.column_roles(training)), score_part
