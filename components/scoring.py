"""Score Model: appends a trained model's predictions to a table's rows."""

import pandas as pd

from components import ports
from components.context import RunContext
from components.models import TrainedModel
from components.spec import ComponentError, component


@component(id="score-model", category="Model Scoring and Evaluation",
           inputs={"dataset": ports.DataFrame, "trained_model": ports.TrainedModel},
           outputs={"scored_dataset": ports.DataFrame})
def score_model(dataset, trained_model, *, ctx: RunContext = None):
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
    ctx.progress(1.0, "scored")
    return scored
