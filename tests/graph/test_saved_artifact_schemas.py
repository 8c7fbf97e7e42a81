"""A stored model or fitted transformation records, in its meta.json, what it does to a table's columns:
that record alone predicts the columns scoring or applying it gives to new rows."""
from __future__ import annotations

import pandas as pd
import pytest

from components.ports import TrainedModel, Transformation, column_roles, with_roles
from components.table_schema import ModelSchema, TransformSchema, saved_schema, table_of_frame
from components.scoring import scored_table
from schema_differences import differences

WORDS = ["cats run in the garden", "dogs bark at the mailman", "cats and dogs in gardens",
         "letters and parcels today", "quiet garden in the morning", "parcels by the door"]
TRAINING = pd.DataFrame({"a": [1.0, None, 3.0, 4.0, 5.0, 9.0], "b": ["x", "y", None, "x", "z", "y"],
                         "c": [1, 2, 3, 4, 5, 6], "t": WORDS})
#: New rows, columns in another order, gaps where training had none.
SCORING = pd.DataFrame({"t": ["garden cats", "a door"], "c": [7, None], "b": ["y", None], "a": [2.0, None]})

#: (component, params, transformation port)
TRANSFORMATIONS = [
    ("clean-missing-data", {"strategy": "mean", "add_indicator": True}, "cleaning_transformation"),
    ("clean-missing-data", {"strategy": "remove-column"}, "cleaning_transformation"),
    ("clean-missing-data", {"strategy": "constant", "constant": "0", "columns": "a"}, "cleaning_transformation"),
    ("convert-to-indicator-values", {"columns": "b"}, "indicator_transformation"),
    ("convert-to-indicator-values", {"columns": "b", "overwrite": True}, "indicator_transformation"),
    ("normalize-data", {"method": "zscore", "columns": "a"}, "transformation"),
    ("clip-values", {"columns": "c", "overwrite": False, "add_indicator_columns": True}, "clip_transformation"),
    ("group-data-into-bins", {"columns": "c", "number_of_bins": 2, "output_mode": "result-only"},
     "binning_transformation"),
    ("select-columns-transform", {}, "columns_selection_transformation"),
    ("extract-n-gram-features", {"text_column": "t", "n_grams_size": 2}, "result_vocabulary"),
    ("latent-dirichlet-allocation", {"target_columns": "t", "number_of_topics_to_model": 3}, "lda_transformation"),
]


@pytest.mark.parametrize("component, params, port", TRANSFORMATIONS,
                         ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(TRANSFORMATIONS)])
def test_a_stored_transformation_predicts_the_columns_it_gives_new_rows(component, params, port, run_component,
                                                                         artifact_store):
    training = TRAINING.dropna() if component in ("normalize-data", "clip-values", "group-data-into-bins") \
        else TRAINING
    fitted = run_component(component, {"dataset": training.copy()}, params)[port]
    meta = artifact_store.meta(artifact_store.put(Transformation, fitted))
    predicted = saved_schema(meta["schema"])
    assert isinstance(predicted, TransformSchema)
    scoring = SCORING.dropna() if component == "normalize-data" else SCORING
    schema = predicted.apply(table_of_frame(scoring))
    assert schema is not None and differences(schema, fitted.apply(scoring.copy())) == []


#: (learner, its params, label, sample dataset)
MODELS = [
    ("logistic-regression", {}, "species", "iris"),
    ("linear-regression", {}, "progression", "diabetes"),
    ("fast-forest-quantile-regression", {"number_of_trees": 3, "quantiles_to_be_estimated": "0.25;0.75"},
     "progression", "diabetes"),
    ("k-means", {"n_clusters": 2}, "", "iris"),
]


@pytest.mark.parametrize("learner, params, label, dataset", MODELS, ids=[m[0] for m in MODELS])
def test_a_stored_model_predicts_the_columns_scoring_gives(learner, params, label, dataset, run_component,
                                                          artifact_store):
    data = run_component("sample-dataset", {}, {"name": dataset})["dataset"]
    if not label:
        data = with_roles(data.drop(columns=["species"]), label=None)
    algorithm = run_component(learner, {}, params)["model"]
    model = run_component("train-model", {"dataset": data, "untrained_model": algorithm},
                          {"label_column": label})["trained_model"]
    predicted = saved_schema(artifact_store.meta(artifact_store.put(TrainedModel, model))["schema"])
    assert isinstance(predicted, ModelSchema) and predicted.features == tuple(model.feature_columns)
    new_rows = with_roles(data.head(5).drop(columns=[label] if label else []).copy(), label=None)
    scored = run_component("score-model", {"dataset": new_rows, "trained_model": model}, {})["scored_dataset"]
    roles = column_roles(new_rows)
    schema = scored_table(table_of_frame(new_rows, features=roles.get("features"),
                                         categorical=roles.get("categorical") or ()), predicted)
    assert schema is not None and differences(schema, scored) == [], column_roles(scored)


def test_facts_that_are_missing_or_malformed_are_unknown():
    assert saved_schema(None) is None
    assert saved_schema({"kind": "no-such-kind"}) is None
    assert saved_schema({"kind": "normalize"}) is None  # its columns are missing
    assert saved_schema({"kind": "model", "task": "classification", "classes": 3}) is None


class _Unsure:
    def schema_facts(self):
        raise RuntimeError("cannot tell")


def test_a_value_that_cannot_tell_its_columns_is_still_stored_and_stays_unknown(artifact_store):
    digest = artifact_store.put(Transformation, _Unsure())
    assert "schema" not in artifact_store.meta(digest)
    assert isinstance(artifact_store.get(digest), _Unsure)
