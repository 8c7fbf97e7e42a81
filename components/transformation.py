"""Data Transformation components that learn a step (clean, normalize, indicators) or re-apply one.

Each learning component returns the transformed table and a fitted
`components.fitted.TableTransformation`; its table output is exactly what the
transformation gives when applied to the same input, so training and scoring
data go through the same code.
"""
import pandas as pd

from components.columns import chosen_columns, keep_roles, numeric_feature_columns, quoted
from components.fitted import IndicatorEncoder, MissingValueCleaner, Normalizer
from components.ports import DataFrame, Transformation, column_roles
from components.roles import Role
from components.spec import ComponentError, Param, component

CATEGORY = "Data Transformation"
#: More distinct values than this in one column usually means it is an id or free text, not a category.
_MANY_CATEGORIES = 100


@component(id="clean-missing-data", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"cleaned_dataset": DataFrame, "cleaning_transformation": Transformation})
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


@component(id="normalize-data", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"transformed_dataset": DataFrame, "transformation": Transformation})
def normalize_data(dataset, *,
                   method: Param(str, "zscore", choices=tuple(Normalizer.METHODS),
                                 description="zscore: (x - mean) / standard deviation; minmax: rescale to 0..1."),
                   columns: Param(str, "", widget="columns",
                                  description="Number columns to scale; empty means every number column "
                                              "except the label.")):
    """Rescale number columns so they are comparable, learning the scale from this data.

    The learned means and deviations (or minimum and maximum) are kept in
    `transformation`, so new data is scaled exactly like this data. Constant
    columns become 0.
    """
    chosen = chosen_columns(dataset, columns, default=numeric_feature_columns(dataset))
    normalizer = Normalizer.fit(dataset, chosen, method)
    return normalizer.apply(dataset), normalizer


@component(id="convert-to-indicator-values", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"results_dataset": DataFrame, "indicator_transformation": Transformation})
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


@component(id="apply-transformation", category=CATEGORY,
           inputs={"transformation": Transformation, "dataset": DataFrame},
           outputs={"transformed_dataset": DataFrame}, roles={Role.APPLIES_TRANSFORMATION})
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
