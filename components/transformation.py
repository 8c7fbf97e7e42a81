"""Data Transformation components that learn a step (clean, normalize, indicators) or re-apply one.

Each learning component returns the transformed table and a fitted
`components.fitted.TableTransformation`; its table output is exactly what the
transformation gives when applied to the same input, so training and scoring
data go through the same code.
"""
import pandas as pd

from components.columns import chosen_columns, keep_roles, numeric_feature_columns, quoted
from components.fitted import IndicatorEncoder, MissingValueCleaner, Normalizer, _sorted_categories
from components.ports import DataFrame, Transformation, column_roles
from components.roles import Role
from components.spec import ComponentError, Param, component
from components.table_schema import Apply, Column, SchemaInputs, TableSchema, TransformSchema, transform_kind, \
    with_column

CATEGORY = "Data Transformation"
#: More distinct values than this in one column usually means it is an id or free text, not a category.
_MANY_CATEGORIES = 100


def _cleaned_schema(s: SchemaInputs) -> dict:
    s.columns("columns")
    # Which columns have gaps is known only from the data: then the columns that come out are too.
    if s.params.get("add_indicator") or s.params.get("strategy") == "remove-column":
        return {}
    return {"cleaned_dataset": s.table(),
            "cleaning_transformation": TransformSchema("clean-missing", cleaned({"indicators": [], "dropped": []}))}


def _unchanged(table: TableSchema) -> TableSchema:
    return table


@transform_kind("clean-missing")
def cleaned(facts) -> Apply:
    """MissingValueCleaner.apply on a schema: `<column>_IsMissing` flags added, removed columns dropped."""
    indicators, dropped = list(facts["indicators"]), set(facts["dropped"])

    def apply(source: TableSchema) -> TableSchema:
        for name in indicators:
            if source.column(name) is not None:
                source = with_column(source, Column(f"{name}_IsMissing", "boolean"))
        return source.with_columns(c for c in source.columns if c.name not in dropped)

    return apply


@component(id="clean-missing-data", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"cleaned_dataset": DataFrame, "cleaning_transformation": Transformation},
           schema=_cleaned_schema)
def clean_missing_data(dataset, *,
                       columns: Param(str, "", widget="columns",
                                      description="Columns to clean, comma separated; empty means all."),
                       strategy: Param(str, "remove-row", choices=MissingValueCleaner.STRATEGIES,
                                       description="Drop rows or columns with gaps, or fill gaps with the "
                                                   "column's mean, median, most frequent value or a constant."),
                       constant: Param(str, "0", description="The value that fills gaps when strategy is "
                                                             "constant (read as a number for number columns)."),
                       add_indicator: Param(bool, False, description="Add a <column>_IsMissing column "
                                                                     "telling which values were filled."),
                       ctx):
    """Remove or replace missing values, and learn a transformation that does the same to new data.

    Fill values (mean, median, mode) are learned here, on this data, for every
    chosen column; `cleaning_transformation` re-applies them unchanged. With all
    columns chosen, mean and median fill only the number columns.
    """
    explicit = bool(columns and columns.strip())
    chosen = chosen_columns(dataset, columns)
    cleaner = MissingValueCleaner.fit(dataset, chosen, strategy, constant, add_indicator, explicit)
    cleaned = cleaner.apply(dataset)
    gaps = int(dataset[chosen].isna().sum().sum())
    removed = cleaner.dropped_columns
    ctx.log(f"{gaps} missing values in {len(chosen)} columns; kept {len(cleaned)} of {len(dataset)} rows"
            + (f"; removed columns {quoted(removed)}" if removed else ""))
    return cleaned, cleaner


def _normalized_schema(s: SchemaInputs) -> dict:
    named = s.columns("columns")
    table = s.table()
    if table is None:
        return {"transformation": TransformSchema("normalize", _unchanged)}
    apply = normalized({"columns": named or [c.name for c in table.columns
                                             if c.type in ("number", "integer") and c.name != table.label]})
    return {"transformed_dataset": apply(table), "transformation": TransformSchema("normalize", apply)}


@transform_kind("normalize")
def normalized(facts) -> Apply:
    """Normalizer.apply on a schema: the scaled columns become numbers."""
    scaled = set(facts["columns"])

    def apply(source: TableSchema) -> TableSchema:
        return source.with_columns(Column(c.name, "number") if c.name in scaled else c for c in source.columns)

    return apply


@component(id="normalize-data", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"transformed_dataset": DataFrame, "transformation": Transformation},
           schema=_normalized_schema)
