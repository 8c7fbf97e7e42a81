"""What a predicted schema (schema before running) claims that a real table contradicts: shared by the
schema tests of components, examples and inference graphs."""
from __future__ import annotations

import pandas as pd

from components.ports import column_roles
from components.table_schema import column_type_of


def differences(schema, frame: pd.DataFrame) -> list[str]:
    """What the predicted schema claims that the real table contradicts."""
    if schema.names != [str(c) for c in frame.columns]:
        return [f"columns {schema.names} but the run gave {list(map(str, frame.columns))}"]
    problems = []
    for column in schema.columns:
        real = column_type_of(frame[column.name].dtype)
        if column.type != "unknown" and column.type != real:
            problems.append(f"{column.name!r} is {real}, not {column.type}")
        if column.values is not None:
            extra = {v for v in frame[column.name].dropna().unique().tolist()} - set(column.values)
            if extra:
                problems.append(f"{column.name!r} holds {sorted(map(str, extra))}, not among {column.values}")
    roles = column_roles(frame)
    if schema.label != roles.get("label"):
        problems.append(f"label {schema.label!r}, but the run marked {roles.get('label')!r}")
    every = [n for n in schema.names if n != schema.label]  # no (or no listed) features: every column is one
    features = list(schema.features or every)
    if features != (roles.get("features") or every):
        problems.append(f"features {features}, but the run marked {roles.get('features')}")
    if set(schema.categorical) != set(roles.get("categorical") or ()) & set(schema.names):
        problems.append(f"categorical {schema.categorical}, but the run marked {roles.get('categorical')}")
    return problems
