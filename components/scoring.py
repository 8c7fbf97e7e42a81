"""Score Model: appends a trained model's predictions to a table's rows."""

import pandas as pd

from components import ports
from components.context import RunContext
from components.models import TrainedModel
from components.roles import Role
from components.spec import ComponentError, Param, component


@component(id="score-model", category="Model Scoring and Evaluation",
           inputs={"dataset": ports.DataFrame, "trained_model": ports.TrainedModel},
           outputs={"scored_dataset": ports.DataFrame}, roles={Role.SCORER})
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