def normalize_data(dataset, *,
                   method: Param(str, "zscore", choices=tuple(Normalizer.METHODS),
                                 description="zscore: (x - mean) / standard deviation; minmax: rescale to 0..1; "
                                             "logistic: 1 / (1 + e^-x); lognormal: normal CDF of the z-score "
                                             "of ln x; tanh: (tanh(0.01 z) + 1) / 2 of the z-score."),
                   columns: Param(str, "", widget="columns",
                                  description="Number columns to scale; empty means every number column "
                                              "except the label.")):
    """Rescale number columns so they are comparable, learning the scale from this data.

    The learned means and deviations (or minimum and maximum) are kept in
    `transformation`, so new data is scaled exactly like this data. Constant
    columns become 0 (zscore). lognormal needs positive numbers.
    """
    chosen = chosen_columns(dataset, columns, default=numeric_feature_columns(dataset))
    normalizer = Normalizer.fit(dataset, chosen, method)
    return normalizer.apply(dataset), normalizer


def _indicator_schema(s: SchemaInputs) -> dict:
    named = s.columns("columns")
    table = s.table()
    if table is None:
        return {}
    chosen = named or [c for c in table.categorical if c != table.label and table.column(c) is not None]
    categories = {}
    for name in chosen:
        column = table.column(name)
        if column is None or column.values is None:
            return {}  # the categories are learned from the data
        categories[name] = _sorted_categories(pd.Series(list(column.values), dtype=object))
    apply = indicators_added(IndicatorEncoder(categories, bool(s.params.get("overwrite"))).schema_facts())
    return {"results_dataset": apply(table), "indicator_transformation": TransformSchema("indicators", apply)}


@transform_kind("indicators")
def indicators_added(facts) -> Apply:
    """IndicatorEncoder.apply on a schema: each encoded column followed (or, overwriting, replaced) by its
    0/1 columns."""
    new_columns, overwrite = {c: list(names) for c, names in facts["new_columns"].items()}, bool(facts["overwrite"])

    def apply(source: TableSchema) -> TableSchema:
        columns = []
        for column in source.columns:
            if column.name not in new_columns or not overwrite:
                columns.append(column)
            columns += [Column(n, "integer") for n in new_columns.get(column.name, [])]
        gone = set(new_columns) if overwrite else set()
        features = None
        if source.features is not None:
            features = tuple(n for f in source.features
                             for n in ([] if f in gone else [f]) + new_columns.get(f, []))
        return source.with_columns(columns, features=features,
                                   categorical=tuple(c for c in source.categorical if c not in gone))

    return apply


@component(id="convert-to-indicator-values", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"results_dataset": DataFrame, "indicator_transformation": Transformation},
           schema=_indicator_schema)
def convert_to_indicator_values(dataset, *,
                                columns: Param(str, "", widget="columns",
                                               description="Categorical columns to convert; empty means the "
                                                           "columns marked categorical (except the label)."),
                                overwrite: Param(bool, False, description="Replace each converted column by its "
                                                                          "indicator columns instead of keeping "
                                                                          "it."),
                                ctx):
    """One-hot encode categorical columns: one 0/1 column `<column>-<value>` per category.

    The categories are learned from this data. The transformation re-creates the
    same columns for new data; a value it never saw (or a missing one) gives
    zeros in every indicator column of that column.
    """
    roles = column_roles(dataset)
    marked = [c for c in roles.get("categorical") or [] if c != roles.get("label") and c in dataset.columns]
    chosen = chosen_columns(dataset, columns, default=marked)
    if not chosen:
        raise ComponentError("no columns to convert: name them in the columns parameter "
                             "or mark them categorical with edit-metadata")
    encoder = IndicatorEncoder.fit(dataset, chosen, overwrite)
    many = [c for c, values in encoder.categories.items() if len(values) > _MANY_CATEGORIES]
    if many:
        ctx.log(f"warning: {quoted(many)} have more than {_MANY_CATEGORIES} distinct values; "
                f"they may be ids or free text rather than categories")
    return encoder.apply(dataset), encoder


def _applied_schema(s: SchemaInputs) -> TableSchema | None:
    step, table = s.transformation(), s.table()
    return step.apply(table) if step is not None and table is not None else None


@component(id="apply-transformation", category=CATEGORY,
           inputs={"transformation": Transformation, "dataset": DataFrame},
           outputs={"transformed_dataset": DataFrame}, roles={Role.APPLIES_TRANSFORMATION},
           schema=lambda s: {"transformed_dataset": _applied_schema(s)})
def apply_transformation(transformation, dataset):
    """Re-apply a transformation learned earlier (cleaning, normalization, indicators) to new data.

    Nothing is re-learned: the new data is changed exactly as the training data
    was. Columns the transformation needs must be present.
    """
    apply = getattr(transformation, "apply", None)
    if not callable(apply):
        raise ComponentError(f"the transformation input holds a {type(transformation).__name__}, "
                             f"which cannot be applied to data")
    try:
        result = apply(dataset)
    except ComponentError:
        raise
    except (KeyError, ValueError, TypeError) as exc:
        raise ComponentError(f"the transformation could not be applied to this data: {exc}") from exc
    if not isinstance(result, pd.DataFrame):
        raise ComponentError(f"the transformation gave a {type(result).__name__}, not a table")
    if not column_roles(result):
        result = keep_roles(result, dataset)
    return result
