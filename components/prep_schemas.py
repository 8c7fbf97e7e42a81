"""Schema rules of the data-preparation components (math, add columns / rows, clip, bins, summaries).

Each rule says which columns `components.data_prep`'s component will give, from its
input's schema and its parameters alone, and is None where the run would fail or the
columns depend on the values themselves.
"""
from __future__ import annotations

from dataclasses import replace

from components.columns import parse_columns
from components.table_schema import Apply, Column, SchemaInputs, TableSchema, TransformSchema, transform_kind, \
    with_column

NUMBERS = ("number", "integer")
#: summarize-data's columns: every column's, then the ones number columns add (pandas' float64 statistics).
SUMMARY_COLUMNS = (("Feature", "text"), ("Count", "integer"), ("Unique Value Count", "integer"),
                   ("Missing Value Count", "integer"), ("Mode", "text"))
NUMBER_SUMMARY = ("Min", "Max", "Mean", "Mean Deviation", "1st Quartile", "Median", "3rd Quartile", "Range",
                  "Sample Variance", "Sample Standard Deviation", "Sample Skewness", "Sample Kurtosis")


def numeric_feature_names(table: TableSchema) -> list[str] | None:
    """`columns.numeric_feature_columns` before a run: number columns but the label; None if a type is unknown."""
    others = [c for c in table.columns if c.name != table.label]
    if any(c.type == "unknown" for c in others):
        return None
    return [c.name for c in others if c.type in NUMBERS]


def chosen_or_default(s: SchemaInputs, param: str, default: str = "numeric") -> list[str] | None:
    """The columns a `columns` parameter names, else the component's default (all, or the number features);
    None when they are not all in the table, or the default cannot be known."""
    names = s.columns(param)
    table = s.table()
    if table is None:
        return None
    if names:
        return names if all(table.column(n) is not None for n in names) else None
    return table.names if default == "all" else numeric_feature_names(table)


def _holds_numbers(table: TableSchema, names: list[str]) -> bool:
    return all(table.column(n).type in NUMBERS + ("unknown",) for n in names)


def placed(table: TableSchema, results: dict[str, Column], mode: str) -> TableSchema | None:
    """`fitted_prep.place_results` on a schema: {source column: new column} by Azure's output modes."""
    if mode == "inplace":
        for source, column in results.items():
            table = with_column(table, replace(column, name=source))
        return table
    if mode == "result-only":
        return table.with_columns(results.values())
    if any(table.column(c.name) is not None for c in results.values()):
        return None  # the run says: new columns already exist
    return table.with_columns((*table.columns, *results.values()))


def math_schema(s: SchemaInputs, function_category: dict) -> dict:
    chosen = chosen_or_default(s, "column_set", "all")
    if s.params.get("second_argument_type") == "column":
        s.column("second_argument_column")
    table, function = s.table(), s.params.get("function")
    if chosen is None or function_category.get(function) != s.params.get("category") \
            or not _holds_numbers(table, chosen):
        return {}
    kind = "boolean" if s.params.get("category") == "compare" else "number"
    results = {c: Column(f"{function}({c})", kind) for c in chosen}
    return {"results_dataset": placed(table, results, s.params.get("output_mode", "append"))}


def added_columns_schema(s: SchemaInputs) -> dict:
    left, right = s.table("left"), s.table("right")
    if left is None or right is None:
        return {}
    taken = set(left.names)
    renamed = [replace(c, name=f"{c.name}_right") if c.name in taken else c for c in right.columns]
    return {"combined_dataset": left.with_columns((*left.columns, *renamed))}


def added_rows_schema(s: SchemaInputs) -> dict:
    first, second = s.table("dataset1"), s.table("dataset2")
    if first is None or second is None or set(first.names) != set(second.names):
        return {}
    return {"results_dataset": first.with_columns(_stacked(c, second.column(c.name)) for c in first.columns)}


