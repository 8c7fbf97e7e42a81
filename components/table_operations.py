"""Data Transformation components that reshape tables: pick columns, drop repeats, join, split rows."""
import numpy as np
import pandas as pd

from components.columns import chosen_columns, is_numeric, keep_roles, parse_columns, quoted, require_columns
from components.ports import DataFrame
from components.roles import Role
from components.spec import ComponentError, Param, component

CATEGORY = "Data Transformation"


@component(id="select-columns", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"results_dataset": DataFrame}, roles={Role.PICKS_COLUMNS})
def select_columns(dataset, *,
                   columns: Param(str, "", widget="columns", required=True,
                                  description="Column names, comma separated."),
                   mode: Param(str, "include", choices=("include", "exclude"),
                               description="include keeps only these columns, in this order; "
                                           "exclude keeps every other column.")):
    """Keep a subset of columns (or drop some). Column roles (label, features) are kept."""
    names = parse_columns(columns)
    if not names:
        raise ComponentError("no columns were named; list them, comma separated, in the columns parameter")
    require_columns(dataset, names)
    kept = names if mode == "include" else [c for c in dataset.columns if c not in names]
    if not kept:
        raise ComponentError("excluding every column would leave an empty table")
    return keep_roles(dataset[kept].copy(), dataset)


@component(id="remove-duplicate-rows", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"results_dataset": DataFrame})
def remove_duplicate_rows(dataset, *,
                          columns: Param(str, "", widget="columns",
                                         description="Rows are duplicates when these columns match; "
                                                     "empty means all columns."),
                          keep: Param(str, "first", choices=("first", "last"),
                                      description="Which of the duplicate rows to keep."),
                          ctx):
    """Remove rows that repeat an earlier (or later) row in the chosen columns."""
    subset = chosen_columns(dataset, columns)
    try:
        result = dataset.drop_duplicates(subset=subset, keep=keep).reset_index(drop=True)
    except TypeError:
        raise ComponentError("some chosen columns hold lists or objects that cannot be compared; "
                             "leave them out of the columns parameter") from None
    ctx.log(f"removed {len(dataset) - len(result)} duplicate rows of {len(dataset)}")
    return keep_roles(result, dataset)


@component(id="join-data", category=CATEGORY, inputs={"left": DataFrame, "right": DataFrame},
           outputs={"results_dataset": DataFrame})
def join_data(left, right, *,
              left_keys: Param(str, "", widget="columns", required=True,
                               description="Key columns of the left table, comma separated."),
              right_keys: Param(str, "", widget="columns",
                                description="Matching key columns of the right table; empty means the "
                                            "same names as the left keys."),
              join_type: Param(str, "inner", choices=("inner", "left", "right", "outer", "left-semi"),
                               description="inner: matched rows only; left/right: every row of that side; "
                                           "outer: every row of both; left-semi: left rows that have a match."),
              keep_right_keys: Param(bool, True, description="Keep the right key columns when their names "
                                                             "differ from the left keys.")):
    """Join two tables on key columns, like a SQL join.

    Right columns whose names the left already uses get the suffix `_right`.
    The result keeps the left table's column roles.
    """
    lkeys = parse_columns(left_keys)
    rkeys = parse_columns(right_keys) or lkeys
    if not lkeys:
        raise ComponentError("no key columns were named for the left table")
    if len(lkeys) != len(rkeys):
        raise ComponentError(f"{len(lkeys)} left keys but {len(rkeys)} right keys; name one right key per left key")
    require_columns(left, lkeys, where="the left table")
    require_columns(right, rkeys, where="the right table")
    for lkey, rkey in zip(lkeys, rkeys):
        if is_numeric(left[lkey]) != is_numeric(right[rkey]):
            kinds = ["numbers" if is_numeric(s) else "text" for s in (left[lkey], right[rkey])]
            raise ComponentError(f"left key {lkey!r} holds {kinds[0]} but right key {rkey!r} holds {kinds[1]}; "
                                 f"convert one of them with edit-metadata")
    if join_type == "left-semi":
        matched = pd.MultiIndex.from_frame(left[lkeys]).isin(pd.MultiIndex.from_frame(right[rkeys]))
        return keep_roles(left[np.asarray(matched)].reset_index(drop=True), left)
    try:
        result = left.merge(right, how=join_type, left_on=lkeys, right_on=rkeys, suffixes=("", "_right"))
    except (pd.errors.MergeError, ValueError, TypeError) as exc:
        raise ComponentError(f"the tables could not be joined: {exc}") from None
    if not keep_right_keys:
        extra = [r for l, r in zip(lkeys, rkeys) if l != r]
        result = result.drop(columns=[c for c in extra if c in result.columns])
    return keep_roles(result, left)


@component(id="split-data", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"train": DataFrame, "test": DataFrame}, roles={Role.ROW_PICKER})
def split_data(dataset, *,
               test_fraction: Param(float, 0.3, min=0.0, max=1.0,
                                    description="Share of rows sent to the test output."),
               seed: Param(int, 0, min=0, max=2**32 - 1, description="Random seed: the same seed gives the "
                                                                    "same split."),
               stratify_column: Param(str, "", widget="column",
                                      description="Keep this column's class proportions equal in both "
                                                  "outputs (usually the label); empty for none."),
               shuffle: Param(bool, True, description="Pick rows at random; off sends the first rows to "
                                                      "train and the last rows to test.")):
    """Split rows at random into a training and a test set (scikit-learn's train_test_split).

    `test_fraction` of the rows (rounded up) go to `test`, the rest to `train`.
    """
    n_rows = len(dataset)
    positions = np.arange(n_rows)
    strata = _strata(dataset, stratify_column.strip(), shuffle)
    if n_rows == 0 or test_fraction in (0.0, 1.0):
        to_test = test_fraction == 1.0
        train_rows, test_rows = (positions[:0], positions) if to_test else (positions, positions[:0])
    else:
        try:
            from sklearn.model_selection import train_test_split

            train_rows, test_rows = train_test_split(positions, test_size=test_fraction, random_state=seed,
                                                     shuffle=shuffle, stratify=strata)
        except ValueError as exc:
            raise ComponentError(_split_problem(exc, n_rows, test_fraction, strata)) from None
    return tuple(keep_roles(dataset.iloc[rows].reset_index(drop=True), dataset) for rows in (train_rows, test_rows))


def _strata(dataset: pd.DataFrame, column: str, shuffle: bool):
    if not column:
        return None
    require_columns(dataset, [column])
    if not shuffle:
        raise ComponentError("a stratified split must shuffle; turn shuffle on or clear stratify_column")
    values = dataset[column]
    if values.isna().any():
        raise ComponentError(f"stratify column {column!r} has {int(values.isna().sum())} missing values; "
                             f"clean them first")
    counts = values.value_counts()
    lonely = counts[counts < 2]
    if len(lonely):
        raise ComponentError(f"stratify column {column!r} has classes with only one row "
                             f"({quoted(map(str, lonely.index))}); each class needs at least two rows "
                             f"to appear in both train and test")
    return values.to_numpy()


def _split_problem(exc: ValueError, n_rows: int, fraction: float, strata) -> str:
    if strata is not None:
        classes = len(pd.unique(strata))
        return (f"a stratified split of {n_rows} rows needs at least {classes} rows (one per class) in each "
                f"of train and test; a test fraction of {fraction} does not allow that")
    return f"cannot split {n_rows} rows with a test fraction of {fraction}: {exc}"
