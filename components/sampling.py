"""Row sampling for training: Partition and Sample (head, sampling, folds) and SMOTE oversampling."""
from __future__ import annotations

import numpy as np
import pandas as pd

from components._features import is_text_column
from components.columns import keep_roles, require_columns
from components.ports import DataFrame, column_roles
from components.roles import Kind, Role
from components.spec import ComponentError, Param, component
from components.table_schema import Column, SchemaInputs, with_column

CATEGORY = "Data Transformation"
#: The column assign-to-folds adds and pick-fold reads (1-based fold numbers).
FOLD_COLUMN = "Fold"


def _strata(dataset: pd.DataFrame, stratified: bool, column: str):
    if not stratified:
        return None
    if not column.strip():
        raise ComponentError("a stratified split needs stratification_key_column")
    require_columns(dataset, [column.strip()])
    return dataset[column.strip()]


def _sample(dataset, rate: float, seed: int, strata) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if strata is None:
        return np.sort(rng.choice(len(dataset), size=int(round(rate * len(dataset))), replace=False))
    picked = []
    for _, positions in pd.Series(np.arange(len(dataset))).groupby(strata.to_numpy(), sort=True):
        picked.append(rng.choice(positions.to_numpy(), size=int(round(rate * len(positions))), replace=False))
    return np.sort(np.concatenate(picked)) if picked else np.arange(0)


def _folds(dataset, folds: int, randomized: bool, seed: int, strata) -> np.ndarray:
    from sklearn.model_selection import KFold, StratifiedKFold

    if len(dataset) < folds:
        raise ComponentError(f"{len(dataset)} rows cannot be assigned to {folds} folds")
    positions = np.zeros(len(dataset), dtype=np.int64)
    splitter = (StratifiedKFold if strata is not None else KFold)(
        n_splits=folds, shuffle=randomized, random_state=seed if randomized else None)
    try:
        splits = splitter.split(np.zeros(len(dataset)), None if strata is None else strata.to_numpy())
        for number, (_, test) in enumerate(splits, start=1):
            positions[test] = number
    except ValueError as exc:
        raise ComponentError(f"the rows cannot be assigned to {folds} folds: {exc}") from None
    return positions


def _partitioned_schema(s: SchemaInputs) -> dict:
    s.column("stratification_key_column")
    table, mode = s.table(), s.params.get("partition_or_sample_mode")
    if table is None:
        return {}
    if mode == "head":  # the first rows may not hold every value a column can take
        return {"results_dataset": table.with_columns(Column(c.name, c.type) for c in table.columns)}
    if mode == "assign-to-folds":
        features = table.features if table.features else [n for n in table.names if n != table.label]
        folded = with_column(table, Column(FOLD_COLUMN, "integer"))
        return {"results_dataset": folded.with_columns(folded.columns,
                                                       features=tuple(f for f in features if f != FOLD_COLUMN))}
    if mode == "pick-fold" and table.column(FOLD_COLUMN) is None:
        return {}  # the run says a partition-and-sample in assign-to-folds mode must come first
    return {"results_dataset": table}


@component(id="partition-and-sample", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"results_dataset": DataFrame}, roles={Role.ROW_PICKER}, tags=("sample", "folds", "head"),
           schema=_partitioned_schema)
def partition_and_sample(dataset, *,
                         partition_or_sample_mode: Param(str, "sampling", choices=("assign-to-folds", "pick-fold",
                                                                                   "sampling", "head"),
                                                         description="head: the first rows; sampling: a random "
                                                                     "share; assign-to-folds: number every row's "
                                                                     "fold; pick-fold: the rows of one fold."),
                         number_of_rows_to_select: Param(int, 10, min=0, description="Rows kept by head."),
                         rate_of_sampling: Param(float, 0.1, min=0.0, max=1.0, description="Share of rows kept "
                                                                                          "by sampling."),
                         random_seed: Param(int, 0, min=0, max=2**32 - 1, description="Random seed."),
                         stratified_split: Param(bool, False, description="Sample or fold each value of the "
                                                                          "stratification key separately."),
                         stratification_key_column: Param(str, "", kind=Kind.COLUMN,
                                                          description="The column to stratify on."),
                         number_of_folds: Param(int, 5, min=2, max=10_000, description="Folds to assign."),
                         randomized_split: Param(bool, True, description="Assign folds at random; off gives "
                                                                         "consecutive blocks of rows."),
                         specify_which_fold: Param(int, 1, min=1, description="The fold pick-fold keeps "
                                                                              "(1-based)."),
                         pick_complement: Param(bool, False, description="pick-fold keeps every fold except "
                                                                         "that one.")):
    """Take part of a table: the first rows, a random sample, or folds for cross-validation.

    assign-to-folds adds a `Fold` column (1..number_of_folds, scikit-learn's
    KFold or StratifiedKFold) that is not used as a feature; pick-fold keeps the
    rows of one fold (or all others). Sampling draws without replacement (numpy,
    seeded); stratified sampling draws the same share from each key value. Only
    meaningful in training: inference graphs bypass it.
    """
    strata = _strata(dataset, stratified_split, stratification_key_column) \
        if partition_or_sample_mode in ("sampling", "assign-to-folds") else None
    if partition_or_sample_mode == "head":
        return keep_roles(dataset.head(number_of_rows_to_select).reset_index(drop=True), dataset)
    if partition_or_sample_mode == "sampling":
        rows = _sample(dataset, rate_of_sampling, random_seed, strata)
        return keep_roles(dataset.iloc[rows].reset_index(drop=True), dataset)
    if partition_or_sample_mode == "assign-to-folds":
        roles = column_roles(dataset)
        features = roles.get("features") or [c for c in dataset.columns if c != roles.get("label")]
        result = dataset.copy()
        result[FOLD_COLUMN] = _folds(dataset, number_of_folds, randomized_split, random_seed, strata)
        return keep_roles(result, dataset, features=[c for c in features if c != FOLD_COLUMN])
    if FOLD_COLUMN not in dataset.columns:
        raise ComponentError(f"pick-fold needs the {FOLD_COLUMN!r} column that assign-to-folds adds; "
                             f"put a partition-and-sample in assign-to-folds mode before it")
    if specify_which_fold > int(dataset[FOLD_COLUMN].max()):
        raise ComponentError(f"there is no fold {specify_which_fold}; the rows have folds 1 to "
                             f"{int(dataset[FOLD_COLUMN].max())}")
    chosen = dataset[FOLD_COLUMN] == specify_which_fold
    return keep_roles(dataset[~chosen if pick_complement else chosen].reset_index(drop=True), dataset)


