"""Feature Selection: score columns against the label and keep the best (filter-based), or measure how much a
trained model depends on each column (permutation feature importance)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from components import ports
from components.columns import quoted, require_columns
from components.fitted_prep import ColumnSelection
from components.prep_schemas import selected
from components.models import TrainedModel
from components.ports import DataFrame, Transformation
from components.roles import Kind, Role
from components.spec import ComponentError, Param, component
from components.table_schema import Column, SchemaInputs, TableSchema, TransformSchema

CATEGORY = "Feature Selection"
METHODS = ("pearson-correlation", "spearman-correlation", "kendall-correlation", "chi-squared",
           "mutual-information", "fisher-score")


def _codes(series: pd.Series) -> np.ndarray:
    """A label as numbers: numbers as they are, anything else as category codes in sorted order."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype("float64").to_numpy()
    return pd.Categorical(series).codes.astype("float64")


def feature_scores(x: pd.DataFrame, y: pd.Series, method: str, seed: int = 0) -> pd.Series:
    """One score per column of `x` against `y` (higher is more useful), from scipy / scikit-learn."""
    from scipy import stats

    target = _codes(y)
    matrix = x.astype("float64").to_numpy()
    if method in ("pearson-correlation", "spearman-correlation", "kendall-correlation"):
        test = {"pearson-correlation": stats.pearsonr, "spearman-correlation": stats.spearmanr,
                "kendall-correlation": stats.kendalltau}[method]
        with np.errstate(all="ignore"):
            values = [abs(test(matrix[:, i], target)[0]) if np.ptp(matrix[:, i]) > 0 else 0.0
                      for i in range(matrix.shape[1])]
        return pd.Series(np.nan_to_num(values), index=x.columns)
    if method == "chi-squared":
        from sklearn.feature_selection import chi2

        negative = [c for c in x.columns if (x[c] < 0).any()]
        if negative:
            raise ComponentError(f"chi-squared needs non-negative features; {quoted(negative)} hold negative "
                                 f"values (bin them with group-data-into-bins, or pick another method)")
        return pd.Series(np.nan_to_num(chi2(matrix, target)[0]), index=x.columns)
    if method == "mutual-information":
        from sklearn.feature_selection import mutual_info_classif, mutual_info_regression

        classes = not (pd.api.types.is_float_dtype(y) and y.nunique() > 20)
        scorer = mutual_info_classif if classes else mutual_info_regression
        return pd.Series(scorer(matrix, target, random_state=seed), index=x.columns)
    return pd.Series(fisher_scores(matrix, target), index=x.columns)


