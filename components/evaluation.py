"""Evaluate Model: turns a scored table into metrics and chart data (every number from sklearn.metrics)."""

import math
from typing import Any

import numpy as np
import pandas as pd

from components import ports
from components.context import RunContext
from components.models import ASSIGNMENTS, SCORED_LABELS, SCORED_PROBABILITIES, is_scored_column, probability_column
from components.roles import Role
from components.spec import ComponentError, Input, component

MAX_ROC_POINTS = 200
MAX_RESIDUAL_POINTS = 1000
SILHOUETTE_SAMPLE = 5000


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _finite_numbers(values: dict) -> dict:
    """Metrics are numbers only: drop anything sklearn could not define (NaN) for this data."""
    out = {}
    for key, value in values.items():
        value = _plain(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            out[key] = value
    return out


def _evenly_spaced(length: int, limit: int) -> np.ndarray:
    if length <= limit:
        return np.arange(length)
    return np.unique(np.linspace(0, length - 1, limit).round().astype(int))


def _roc(y_positive: np.ndarray, scores: np.ndarray) -> dict | None:
    from sklearn.metrics import auc, roc_curve

    if y_positive.all() or not y_positive.any():
        return None  # a curve needs both positive and negative rows
    fpr, tpr, _ = roc_curve(y_positive, scores)
    keep = _evenly_spaced(len(fpr), MAX_ROC_POINTS)
    return {"fpr": fpr[keep].tolist(), "tpr": tpr[keep].tolist(), "auc": float(auc(fpr, tpr))}


# ---------------------------------------------------------------- what was scored

def scored_task(frame: pd.DataFrame) -> tuple[str, str | None, list | None]:
    """(task, label column, classes) from the roles Score Model set, else guessed from the scored columns."""
    score = ports.column_roles(frame).get("score") or {}
    label = score.get("label") or ports.column_roles(frame).get("label")
    if score.get("task"):
        return score["task"], label, score.get("classes")
    if ASSIGNMENTS in frame.columns:
        return "clustering", label, None
    if SCORED_LABELS not in frame.columns:
        raise ComponentError("This table has not been scored: connect the output of Score Model "
                             f"(it needs a '{SCORED_LABELS}' or '{ASSIGNMENTS}' column).")
    has_probabilities = any(str(c).startswith(SCORED_PROBABILITIES) for c in frame.columns)
    if has_probabilities or not pd.api.types.is_float_dtype(frame[SCORED_LABELS]):
        return "classification", label, None
    return "regression", label, None


def _true_label(frame: pd.DataFrame, label: str | None, task: str) -> pd.Series:
    if not label:
        raise ComponentError(f"Evaluating {task} needs the true labels, but the scored table does not say which "
                             "column holds them; set label_column in Train Model or mark it with Edit Metadata.")
    if label not in frame.columns:
        raise ComponentError(f"The label column '{label}' is not in the scored table, so there is nothing to "
                             "compare the predictions with; score a dataset that includes it.")
    return frame[label]


# ---------------------------------------------------------------- per task

def _as_classes(values: pd.Series, classes: list) -> list:
    """Label values as the model's class values (so 1 and "1" or 1.0 meet), unknown ones kept as they are."""
    known = set(classes)
    by_text = {str(c): c for c in classes}
    return [_plain(v) if _plain(v) in known else by_text.get(str(_plain(v)), _plain(v)) for v in values.tolist()]


def _label_arrays(truth: list, predicted: list, classes: list) -> tuple[np.ndarray, np.ndarray, list]:
    """Arrays sklearn reads as class labels: numbers as a numeric array, anything else (or a mix) as text."""
    values = set(truth) | set(predicted) | set(classes)
    if all(isinstance(v, (int, float, np.number)) for v in values):
        return np.asarray(truth), np.asarray(predicted), classes
    if all(isinstance(v, str) for v in values):
        return np.asarray(truth, dtype=object), np.asarray(predicted, dtype=object), classes
    text = [str(v) for v in truth], [str(v) for v in predicted]
    return np.asarray(text[0], dtype=object), np.asarray(text[1], dtype=object), [str(c) for c in classes]


def classification_metrics(frame: pd.DataFrame, label: str | None, classes: list | None, log=print) -> dict:
    from sklearn import metrics as skm

    truth = _true_label(frame, label, "classification")
    rows = truth.notna().to_numpy()
    if not rows.all():
        log(f"{int((~rows).sum())} rows without a true label were left out")
    frame = frame[rows]
    if classes is None:
        candidates = [str(c)[len(SCORED_PROBABILITIES):] for c in frame.columns
                      if str(c).startswith(SCORED_PROBABILITIES)]
        present = pd.concat([frame[label], frame[SCORED_LABELS]]).dropna().unique().tolist()
        classes = candidates or present
        try:
            classes = sorted(classes)
        except TypeError:
            classes = sorted(classes, key=str)
    classes = [_plain(c) for c in classes]
    probability_columns = [probability_column(c) for c in classes]
    y_true, y_pred, classes = _label_arrays(_as_classes(frame[label], classes),
                                            _as_classes(frame[SCORED_LABELS], classes), classes)
    labels = list(classes) + sorted({_plain(v) for v in y_true if v not in set(classes)}, key=str)
    binary = len(labels) == 2
    positive = labels[1] if binary else None
    average = {"average": "binary", "pos_label": positive} if binary else {"average": "macro", "labels": labels}
    numbers = {
        "accuracy": skm.accuracy_score(y_true, y_pred),
        "precision": skm.precision_score(y_true, y_pred, zero_division=0, **average),
        "recall": skm.recall_score(y_true, y_pred, zero_division=0, **average),
        "f1": skm.f1_score(y_true, y_pred, zero_division=0, **average),
    }
    precision, recall, f1, support = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                                         zero_division=0)
    charts: dict[str, Any] = {
        "confusion_matrix": {"labels": labels,
                             "matrix": skm.confusion_matrix(y_true, y_pred, labels=labels).tolist()},
        "per_class": [{"label": cls, "precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
                      for cls, p, r, f, s in zip(labels, precision, recall, f1, support)],
    }
    if all(c in frame.columns for c in probability_columns) and len(frame):
        if labels != classes:
            log("some true labels were never seen in training, so probability metrics (log_loss, auc) are left out")
        else:
            probabilities = frame[probability_columns].to_numpy(np.float64)
            numbers["log_loss"] = skm.log_loss(y_true, probabilities, labels=classes)
            if binary:
                roc = _roc(y_true == positive, probabilities[:, 1])
                if roc:
                    numbers["auc"] = skm.roc_auc_score(y_true == positive, probabilities[:, 1])
                    charts["roc"] = roc
            else:
                per_class = {str(cls): _roc(y_true == cls, probabilities[:, i]) for i, cls in enumerate(classes)}
                if all(per_class.values()):
                    numbers["auc"] = skm.roc_auc_score(y_true, probabilities, multi_class="ovr",
                                                       average="macro", labels=classes)
                charts["roc"] = {"per_class": {k: v for k, v in per_class.items() if v}}
                if "auc" in numbers:
                    charts["roc"]["auc"] = float(numbers["auc"])
                for k in (3, 5):
                    if len(classes) > k:
                        numbers[f"top_{k}_accuracy"] = skm.top_k_accuracy_score(y_true, probabilities, k=k,
                                                                                labels=classes)
    return {"task": "classification", "metrics": _finite_numbers(numbers), "charts": charts}


def regression_metrics(frame: pd.DataFrame, label: str | None, log=print) -> dict:
    from sklearn import metrics as skm

    truth = pd.to_numeric(_true_label(frame, label, "regression"), errors="coerce")
    predicted = pd.to_numeric(frame[SCORED_LABELS], errors="coerce")
    rows = (truth.notna() & predicted.notna()).to_numpy()
    if not rows.all():
        log(f"{int((~rows).sum())} rows without a numeric label or prediction were left out")
    actual, predicted = truth.to_numpy(np.float64)[rows], predicted.to_numpy(np.float64)[rows]
    if len(actual) == 0:
        raise ComponentError(f"No rows have both a numeric '{label}' and a prediction to compare.")
    numbers = {
        "mae": skm.mean_absolute_error(actual, predicted),
        "mse": skm.mean_squared_error(actual, predicted),
        "rmse": skm.root_mean_squared_error(actual, predicted),
    }
    if len(actual) > 1:
        numbers["r2"] = skm.r2_score(actual, predicted)
    keep = _evenly_spaced(len(actual), MAX_RESIDUAL_POINTS)
    charts = {"residuals": {"actual": actual[keep].tolist(), "predicted": predicted[keep].tolist()}}
    return {"task": "regression", "metrics": _finite_numbers(numbers), "charts": charts}


def clustering_metrics(frame: pd.DataFrame, label: str | None, log=print) -> dict:
    from sklearn import metrics as skm

    score = ports.column_roles(frame).get("score") or {}
    candidates = score.get("features") or [c for c in frame.columns if not is_scored_column(c) and c != label]
    columns = [c for c in candidates if c in frame.columns and pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    assignments = frame[ASSIGNMENTS].to_numpy()
    numbers: dict[str, Any] = {"n_clusters": int(pd.Series(assignments).nunique())}
    charts: dict[str, Any] = {"cluster_sizes": {str(_plain(k)): int(v) for k, v in
                                                pd.Series(assignments).value_counts().sort_index().items()}}
    if not columns:
        log("no numeric feature columns: inertia and silhouette are left out")
        return {"task": "clustering", "metrics": numbers, "charts": charts}
    points = frame[columns].to_numpy(np.float64)
    rows = np.isfinite(points).all(axis=1)
    points, assignments = points[rows], assignments[rows]
    inertia = 0.0
    for cluster in np.unique(assignments):
        members = points[assignments == cluster]
        inertia += float(((members - members.mean(axis=0)) ** 2).sum())
    numbers["inertia"] = inertia
    distinct = len(np.unique(assignments))
    if 2 <= distinct <= len(points) - 1:
        sample = SILHOUETTE_SAMPLE if len(points) > SILHOUETTE_SAMPLE else None
        numbers["silhouette"] = skm.silhouette_score(points, assignments, sample_size=sample, random_state=0)
    return {"task": "clustering", "metrics": _finite_numbers(numbers), "charts": charts}


def evaluate(frame: pd.DataFrame, log=print) -> dict:
    """The Metrics value for one scored table: {"task", "metrics", "charts"}."""
    if not isinstance(frame, pd.DataFrame):
        raise ComponentError("Connect the output of Score Model to evaluate it.")
    import sklearn

    task, label, classes = scored_task(frame)
    evaluators = {"classification": lambda: classification_metrics(frame, label, classes, log),
                  "regression": lambda: regression_metrics(frame, label, log),
                  "clustering": lambda: clustering_metrics(frame, label, log)}
    if task not in evaluators:
        raise ComponentError(f"Cannot evaluate a model for task {task!r}.")
    # The arrays are built here from a checked table; re-validating them in every metric
    # call costs more than computing the metrics themselves on small tables.
    with sklearn.config_context(skip_parameter_validation=True):
        return evaluators[task]()


@component(id="evaluate-model", category="Model Scoring and Evaluation",
           inputs={"scored_dataset": ports.DataFrame,
                   "scored_dataset_to_compare": Input(ports.DataFrame, optional=True,
                                                      description="A second scored table, e.g. another model's.")},
           outputs={"metrics": ports.Metrics}, roles={Role.TRAINING_ONLY, Role.EVALUATES})
def evaluate_model(scored_dataset, scored_dataset_to_compare=None, *, ctx: RunContext = None):
    """Evaluate a scored dataset: accuracy, AUC, confusion matrix (classification); MAE, RMSE, R²
    (regression); inertia and silhouette (clustering). Connect a second scored dataset to compare two models.
    """
    ctx = ctx or RunContext()
    ctx.progress(0.1, "computing metrics")
    result = evaluate(scored_dataset, log=ctx.log)
    if scored_dataset_to_compare is not None:
        result["compare"] = evaluate(scored_dataset_to_compare, log=ctx.log)
    ctx.metrics(result["metrics"])
    ctx.progress(1.0, "evaluated")
    return result
