"""Azure's task-specific trainers: train-anomaly-detection-model, train-clustering-model and assign-data-to-clusters.

They fit the same `TrainedModel` train-model does (so score-model, endpoints and
batch graphs score them alike), with the task's own rules about labels.
"""
import pandas as pd

from components import ports
from components._features import is_text_column, missing_value_columns, prepared_features
from components.columns import parse_columns, require_columns
from components.context import RunContext
from components.models import ASSIGNMENTS, Learner, TrainedModel
from components.roles import Kind, Role
from components.scoring import scored_table
from components.spec import ComponentError, Param, component
from components.table_schema import ModelSchema, SchemaInputs
from components.training import feature_columns_for, trained_model_schema

CATEGORY = "Model Training"


def _fit(learner: Learner, dataset: pd.DataFrame, features: list[str], label: str | None, ctx) -> TrainedModel:
    if not isinstance(dataset, pd.DataFrame) or len(dataset) == 0:
        raise ComponentError("The dataset has no rows to train on.")
    declared = set(ports.column_roles(dataset).get("categorical") or ())
    categorical = [c for c in features if c in declared or is_text_column(dataset[c])]
    gaps = missing_value_columns(prepared_features(dataset, features, categorical))
    if gaps:
        described = ", ".join(f"'{c}' ({n} rows)" for c, n in gaps.items())
        raise ComponentError(f"Feature columns have missing values: {described}. Add Clean Missing Data first.")
    ctx.log(f"training {learner.algorithm} ({learner.task}) on {len(dataset)} rows, {len(features)} features")
    return TrainedModel.fit(learner, dataset, label_column=label, feature_columns=features,
                            categorical_columns=categorical, ctx=ctx, progress_span=(0.05, 0.99))


def _anomaly_schema(s: SchemaInputs) -> dict:
    return {"trained_model": trained_model_schema(s.table(), ModelSchema(task="anomaly"), s.column("label_column"))}


@component(id="train-anomaly-detection-model", category=CATEGORY,
           inputs={"untrained_model": ports.UntrainedModel, "dataset": ports.DataFrame},
           outputs={"trained_model": ports.TrainedModel}, roles={Role.TRAINING_ONLY}, tags=("anomaly",),
           schema=_anomaly_schema)
def train_anomaly_detection_model(untrained_model, dataset, *,
                                  label_column: Param(str, "", kind=Kind.LABEL,
                                                      description="A column telling known anomalies (kept for "
                                                                  "evaluation, never learned from); empty uses "
                                                                  "the label edit-metadata marked, if any."),
                                  ctx: RunContext = None):
    """Train an anomaly detector (such as pca-based-anomaly-detection) on rows that are mostly normal.

    Every column except the label is a feature. The label is not used to fit;
    score-model then adds `Scored Labels` and `Scored Probabilities`, which
    evaluate-model compares with the label (1 anomaly, 0 normal).
    """
    ctx = ctx or RunContext()
    if not isinstance(untrained_model, Learner) or untrained_model.task != "anomaly":
        raise ComponentError("Connect an anomaly detection algorithm (such as PCA-Based Anomaly Detection) to "
                             "the untrained_model input.")
    label = label_column.strip() or ports.column_roles(dataset).get("label")
    if label:
        require_columns(dataset, [label])
    return _fit(untrained_model, dataset, feature_columns_for(dataset, label), label, ctx)


def _clustering_schema(s: SchemaInputs) -> dict:
    names = s.columns("column_set")
    model = trained_model_schema(s.table(), ModelSchema(task="clustering"), "", features=names or None)
    return {"trained_model": model,
            "results_dataset": _assigned_table(s, model)}


def _assigned_table(s: SchemaInputs, model: ModelSchema | None):
    if model is None or model.task != "clustering":
        return None
    scored = scored_table(s.table(), model)
    if scored is None or s.params.get("check_for_append_or_uncheck_for_result_only", True):
        return scored
    return scored.keeping([ASSIGNMENTS])


@component(id="train-clustering-model", category=CATEGORY,
           inputs={"untrained_model": ports.UntrainedModel, "dataset": ports.DataFrame},
           outputs={"trained_model": ports.TrainedModel, "results_dataset": ports.DataFrame},
           roles={Role.TRAINING_ONLY}, tags=("clustering",), schema=_clustering_schema)
def train_clustering_model(untrained_model, dataset, *,
                           column_set: Param(str, "", kind=Kind.COLUMNS,
                                             description="Columns the clusters are built from, comma separated; "
                                                         "empty means every column (or the features "
                                                         "edit-metadata marked)."),
                           check_for_append_or_uncheck_for_result_only: Param(
                               bool, True, description="results_dataset keeps every input column next to "
                                                       "Assignments; off gives Assignments only."),
                           ctx: RunContext = None):
    """Train a clustering model (such as k-means) and assign the training rows to its clusters.

    `results_dataset` is the training rows with an `Assignments` column, exactly
    what assign-data-to-clusters gives for the same rows.
    """
    ctx = ctx or RunContext()
    if not isinstance(untrained_model, Learner) or untrained_model.task != "clustering":
        raise ComponentError("Connect a clustering algorithm (such as K-Means) to the untrained_model input.")
    names = parse_columns(column_set)
    if names:
        require_columns(dataset, names)
    features = names or feature_columns_for(dataset, None)
    model = _fit(untrained_model, dataset, features, None, ctx)
    return model, _assigned(model, dataset, check_for_append_or_uncheck_for_result_only)


def _assigned(model: TrainedModel, dataset: pd.DataFrame, append: bool) -> pd.DataFrame:
    scored = model.score(dataset)
    if append:
        return scored
    return ports.with_roles(scored[[ASSIGNMENTS]].copy(), **ports.column_roles(scored))


@component(id="assign-data-to-clusters", category="Model Scoring and Evaluation",
           inputs={"trained_model": ports.TrainedModel, "dataset": ports.DataFrame},
           outputs={"results_dataset": ports.DataFrame}, roles={Role.SCORER}, tags=("clustering",),
           schema=lambda s: {"results_dataset": _assigned_table(s, s.model("trained_model"))})
def assign_data_to_clusters(trained_model, dataset, *,
                            check_for_append_or_uncheck_for_result_only: Param(
                                bool, True, description="Keep every input column next to Assignments; off "
                                                        "gives Assignments only.")):
    """Assign rows to the clusters of a trained clustering model: adds an `Assignments` column (0, 1, ...)."""
    if not isinstance(trained_model, TrainedModel) or trained_model.task != "clustering":
        raise ComponentError("Connect a trained clustering model (from Train Clustering Model) to trained_model.")
    return _assigned(trained_model, dataset, check_for_append_or_uncheck_for_result_only)