def _smote_schema(s: SchemaInputs) -> dict:
    label, table = s.label("label_column"), s.table()
    if table is None:
        return {}
    features = [c for c in table.columns if c.name != label]
    if table.column(label) is None or any(c.type not in ("number", "integer", "boolean") for c in features):
        return {}  # no label, or text (or not yet known) features: the run says what to fix
    return {"table": table}


@component(id="smote", category=CATEGORY, inputs={"dataset": DataFrame}, outputs={"table": DataFrame}, name="SMOTE",
           roles={Role.TRAINING_ONLY}, tags=("imbalanced", "oversampling"), schema=_smote_schema)
def smote(dataset, *,
          label_column: Param(str, "", kind=Kind.LABEL, description="The class column; empty uses the label "
                                                                    "edit-metadata marked."),
          smote_percentage: Param(int, 100, min=0, max=100_000,
                                  description="How many new minority rows to make, as a percentage of the "
                                              "minority rows (100 doubles them)."),
          number_of_nearest_neighbors: Param(int, 1, min=1, max=1000,
                                             description="Neighbours a new row is interpolated towards."),
          random_seed: Param(int, 0, min=0, max=2**32 - 1, description="Random seed.")):
    """SMOTE (imbalanced-learn): add synthetic rows of the rarest class, interpolated between neighbours.

    The original rows come first, then the new ones. Features must be numbers
    (convert text with convert-to-indicator-values first). Training only: an
    inference graph bypasses it, scoring the rows as they are.
    """
    from imblearn.over_sampling import SMOTE

    label = label_column.strip() or column_roles(dataset).get("label")
    if not label:
        raise ComponentError("set label_column to the class column SMOTE should balance")
    require_columns(dataset, [label])
    features = [c for c in dataset.columns if c != label]
    text = [c for c in features if is_text_column(dataset[c])]
    if text:
        raise ComponentError(f"SMOTE needs number features, but {text} hold text; convert them with "
                             f"convert-to-indicator-values or leave them out")
    if dataset[features].isna().any().any() or dataset[label].isna().any():
        raise ComponentError("SMOTE cannot use rows with missing values; add clean-missing-data before it")
    counts = dataset[label].value_counts()
    if len(counts) < 2:
        raise ComponentError(f"the label column {label!r} has only one class; SMOTE needs at least two")
    minority = counts.index[-1]
    wanted = int(counts.iloc[-1] + counts.iloc[-1] * smote_percentage // 100)
    if counts.iloc[-1] <= number_of_nearest_neighbors:
        raise ComponentError(f"the minority class {minority!r} has {counts.iloc[-1]} rows; it needs more rows "
                             f"than number_of_nearest_neighbors ({number_of_nearest_neighbors})")
    sampler = SMOTE(sampling_strategy={minority: wanted}, k_neighbors=number_of_nearest_neighbors,
                    random_state=random_seed)
    x, y = sampler.fit_resample(dataset[features], dataset[label])
    result = pd.concat([x, y.rename(label)], axis=1)[list(dataset.columns)]
    for column in features:
        if pd.api.types.is_integer_dtype(dataset[column]) and not pd.api.types.is_integer_dtype(result[column]):
            result[column] = result[column].astype("float64")
    return keep_roles(result.reset_index(drop=True), dataset)
