"""Train Model: fits an untrained model on a table, after checking the table can train it."""

import pandas as pd

from components import ports
from components.context import RunContext
from components._features import is_text_column, missing_value_columns, prepared_features
from components.models import Learner, TrainedModel, sorted_classes
from components.roles import Kind, Role
from components.spec import ComponentError, Param, component
from components.table_schema import ModelSchema, SchemaInputs, TableSchema

#: A float label with more distinct fractional values than this is taken as a quantity, not classes.
CONTINUOUS_CLASSES = 20


def resolve_label(dataset: pd.DataFrame, learner: Learner, label_column: str) -> str | None:
    """The label column to train on: the parameter, else the one Edit Metadata marked, else none (clustering)."""
    label = (label_column or "").strip() or ports.column_roles(dataset).get("label")
    columns = [str(c) for c in dataset.columns]
    if not label:
        if learner.task == "clustering":
            return None
        raise ComponentError(f"Set label_column to the column {learner.algorithm} should learn to predict "
                             f"(available columns: {columns}).")
    if label not in dataset.columns:
        raise ComponentError(f"The label column '{label}' is not in the dataset; available columns: {columns}.")
    return label


def feature_columns_for(dataset: pd.DataFrame, label: str | None) -> list[str]:
    """Every column but the label, or the features Edit Metadata chose."""
    chosen = ports.column_roles(dataset).get("features")
    candidates = chosen if chosen else list(dataset.columns)
    features = [str(c) for c in candidates if c != label and c in dataset.columns]
    if not features:
        raise ComponentError("There are no feature columns to train on: the table has only the label column.")
    return features


def check_label(dataset: pd.DataFrame, label: str, learner: Learner) -> None:
    values = dataset[label]
    missing = int(values.isna().sum())
    if missing:
        raise ComponentError(f"The label column '{label}' has {missing} missing value(s); remove those rows "
                             "with Clean Missing Data before training.")
    if learner.task == "classification":
        distinct = values.nunique()
        if distinct < 2:
            only = values.iloc[0] if len(values) else None
            raise ComponentError(f"The label column '{label}' has only one class ({only!r}); a classifier needs "
                                 "at least two. Check the split or the label column.")
        if (pd.api.types.is_float_dtype(values) and distinct > CONTINUOUS_CLASSES
                and (values % 1 != 0).any()):
            raise ComponentError(f"The label column '{label}' holds {distinct} different fractional numbers, so "
                                 f"it looks like a quantity to predict, not classes; use a regression algorithm "
                                 f"(or set task to regression).")
    elif learner.task == "regression":
        numbers = pd.to_numeric(values, errors="coerce") if is_text_column(values) else values
        if is_text_column(values) and numbers.isna().any():
            example = values[numbers.isna()].iloc[0]
            raise ComponentError(f"Regression needs a numeric label, but '{label}' holds text such as {example!r}; "
                                 "pick a numeric label or a classification algorithm.")


def _trained_schema(s: SchemaInputs) -> dict:
    named = s.column("label_column")
    return {"trained_model": trained_model_schema(s.table(), s.model("untrained_model"), named)}


def trained_model_schema(table: TableSchema | None, learner: ModelSchema | None, named_label: str,
                         features: list[str] | None = None) -> ModelSchema:
    """What a model trained on `table` will know: its task, label (the named one, else the marked one;
    none for clustering unless named), the label's classes and its feature columns (`features`, else every
    column but the label, or those Edit Metadata chose)."""
    task = learner.task if learner is not None else None
    extra = learner.extra_scores if learner is not None else ()
    if table is None:
        return ModelSchema(task=task, label=named_label or None, extra_scores=extra)
    label = named_label or table.label
    if task == "clustering" and not named_label:
        label = None
    column = table.column(label) if label else None
    classes = None
    if task == "classification" and column is not None and column.values is not None:
        classes = tuple(sorted_classes(pd.Series(list(column.values), dtype=object)))
    candidates = features or (table.features if table.features else table.names)
    chosen = tuple(c for c in candidates if c != label and table.column(c) is not None)
    return ModelSchema(task=task, label=label, classes=classes, features=chosen,
                       label_type=column.type if column is not None else "unknown", extra_scores=extra)


@component(id="train-model", category="Model Training",
           inputs={"dataset": ports.DataFrame, "untrained_model": ports.UntrainedModel},
           outputs={"trained_model": ports.TrainedModel}, roles={Role.TRAINING_ONLY}, schema=_trained_schema)
def train_model(dataset, untrained_model, *,
                label_column: Param(str, "", kind=Kind.LABEL,
                                    description="The column to predict; leave empty for k-means "
                                                "(or to use the label Edit Metadata marked)."),
                ctx: RunContext = None):
    """Train a model: fits the connected algorithm on the dataset's rows.

    Features are every other column (or those Edit Metadata marked); text columns are
    one-hot encoded inside the model, so scoring takes raw rows.
    """
    ctx = ctx or RunContext()
    if isinstance(untrained_model, Learner) and untrained_model.task == "anomaly":
        raise ComponentError(f"{untrained_model.algorithm} is an anomaly detector: train it with Train Anomaly "
                             f"Detection Model instead of Train Model.")
    model = fit_learner(dataset, untrained_model, label_column, ctx)
    ctx.progress(1.0, "trained")
    return model


def fit_learner(dataset, learner, label_column: str, ctx: RunContext, progress_span=(0.05, 0.99),
                quiet: bool = False) -> TrainedModel:
    """Check the table can train `learner` (label, features, gaps), then fit it: Train Model's work,
    shared by the components that train many models (tuning, cross-validation)."""
    if not isinstance(learner, Learner):
        raise ComponentError("Connect an algorithm (such as Logistic Regression) to the untrained_model input.")
    if not isinstance(dataset, pd.DataFrame) or len(dataset) == 0:
        raise ComponentError("The dataset has no rows to train on.")
    label = resolve_label(dataset, learner, label_column)
    features = feature_columns_for(dataset, label)
    declared = set(ports.column_roles(dataset).get("categorical") or ())
    categorical = [c for c in features if c in declared or is_text_column(dataset[c])]
    if not quiet:
        ctx.progress(0.02, "checking the training data")
    gaps = missing_value_columns(prepared_features(dataset, features, categorical))
    if gaps:
        described = ", ".join(f"'{c}' ({n} rows)" for c, n in gaps.items())
        raise ComponentError(f"Feature columns have missing values: {described}. Add Clean Missing Data "
                             "before Train Model (or leave those columns out).")
    if label is not None:
        check_label(dataset, label, learner)
    if not quiet:
        ctx.log(f"training {learner.algorithm} ({learner.task}) on {len(dataset)} rows, "
                f"{len(features)} features" + (f", label '{label}'" if label else ""))
        ctx.progress(progress_span[0], f"fitting {learner.algorithm}")
    return TrainedModel.fit(learner, dataset, label_column=label, feature_columns=features,
                            categorical_columns=categorical, ctx=None if quiet else ctx,
                            progress_span=progress_span)
