"""Data Transformation components that reshape tables: pick columns, drop repeats, join, split rows."""
from dataclasses import replace

import numpy as np
import pandas as pd

from components.columns import chosen_columns, is_numeric, keep_roles, parse_columns, quoted, require_columns
from components.ports import DataFrame
from components.roles import Role
from components.spec import ComponentError, Param, component
from components.table_schema import SchemaInputs

CATEGORY = "Data Transformation"


def _selected_schema(s: SchemaInputs) -> dict:
    names = s.columns("columns")
    table = s.table()
    if table is None:
        return {}
    if s.params.get("mode") == "exclude":
        return {"results_dataset": table.keeping([n for n in table.names if n not in names])}
    return {"results_dataset": table.keeping(names)}


@component(id="select-columns", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"results_dataset": DataFrame}, roles={Role.PICKS_COLUMNS},
           schema=_selected_schema)
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


def _deduplicated_schema(s: SchemaInputs) -> dict:
    s.columns("columns")
    return {"results_dataset": s.table()}


@component(id="remove-duplicate-rows", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"results_dataset": DataFrame}, schema=_deduplicated_schema)
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


def _joined_schema(s: SchemaInputs) -> dict:
    lkeys = s.columns("left_keys", "left")
    rkeys = s.columns("right_keys", "right") or lkeys
    if not s.params.get("right_keys"):
        s.columns("left_keys", "right")
    left, right = s.table("left"), s.table("right")
    if left is None or (right is None and s.params.get("join_type") != "left-semi"):
        return {}
    if s.params.get("join_type") == "left-semi":
        return {"results_dataset": left}
    columns = list(left.columns)
    taken = set(left.names)
    # pandas merges a key pair with the same name into one column; other clashes get "_right".
    shared_keys = {r for l, r in zip(lkeys, rkeys) if l == r}
    dropped = set() if s.params.get("keep_right_keys", True) else {r for l, r in zip(lkeys, rkeys) if l != r}
    for column in right.columns:
        if column.name in shared_keys or column.name in dropped:
            continue
        name = f"{column.name}_right" if column.name in taken else column.name
        columns.append(replace(column, name=name))
    return {"results_dataset": left.with_columns(columns)}


@component(id="join-data", category=CATEGORY, inputs={"left": DataFrame, "right": DataFrame},
           outputs={"results_dataset": DataFrame}, schema=_joined_schema)
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


def _split_schema(s: SchemaInputs) -> dict:
    s.column("stratify_column")
    return {"train": s.table(), "test": s.table()}


@component(id="split-data", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"train": DataFrame, "test": DataFrame}, roles={Role.ROW_PICKER}, schema=_split_schema)
def split_data(dataset, *,
               test_fraction: Param(float, 0.3, min=0.0, max=1.0,
                                    description="Share of rows sent to the test output."),
               seed: Param(int, 0, min=0, max=2**32 - 1, description="Random seed: the same seed gives the "
                                                                    "same split."),
               stratify_column: Param(str, "", widget="column",
                                      description="Keep this column's class proportions equal in both "
                                                  "outputs (usually the label); empty for none."),
               shuffle: Param(bool, True, description="Pick rows at random; off sends the first rows to "
                                                      "train and the last rows to test."),
               splitting_mode: Param(str, "split-rows", choices=("split-rows", "regular-expression",
                                                                 "relative-expression"),
                                     description="split-rows splits by share of rows; the expression modes send "
                                                 "rows that match the expression to train, the rest to test."),
               regular_expression: Param(str, "", description='For regular-expression mode: the column and a '
                                                              'pattern, e.g. \\"Text" ^Gryphon.'),
               relative_expression: Param(str, "", description='For relative-expression mode: the column and '
                                                               'comparisons, e.g. \\"Year" > 2010 & <= 2020.')):
    """Split rows into a training and a test set: at random (scikit-learn's train_test_split) or by an expression.

    In split-rows mode `test_fraction` of the rows (rounded up) go to `test`, the
    rest to `train`. In Azure's regular-expression mode the rows whose column
    contains a match of the pattern go to `train`; in relative-expression mode the
    rows whose column passes the comparisons (`&` and, `|` or) do. The column is
    named `\\"name"` or `(\\0)` (0-based index).
    """
    if splitting_mode != "split-rows":
        from components.row_expressions import regular_expression_rows, relative_expression_rows

        if splitting_mode == "regular-expression":
            mask = regular_expression_rows(dataset, regular_expression)
        else:
            mask = relative_expression_rows(dataset, relative_expression)
        return tuple(keep_roles(dataset[rows].reset_index(drop=True), dataset) for rows in (mask, ~mask))
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