def fisher_scores(matrix: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Fisher score per column: Σ n_k (μ_k − μ)² / Σ n_k σ_k² over the classes k (0 for a 0 denominator)."""
    overall = matrix.mean(axis=0)
    between = np.zeros(matrix.shape[1])
    within = np.zeros(matrix.shape[1])
    for value in np.unique(classes):
        rows = matrix[classes == value]
        between += len(rows) * (rows.mean(axis=0) - overall) ** 2
        within += len(rows) * rows.var(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(within > 0, between / np.where(within > 0, within, 1), 0.0)


def _filtered_schema(s: SchemaInputs) -> dict:
    """Which columns survive is known before a run only when every scored column is kept."""
    label, table = s.label("target_column"), s.table()
    if table is None:
        return {}
    candidates = (table.features or table.names) if s.params.get("operate_on_feature_columns_only", True) \
        else table.names
    scored = [table.column(c) for c in candidates if c != label and table.column(c) is not None]
    if table.column(label) is None or any(c.type == "unknown" for c in scored):
        return {}
    numeric = {c.name for c in scored if c.type in ("number", "integer", "boolean")}
    if not numeric or len(numeric) > s.params.get("number_of_desired_features", 1):
        return {}  # the top-scoring columns (and the features table's order) depend on the values
    apply = selected({"columns": [c for c in table.names if c in numeric or c == label or c not in candidates]})
    return {"filtered_dataset": apply(table),
            "feature_selection_transformation": TransformSchema("column-selection", apply)}


@component(id="filter-based-feature-selection", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"filtered_dataset": DataFrame, "features": DataFrame,
                    "feature_selection_transformation": Transformation}, schema=_filtered_schema)
def filter_based_feature_selection(dataset, *,
                                   feature_scoring_method: Param(str, "pearson-correlation", choices=METHODS,
                                                                 description="How a column is scored against the "
                                                                             "label."),
                                   target_column: Param(str, "", kind=Kind.LABEL,
                                                        description="The label; empty uses the one edit-metadata "
                                                                    "marked."),
                                   number_of_desired_features: Param(int, 1, min=1, max=100_000,
                                                                     description="How many top-scoring columns "
                                                                                 "to keep."),
                                   operate_on_feature_columns_only: Param(bool, True,
                                                                          description="Score only the feature "
                                                                                      "columns (all number "
                                                                                      "columns but the label)."),
                                   random_seed: Param(int, 0, min=0, description="Seed for mutual information.")):
    """Keep the columns most related to the label: score each number column, keep the top N and the label.

    Pearson, Spearman and Kendall use the absolute correlation (scipy); chi-squared
    and mutual information are scikit-learn's (chi2, mutual_info_classif /
    _regression); the Fisher score is between-class over within-class variance.
    `features` lists every scored column with its score, best first;
    `feature_selection_transformation` keeps the same columns in new data.
    """
    label = target_column.strip() or ports.column_roles(dataset).get("label")
    if not label:
        raise ComponentError("set target_column to the label the features are scored against")
    require_columns(dataset, [label])
    roles = ports.column_roles(dataset)
    candidates = (roles.get("features") or list(dataset.columns)) if operate_on_feature_columns_only \
        else list(dataset.columns)
    numeric = [c for c in candidates if c != label and pd.api.types.is_numeric_dtype(dataset[c])]
    if not numeric:
        raise ComponentError("there are no number columns to score; convert text columns first")
    if dataset[numeric + [label]].isna().any().any():
        raise ComponentError("feature selection cannot score columns with missing values; add clean-missing-data")
    scores = feature_scores(dataset[numeric], dataset[label], feature_scoring_method, random_seed)
    ranked = scores.sort_values(ascending=False, kind="stable")
    kept = set(ranked.index[:number_of_desired_features])
    columns = [c for c in dataset.columns if c in kept or c == label or c not in numeric and c not in candidates]
    selection = ColumnSelection(columns).fitted_on(dataset)
    selection.label_column = label  # scoring rows come without it
    table = pd.DataFrame([ranked.to_numpy()], columns=list(ranked.index))
    return selection.apply(dataset), table, selection


CLASSIFICATION_METRICS = ("accuracy", "precision", "recall", "f1")
REGRESSION_METRICS = ("mean-absolute-error", "root-mean-squared-error", "r2")


def _scorer(task: str, metric: str):
    from sklearn import metrics as skm

    if task == "classification":
        if metric not in CLASSIFICATION_METRICS:
            raise ComponentError(f"{metric} is a regression metric; a classifier is measured by "
                                 f"{', '.join(CLASSIFICATION_METRICS)}")
        averaged = {"precision": skm.precision_score, "recall": skm.recall_score, "f1": skm.f1_score}
        if metric == "accuracy":
            return skm.accuracy_score
        return lambda t, p: averaged[metric](t, p, average="macro", zero_division=0)
    if metric not in REGRESSION_METRICS:
        raise ComponentError(f"{metric} is a classification metric; a regressor is measured by "
                             f"{', '.join(REGRESSION_METRICS)}")
    # Errors are negated so that, as for every score, a bigger drop means a more important feature.
    return {"mean-absolute-error": lambda t, p: -skm.mean_absolute_error(t, p),
            "root-mean-squared-error": lambda t, p: -skm.root_mean_squared_error(t, p),
            "r2": skm.r2_score}[metric]


def _importance_schema(s: SchemaInputs) -> dict:
    model = s.model("trained_model")
    if model is not None and model.task not in (None, "classification", "regression"):
        return {}
    return {"feature_importance": TableSchema((Column("Feature", "text"), Column("Score", "number"),
                                               Column("Standard Deviation", "number")))}


@component(id="permutation-feature-importance", category=CATEGORY,
           inputs={"trained_model": ports.TrainedModel, "test_data": DataFrame},
           outputs={"feature_importance": DataFrame}, roles={Role.TRAINING_ONLY}, schema=_importance_schema)
def permutation_feature_importance(trained_model, test_data, *,
                                   random_seed: Param(int, 0, min=0, description="Seed of the shuffles."),
                                   metric_for_measuring_performance: Param(
                                       str, "accuracy", choices=CLASSIFICATION_METRICS + REGRESSION_METRICS,
                                       description="How much worse the model gets when a column is shuffled."),
                                   number_of_repeats: Param(int, 5, min=1, max=1000,
                                                            description="Shuffles per column (averaged).")):
    """How much a trained model's score drops when one feature column is shuffled.

    scikit-learn's permutation_importance on the raw test rows, averaged over
    the repeats: one row per feature (`Feature`, `Score`, `Standard
    Deviation`), most important first. Errors count as negative scores, so a
    bigger drop always means a more important feature.
    """
    from sklearn.inspection import permutation_importance

    if not isinstance(trained_model, TrainedModel) or trained_model.task not in ("classification", "regression"):
        raise ComponentError("connect a trained classification or regression model to trained_model")
    label = trained_model.label_column
    require_columns(test_data, [*trained_model.feature_columns, label], where="the test data")
    metric = _scorer(trained_model.task, metric_for_measuring_performance)
    x = test_data[trained_model.feature_columns]
    truth = test_data[label]
    result = permutation_importance(_Scoring(trained_model), x, truth,
                                    scoring=lambda model, rows, y: metric(y, model.predict(rows)),
                                    n_repeats=number_of_repeats, random_state=random_seed)
    table = pd.DataFrame({"Feature": trained_model.feature_columns, "Score": result.importances_mean,
                          "Standard Deviation": result.importances_std})
    return table.sort_values("Score", ascending=False, kind="stable").reset_index(drop=True)


class _Scoring:
    """A trained model as the estimator permutation_importance shuffles columns for (it is already fitted)."""

    def __init__(self, model: TrainedModel):
        self.model = model

    def fit(self, *args):
        return self

    def predict(self, rows: pd.DataFrame):
        return self.model.predict(rows)
