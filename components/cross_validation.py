"""Cross Validate Model: k folds (stratified for classification), one model per fold, metrics per fold
with their mean and standard deviation, and every row scored by the model that did not see it."""
from __future__ import annotations

import numpy as np
import pandas as pd

from components import ports
from components.context import RunContext
from components.evaluation import evaluate
from components.models import Learner
from components.roles import Kind, Role
from components.scoring import scored_table
from components.spec import ComponentError, Param, component
from components.table_schema import Column, SchemaInputs
from components.training import fit_learner, resolve_label, trained_model_schema

FOLD_COLUMN = "Fold Assignments"
FOLD_NUMBER = "Fold Number"
MEAN, STD = "Mean", "Standard Deviation"


def fold_indices(labels: pd.Series, task: str, folds: int, seed: int) -> list[np.ndarray]:
    """The held-out row positions of each fold: scikit-learn's StratifiedKFold for classification, KFold
    otherwise, both shuffled with `seed`."""
    from sklearn.model_selection import KFold, StratifiedKFold

    positions = np.arange(len(labels))
    if task == "classification":
        smallest = int(labels.value_counts().min())
        if smallest < folds:
            raise ComponentError(f"The rarest class of '{labels.name}' has {smallest} row(s), fewer than the "
                                 f"{folds} folds; lower folds to {max(2, smallest)} or less.")
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        return [test for _, test in splitter.split(positions, labels.astype(str).to_numpy())]
    splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    return [test for _, test in splitter.split(positions)]


def _cross_validated_schema(s: SchemaInputs) -> dict:
    """Every row scored, after its fold number; the metrics per fold depend on what the data allows."""
    named, learner = s.column("label_column"), s.model("untrained_model")
    if learner is None or learner.task not in ("classification", "regression"):
        return {}
    scored = scored_table(s.table(), trained_model_schema(s.table(), learner, named))
    if scored is None:
        return {}
    return {"scored_results": scored.with_columns([Column(FOLD_COLUMN, "integer"),
                                                   *(c for c in scored.columns if c.name != FOLD_COLUMN)])}


@component(id="cross-validate-model", category="Model Training",
           inputs={"untrained_model": ports.UntrainedModel, "dataset": ports.DataFrame},
           outputs={"scored_results": ports.DataFrame, "evaluation_results_by_fold": ports.DataFrame},
           roles={Role.TRAINING_ONLY, Role.EVALUATES}, schema=_cross_validated_schema)
def cross_validate_model(untrained_model, dataset, *,
                         label_column: Param(str, "", kind=Kind.LABEL, description="The column to predict."),
                         folds: Param(int, 10, min=2, max=100, description="Number of folds."),
                         seed: Param(int, 0, min=0, description="Seeds how rows are dealt into folds."),
                         ctx: RunContext = None):
    """Cross validate a model: deal the rows into folds (keeping class proportions for classification),
    train on all folds but one and score the one left out, for each fold in turn. Shows how much the
    metrics vary with the data a model happens to see.
    """
    ctx = ctx or RunContext()
    if not isinstance(untrained_model, Learner):
        raise ComponentError("Connect an algorithm (such as Logistic Regression) to the untrained_model input.")
    if not isinstance(dataset, pd.DataFrame) or len(dataset) == 0:
        raise ComponentError("The dataset has no rows to cross validate on.")
    if untrained_model.task == "clustering":
        raise ComponentError("Cross Validate Model needs a classification or regression algorithm.")
    label = resolve_label(dataset, untrained_model, label_column)
    if len(dataset) < folds:
        raise ComponentError(f"{folds} folds need at least {folds} rows; the dataset has {len(dataset)}.")
    roles = ports.column_roles(dataset)
    held_out = fold_indices(dataset[label], untrained_model.task, folds, seed)
    scored_parts, per_fold = [], []
    for number, rows in enumerate(held_out):
        train_rows = np.setdiff1d(np.arange(len(dataset)), rows)
        training = ports.with_roles(dataset.iloc[train_rows], **roles)
        model = fit_learner(training, untrained_model, label, ctx, quiet=True)
        scored = model.score(dataset.iloc[rows])
        numbers = evaluate(scored, log=lambda text: None)["metrics"]
        per_fold.append({FOLD_NUMBER: str(number), "rows": len(rows), **numbers})
        scored.insert(0, FOLD_COLUMN, number)
        scored_parts.append(scored)
        ctx.progress((number + 1) / folds, f"fold {number + 1}/{folds}")
    table = pd.DataFrame(per_fold)
    metric_columns = [c for c in table.columns if c not in (FOLD_NUMBER, "rows")]
    summary = [{FOLD_NUMBER: MEAN, "rows": float(table["rows"].mean()), **table[metric_columns].mean().to_dict()},
               {FOLD_NUMBER: STD, "rows": float(table["rows"].std()), **table[metric_columns].std().to_dict()}]
    by_fold = pd.concat([table, pd.DataFrame(summary)], ignore_index=True)
    scored_results = pd.concat(scored_parts).loc[dataset.index]
    score_roles = ports.column_roles(scored_parts[0])
    ctx.metrics({f"mean_{k}": float(v) for k, v in summary[0].items() if k in metric_columns})
    return {"scored_results": ports.with_roles(scored_results, **score_roles), "evaluation_results_by_fold": by_fold}
