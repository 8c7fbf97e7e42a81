"""The edit-metadata component: change columns' types, roles (label, feature, categorical) and names."""
import pandas as pd

from components.columns import chosen_columns, keep_roles, quoted
from components.ports import DataFrame, column_roles
from components.roles import Role
from components.spec import ComponentError, Param, component

_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}


@component(id="edit-metadata", category="Data Transformation", inputs={"dataset": DataFrame},
           outputs={"results_dataset": DataFrame}, roles={Role.PICKS_COLUMNS})
def edit_metadata(dataset, *,
                  columns: Param(str, "", widget="columns", required=True,
                                 description="Columns to change, comma separated."),
                  data_type: Param(str, "unchanged",
                                   choices=("unchanged", "string", "integer", "float", "boolean", "datetime"),
                                   description="Convert the columns' values to this type."),
                  categorical: Param(str, "unchanged", choices=("unchanged", "true", "false"),
                                     description="Mark (or unmark) the columns as categorical."),
                  role: Param(str, "unchanged",
                              choices=("unchanged", "label", "feature", "clear-label", "clear-feature"),
                              description="label: the column models learn to predict (one column); "
                                          "feature: used as model input; clear-*: remove that role."),
                  new_names: Param(str, "", description="New names, comma separated, one per chosen column "
                                                        "in the same order; empty keeps the names.")):
    """Change what downstream components know about columns: their type, role and name.

    Roles travel with the table: train-model and normalize-data find the label
    here, and convert-to-indicator-values the categorical columns.
    """
    chosen = chosen_columns(dataset, columns, default=[])
    if not chosen:
        raise ComponentError("no columns were named; list them, comma separated, in the columns parameter")
    result = dataset.copy()
    if data_type != "unchanged":
        for column in chosen:
            result[column] = converted(result[column], data_type)
    roles = _edited_roles(column_roles(dataset), list(dataset.columns), chosen, role, categorical)
    renames = _renames(dataset, chosen, new_names)
    if renames:
        result = result.rename(columns=renames)
        roles = _renamed_roles(roles, renames)
    return keep_roles(result, dataset, **roles)


def converted(series: pd.Series, data_type: str) -> pd.Series:
    """`series` as `data_type`, or a ComponentError quoting a value that does not fit."""
    missing = series.isna()
    if data_type == "string":
        return series.map(lambda value: value if pd.isna(value) else str(value))
    if data_type in ("integer", "float"):
        numbers = pd.to_numeric(series, errors="coerce")
        _refuse(series, numbers.isna() & ~missing, "a number")
        if data_type == "float":
            return numbers.astype("float64")
        fractional = numbers.notna() & (numbers.astype("float64") % 1 != 0)
        _refuse(series, fractional, "a whole number")
        return numbers.astype("Int64" if missing.any() else "int64")
    if data_type == "boolean":
        text = series.map(lambda value: str(value).strip().lower() if not pd.isna(value) else None)
        flags = text.map(lambda word: True if word in _TRUE else False if word in _FALSE else None)
        _refuse(series, flags.isna() & ~missing, "true or false")
        return flags.astype("boolean" if missing.any() else "bool")
    if data_type == "datetime":
        stamps = pd.to_datetime(series, errors="coerce", format="mixed")
        _refuse(series, stamps.isna() & ~missing, "a date")
        return stamps
    raise ComponentError(f"unknown data type {data_type!r}")


def _refuse(series: pd.Series, bad: pd.Series, wanted: str) -> None:
    if bad.any():
        first = series[bad].iloc[0]
        raise ComponentError(f"column {series.name!r} cannot be converted: {int(bad.sum())} values are not "
                             f"{wanted}, e.g. {first!r}")


def _edited_roles(roles: dict, all_columns: list, chosen: list, role: str, categorical: str) -> dict:
    label = roles.get("label")
    features = roles.get("features")
    if role == "label":
        if len(chosen) != 1:
            raise ComponentError(f"only one column can be the label, but {len(chosen)} were chosen")
        label = chosen[0]
        features = None if features is None else [c for c in features if c != label]
    elif role == "feature":
        if label in chosen:
            label = None
        if features is not None:
            features = features + [c for c in chosen if c not in features]
    elif role == "clear-label":
        if label in chosen:
            label = None
    elif role == "clear-feature":
        # Without an explicit list every non-label column is a feature; write that list out to remove some.
        base = features if features is not None else [c for c in all_columns if c != label]
        features = [c for c in base if c not in chosen]
    marked = list(roles.get("categorical") or [])
    if categorical == "true":
        marked += [c for c in chosen if c not in marked]
    elif categorical == "false":
        marked = [c for c in marked if c not in chosen]
    return {"label": label, "features": features, "categorical": marked}


def _renames(dataset: pd.DataFrame, chosen: list, new_names: str) -> dict:
    names = [part.strip() for part in new_names.split(",")] if new_names.strip() else []
    if not names:
        return {}
    if len(names) != len(chosen) or not all(names):
        raise ComponentError(f"{len(chosen)} columns were chosen but {len([n for n in names if n])} new names "
                             f"given; give one new name per chosen column, comma separated")
    renames = dict(zip(chosen, names))
    final = [renames.get(c, c) for c in dataset.columns]
    clashes = sorted({name for name in final if final.count(name) > 1})
    if clashes:
        raise ComponentError(f"renaming would give several columns the name {quoted(clashes)}")
    return renames


def _renamed_roles(roles: dict, renames: dict) -> dict:
    rename = lambda name: renames.get(name, name)  # noqa: E731
    return {"label": rename(roles["label"]) if roles["label"] else None,
            "features": None if roles["features"] is None else [rename(c) for c in roles["features"]],
            "categorical": [rename(c) for c in roles["categorical"]]}