def _stacked(top: Column, bottom: Column) -> Column:
    """The column pandas' concat makes of two: one type when they agree, numbers from integers and numbers."""
    values = None if top.values is None or bottom.values is None else \
        tuple(dict.fromkeys((*top.values, *bottom.values)))
    if top.type == bottom.type:
        return replace(top, values=values)
    if {top.type, bottom.type} == set(NUMBERS):
        return replace(top, type="number", values=values)
    return replace(top, type="unknown", values=None)


def clipped_schema(s: SchemaInputs) -> dict:
    chosen = chosen_or_default(s, "columns")
    table = s.table()
    if chosen is None or not _holds_numbers(table, chosen):
        return {}
    apply = clipped({"columns": chosen, "overwrite": s.params.get("overwrite", True),
                     "indicators": s.params.get("add_indicator_columns", False)})
    return {"results_dataset": apply(table), "clip_transformation": TransformSchema("clip-values", apply)}


@transform_kind("clip-values")
def clipped(facts) -> Apply:
    """Clipper.apply on a schema: clipped number columns (in place or `_clipped`), `_ClipIndicator` flags."""
    chosen, overwrite, indicators = list(facts["columns"]), bool(facts["overwrite"]), bool(facts["indicators"])

    def apply(source: TableSchema) -> TableSchema:
        for name in chosen:
            if source.column(name) is None:
                continue
            source = with_column(source, Column(name if overwrite else f"{name}_clipped", "number"))
            if indicators:
                source = with_column(source, Column(f"{name}_ClipIndicator", "boolean"))
        return source

    return apply


def binned_schema(s: SchemaInputs) -> dict:
    chosen = chosen_or_default(s, "columns")
    table = s.table()
    if chosen is None or not _holds_numbers(table, chosen):
        return {}
    if s.params.get("binning_mode") == "custom-edges":
        try:
            if not [float(part) for part in parse_columns(s.params.get("custom_edges"))]:
                return {}
        except ValueError:
            return {}
    apply = binned({"columns": chosen, "output_mode": s.params.get("output_mode", "append"),
                    "categorical": s.params.get("tag_columns_as_categorical", True)})
    return {"quantized_dataset": apply(table), "binning_transformation": TransformSchema("bins", apply)}


@transform_kind("bins")
def binned(facts) -> Apply:
    """Binner.apply on a schema: `<column>_quantized` bin numbers placed by the output mode, maybe categorical."""
    chosen, mode, tag = list(facts["columns"]), str(facts["output_mode"]), bool(facts["categorical"])

    def apply(source: TableSchema) -> TableSchema | None:
        present = [c for c in chosen if source.column(c) is not None]
        result = placed(source, {c: Column(f"{c}_quantized", "integer") for c in present}, mode)
        if result is None or not tag:
            return result
        names = [c if mode == "inplace" else f"{c}_quantized" for c in chosen]
        return result.with_columns(result.columns, categorical=tuple(dict.fromkeys((*source.categorical, *names))))

    return apply


def selection_transform_schema(s: SchemaInputs) -> dict:
    table = s.table()
    if table is None:
        return {}
    return {"columns_selection_transformation": TransformSchema("column-selection",
                                                                selected({"columns": table.names}))}


@transform_kind("column-selection")
def selected(facts) -> Apply:
    """ColumnSelection.apply on a schema: the chosen columns the table has, in the chosen order."""
    names = list(facts["columns"])
    return lambda source: source.keeping([n for n in names if source.column(n) is not None])


def summary_schema(s: SchemaInputs, percentiles: tuple) -> dict:
    table = s.table()
    if table is None or any(c.type == "unknown" for c in table.columns):
        return {}
    if not table.columns:
        return {"result_dataset": TableSchema(())}
    columns = [Column(name, kind) for name, kind in SUMMARY_COLUMNS]
    if any(c.type in NUMBERS for c in table.columns):
        columns += [Column(name, "number") for name in NUMBER_SUMMARY]
        columns += [Column(f"P{p:g}", "number") for p in percentiles]
    return {"result_dataset": TableSchema(tuple(columns))}
