"""What a port will hold before anything runs: a table's columns and roles, a model's task and label.

A component declares how its outputs' schemas follow from its inputs' schemas and
its parameters with `@component(schema=rule)`. A rule receives a `SchemaInputs`
and returns `{output port: TableSchema | ModelSchema | None}`; a port it leaves out,
or gives None, is unknown (its columns depend on the data itself). Rules are pure
and cheap: the canvas calls them on every edit.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping

from components.columns import parse_columns

#: Column types a schema names (a column whose type cannot be known before a run is "unknown").
COLUMN_TYPES = ("number", "integer", "text", "boolean", "datetime", "unknown")


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "unknown"
    #: The values a categorical column can take, when they are known without reading the data.
    values: tuple | None = None

    def to_json(self) -> dict:
        out = {"name": self.name, "type": self.type}
        if self.values is not None:
            out["values"] = list(self.values)
        return out


@dataclass(frozen=True)
class TableSchema:
    """The columns of a DataFrame port, in order, with the roles that travel with them."""

    columns: tuple[Column, ...]
    label: str | None = None
    #: None: every non-label column is a feature.
    features: tuple | None = None
    categorical: tuple = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def keeping(self, names: Iterable[str]) -> "TableSchema":
        """Only the columns `names` (in that order), roles of vanished columns dropped."""
        kept = tuple(c for c in (self.column(n) for n in names) if c is not None)
        return self.with_columns(kept)

    def with_columns(self, columns: Iterable[Column], **roles) -> "TableSchema":
        """These columns with this table's roles (updated by `roles`), dropping roles of absent columns."""
        columns = tuple(columns)
        present = {c.name for c in columns}
        label = roles.get("label", self.label)
        features = roles.get("features", self.features)
        categorical = roles.get("categorical", self.categorical)
        return TableSchema(columns, label if label in present else None,
                           None if features is None else tuple(f for f in features if f in present),
                           tuple(c for c in categorical if c in present))

    def to_json(self) -> dict:
        out: dict[str, Any] = {"kind": "table", "columns": [c.to_json() for c in self.columns]}
        if self.label:
            out["label"] = self.label
        if self.features is not None:
            out["features"] = list(self.features)
        if self.categorical:
            out["categorical"] = list(self.categorical)
        return out


@dataclass(frozen=True)
class ModelSchema:
    """An untrained or trained model port: its task and, once trained, what it learned to predict."""

    task: str | None = None
    label: str | None = None
    #: The label's classes when they are known (a sample dataset's), which name the probability columns.
    classes: tuple | None = None
    features: tuple | None = None
    label_type: str = "unknown"
    #: Score columns some algorithms add after `Scored Labels` (a quantile forest's `Quantile_<q>`).
    extra_scores: tuple = ()

    def to_json(self) -> dict:
        out: dict[str, Any] = {"kind": "model", "task": self.task}
        for key in ("label", "classes", "features"):
            value = getattr(self, key)
            if value is not None:
                out[key] = list(value) if isinstance(value, tuple) else value
        return out


@dataclass(frozen=True)
class TransformSchema:
    """A fitted transformation port: how it changes a table's schema when it is applied."""

    kind: str
    apply: Callable[[TableSchema], "TableSchema | None"] = field(compare=False, repr=False)

    def to_json(self) -> dict:
        return {"kind": "transformation", "transformation": self.kind}


PortSchema = TableSchema | ModelSchema | TransformSchema
#: What a transformation does to a table's schema (None: the run would refuse that table).
Apply = Callable[[TableSchema], "TableSchema | None"]
#: transformation kind -> how a fitted one of that kind changes a table, built from the JSON facts it records.
TRANSFORM_KINDS: dict[str, Callable[[Mapping], Apply]] = {}


def transform_kind(kind: str):
    """Register the builder of `kind`'s apply(table) from its facts (the live rule and saved artifacts share it)."""
    def register(builder):
        TRANSFORM_KINDS[kind] = builder
        return builder
    return register


def model_facts(task: str | None, label: str | None, classes, features, label_type: str,
                extra_scores=()) -> dict:
    """The JSON a trained model's artifact records so a saved model's scores are known before a run."""
    return {"kind": "model", "task": task, "label": label,
            "classes": None if classes is None else list(classes),
            "features": None if features is None else list(features),
            "label_type": label_type, "extra_scores": list(extra_scores)}


def saved_schema(facts: Any) -> "PortSchema | None":
    """The schema a saved artifact's recorded facts describe (None for none, an unknown kind or a malformed one)."""
    if not isinstance(facts, Mapping) or not isinstance(facts.get("kind"), str):
        return None
    try:
        if facts["kind"] == "model":
            classes, features = facts.get("classes"), facts.get("features")
            return ModelSchema(task=facts.get("task"), label=facts.get("label"),
                               classes=None if classes is None else tuple(classes),
                               features=None if features is None else tuple(features),
                               label_type=str(facts.get("label_type") or "unknown"),
                               extra_scores=tuple(facts.get("extra_scores") or ()))
        builder = TRANSFORM_KINDS.get(facts["kind"])
        return TransformSchema(facts["kind"], builder(facts)) if builder is not None else None
    except (KeyError, TypeError, ValueError):
        return None
