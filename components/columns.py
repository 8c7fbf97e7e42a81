"""Column bookkeeping shared by the tabular components: read a user's column list, check it, carry roles."""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from components.ports import ROLES_KEY, column_roles, with_roles
from components.spec import ComponentError

#: How many column names an error message lists before it says "and N more".
_SHOWN_NAMES = 12


def parse_columns(text: str | None) -> list[str]:
    """Names from a comma-separated list, stripped, blanks and repeats dropped, order kept."""
    if not text:
        return []
    names = (part.strip() for part in str(text).split(","))
    return list(dict.fromkeys(name for name in names if name))


def require_columns(frame: pd.DataFrame, names: Iterable[str], *, where: str = "the dataset") -> None:
    """Raise a ComponentError naming every column of `names` that `frame` lacks."""
    present = set(map(str, frame.columns))
    missing = [name for name in names if name not in present]
    if missing:
        noun = "column" if len(missing) == 1 else "columns"
        raise ComponentError(f"{noun} {quoted(missing)} not found in {where}; "
                             f"it has {quoted(list(map(str, frame.columns))) or 'no columns'}")


def chosen_columns(frame: pd.DataFrame, text: str | None, *, default: Iterable[str] | None = None,
                   where: str = "the dataset") -> list[str]:
    """The columns a `columns` parameter names (checked), or `default` (all columns) when it is empty."""
    names = parse_columns(text)
    if not names:
        return list(frame.columns if default is None else default)
    require_columns(frame, names, where=where)
    return names


def is_numeric(series: pd.Series) -> bool:
    """True for number columns; booleans are flags, not quantities, so they are left out."""
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def numeric_feature_columns(frame: pd.DataFrame) -> list[str]:
    """Every numeric column except the one marked as label."""
    label = column_roles(frame).get("label")
    return [c for c in frame.columns if c != label and is_numeric(frame[c])]


def keep_roles(result: pd.DataFrame, source: pd.DataFrame, **changes) -> pd.DataFrame:
    """Give `result` the column roles of `source` (updated by `changes`), dropping roles of vanished columns."""
    result.attrs = {key: value for key, value in result.attrs.items() if key != ROLES_KEY}
    return with_roles(result, **{**column_roles(source), **changes})


def quoted(names: Iterable[str]) -> str:
    """'a', 'b' and 3 more — a readable list of names for messages."""
    names = list(names)
    shown = ", ".join(repr(str(n)) for n in names[:_SHOWN_NAMES])
    if len(names) > _SHOWN_NAMES:
        shown += f" and {len(names) - _SHOWN_NAMES} more"
    return shown
