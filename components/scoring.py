"""Score Model: appends a trained model's predictions to a table's rows."""

import pandas as pd

from components import ports
from components.context import RunContext
from components.models import (ANOMALY_PROBABILITY, ASSIGNMENTS, SCORED_LABELS, TrainedModel, is_scored_column,
                               probability_column)
from components.roles import Role
from components.spec import ComponentError, Param, component
from components.table_schema import Column, ModelSchema, SchemaInputs, TableSchema


def _scored_schema(s: SchemaInputs) -> dict:
    return {"scored_dataset": scored_table(s.table(), s.model("trained_model"),
                                           bool(s.params.get("append_score_columns", True)))}


def scored_table(table: TableSchema | None, model: ModelSchema | None, append: bool = True) -> TableSchema | None:
    """The columns `TrainedModel.score` gives for `table`: its own (earlier scores dropped) and the scores."""
    if table is None or model is None or model.task is None:
        return None
    if model.task == "clustering":
        added = [Column(ASSIGNMENTS, "integer")]
    elif model.task == "regression":
        added = [Column(SCORED_LABELS, "number")] + [Column(name, "number") for name in model.extra_scores]
    elif model.task == "anomaly":
        added = [Column(SCORED_LABELS, "integer"), Column(ANOMALY_PROBABILITY, "number")]
    elif model.classes is None:
        return None  # the probability columns are named after classes only the data knows
    else:
        added = [Column(SCORED_LABELS, model.label_type, model.classes)]
        added += [Column(probability_column(c), "number") for c in model.classes]
    kept = [c for c in table.columns if not is_scored_column(c.name)]
    if not append:
        kept = [c for c in kept if c.name == model.label]
    label = model.label if any(c.name == model.label for c in kept) else table.label
    return table.with_columns(kept + added, label=label)


@component(id="score-model", category="Model Scoring and Evaluation",
           inputs={"dataset": ports.DataFrame, "trained_model": ports.TrainedModel},
           outputs={"scored_dataset": ports.DataFrame}, roles={Role.SCORER}, schema=_scored_schema)
def score_model(dataset, trained_model, *,
                append_score_columns: Param(bool, True, description=(
                    "Keep every input column next to the scores. Off: only the label column "
                    "(when present, so the scores can still be evaluated) and the score columns.")) = True,
                ctx: RunContext = None):
    """Score a dataset: every input row with the model's predictions appended.

    Classifiers add `Scored Labels` and one `Scored Probabilities_<class>` column per
    class; regressors add `Scored Labels`; clustering adds `Assignments`. The label
    column may be absent (scoring new data).
    """
    ctx = ctx or RunContext()
    if not isinstance(trained_model, TrainedModel):
        raise ComponentError("Connect a trained model (the output of Train Model) to the trained_model input.")
    if not isinstance(dataset, pd.DataFrame):
        raise ComponentError("Connect a table of rows to the dataset input.")
    ctx.progress(0.1, f"scoring {len(dataset)} rows")
    scored = trained_model.score(dataset)
    if not append_score_columns:
        keep = [c for c in scored.columns
                if c not in dataset.columns or c == trained_model.label_column]
        roles = ports.column_roles(scored)
        scored = ports.with_roles(scored[keep].copy(), **roles)
    ctx.progress(1.0, "scored")
    return scored