#: (kind, key) -> a schema or None: how registered datasets (and other outside things) give theirs.
ExternalLookup = Callable[[str, str], "PortSchema | None"]
SchemaRule = Callable[["SchemaInputs"], Mapping[str, "PortSchema | None"]]


@dataclass(frozen=True)
class ColumnProblem:
    """A column parameter naming columns its input table does not have."""

    param: str
    port: str
    missing: tuple
    available: tuple


@dataclass
class SchemaInputs:
    """What a schema rule may read: its node's input schemas and resolved parameters.

    `columns()` and `column()` read a column parameter and check it against an input
    table; names the table lacks are recorded in `problems` (shown as node errors).
    """

    inputs: Mapping[str, PortSchema | None]
    params: Mapping[str, Any]
    lookup: ExternalLookup | None = None
    problems: list[ColumnProblem] = field(default_factory=list)

    def table(self, port: str = "dataset") -> TableSchema | None:
        value = self.inputs.get(port)
        return value if isinstance(value, TableSchema) else None

    def transformation(self, port: str = "transformation") -> TransformSchema | None:
        value = self.inputs.get(port)
        return value if isinstance(value, TransformSchema) else None

    def model(self, port: str) -> ModelSchema | None:
        value = self.inputs.get(port)
        return value if isinstance(value, ModelSchema) else None

    def columns(self, param: str, port: str = "dataset") -> list[str]:
        """The names a comma-separated column parameter lists, after recording those the table lacks."""
        names = parse_columns(self.params.get(param))
        table = self.table(port)
        if table is not None:
            missing = [n for n in names if table.column(n) is None]
            if missing:
                self.problems.append(ColumnProblem(param, port, tuple(missing), tuple(table.names)))
        return names

    def column(self, param: str, port: str = "dataset") -> str:
        value = str(self.params.get(param) or "").strip()
        if value:
            self.columns(param, port)
        return value

    def label(self, param: str, port: str = "dataset") -> str | None:
        """The label column a `label` parameter names (checked), else the one the input table marks."""
        named = self.column(param, port)
        table = self.table(port)
        return named or (table.label if table is not None else None)

    def external(self, kind: str, key: str) -> PortSchema | None:
        """The schema an outside source (the dataset registry) gives for `key`, or None."""
        if self.lookup is None or not key:
            return None
        try:
            return self.lookup(kind, key)
        except Exception:  # an unreachable registry makes the schema unknown, never an error
            return None


# ---------------------------------------------------------------- rules many components share

def same_table(port: str = "dataset", *outputs: str) -> SchemaRule:
    """A rule for components whose table outputs have exactly their input's columns."""
    def rule(s: SchemaInputs) -> dict:
        return {out: s.table(port) for out in outputs}
    return rule


def learner(default_task: str | None = None) -> SchemaRule:
    """A rule for algorithm components: the model's task is the `task` parameter (or fixed)."""
    def rule(s: SchemaInputs) -> dict:
        return {"model": ModelSchema(task=s.params.get("task") or default_task)}
    return rule


def with_column(table: TableSchema, column: Column) -> TableSchema:
    """`table` with `column` appended, or put in place of the column of that name (pandas' `frame[name] = ...`)."""
    if table.column(column.name) is not None:
        return table.with_columns(column if c.name == column.name else c for c in table.columns)
    return table.with_columns((*table.columns, column))


def column_type_of(dtype: Any) -> str:
    """A pandas dtype in the schema's words."""
    kind = getattr(dtype, "kind", "O")
    name = str(dtype)
    if name in ("bool", "boolean"):
        return "boolean"
    if kind in "iu" or name.startswith(("Int", "UInt")):
        return "integer"
    if kind == "f" or name.startswith("Float"):
        return "number"
    if kind == "M" or name.startswith("datetime"):
        return "datetime"
    if kind in "OSU" or name in ("string", "str", "category"):
        return "text"
    return "unknown"


def table_of_frame(frame, *, label: str | None = None, features=None, categorical=(),
                   category_values: bool = True) -> TableSchema:
    """The schema of a real DataFrame (sample datasets, registered datasets, typed-in data)."""
    columns = []
    for name in frame.columns:
        values = None
        if category_values and name in categorical:
            values = tuple(sorted(map(_plain, frame[name].dropna().unique()), key=str))
        columns.append(Column(str(name), column_type_of(frame[name].dtype), values))
    return TableSchema(tuple(columns), label, None if features is None else tuple(features), tuple(categorical))


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def retyped(column: Column, type_name: str) -> Column:
    return replace(column, type=type_name)
