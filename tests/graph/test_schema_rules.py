"""Every component's schema rule against a real run of it: the columns the canvas is told before a run
(names, order, types, label and categorical values) are the columns the run gives."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

import components
from designer.graph.schemas import propagate
from schema_differences import differences

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TEXTS = ("text,kind\n"
         "The cats are running quickly through the garden,a\n"
         "Dogs were barking at the mailman all morning,b\n"
         "Running cats and barking dogs make noisy gardens,a\n"
         "The mailman brought letters and parcels today,b\n"
         "Quiet gardens are lovely in the morning light,a\n"
         "Parcels and letters piled up by the door,b\n")
#: Ports that stay unknown however well their inputs are known, and why (the canvas shows them unknown).
UNKNOWN_BY_DESIGN = {
    ("import-data", "dataset"): "a file's columns are read only when it is read (a Parquet file's footer is "
                                "read through SchemaInputs.lookup)",
    ("registered-dataset", "dataset"): "its columns come from the dataset registry (SchemaInputs.lookup)",
    ("execute-python-script", "result_dataset"): "a script may return any table",
    ("execute-python-script", "result_dataset2"): "a script may return any table",
    ("score-image-model", "scored_dataset"): "the class columns are named after the image folders' classes",
    ("extract-n-gram-features", "results_dataset"): "one column per n-gram of the vocabulary learned from the text "
                                                     "(known when a saved vocabulary is given)",
    ("filter-based-feature-selection", "features"): "one column per scored feature, in the order of their scores",
    ("cross-validate-model", "evaluation_results_by_fold"): "the metrics columns depend on what the folds allow "
                                                            "(non-finite metrics are left out)",
    ("tune-model-hyperparameters", "sweep_results"): "one column per sampled hyperparameter and per metric "
                                                     "the trials give",
}

#: Ports predicted for some settings only, and why not for the others.
UNKNOWN_FOR_SOME_SETTINGS = {
    ("filter-based-feature-selection", "filtered_dataset"): "unless every scored column is kept, which are kept "
                                                            "depends on their scores",
    ("clean-missing-data", "cleaned_dataset"): "with add_indicator or remove-column, which columns have gaps",
    ("score-model", "scored_dataset"): "a classifier's probability columns, when its classes are not known",
    ("apply-sql-transformation", "results_dataset"): "a query that is not one SELECT",
}


@dataclass
class Case:
    name: str
    nodes: list

    def document(self) -> dict:
        edges = [{"source": source.split(".")[0], "source_port": source.split(".")[1], "target": node_id,
                  "target_port": port}
                 for node_id, _, _, inputs in self.nodes for port, source in inputs.items()]
        return {"format": "designer-graph/1", "name": self.name, "edges": edges,
                "nodes": [{"id": node_id, "component": component, "params": params}
                          for node_id, component, params, _ in self.nodes]}


def node(node_id, component, params=None, **inputs):
    """One node of a case: its inputs are "upstream_node.port"; nodes are listed in dependency order."""
    return node_id, component, params or {}, inputs


IRIS = node("iris", "sample-dataset", {"name": "iris"})
IRIS_SPLIT = node("split", "split-data", {"test_fraction": 0.3, "seed": 1, "stratify_column": "species"},
                  dataset="iris.dataset")
TEXT = node("text", "enter-data-manually", {"data": TEXTS})
PETALS = "petal length (cm), petal width (cm)"


def scored(learner, params=None, dataset="iris", label="species", trainer="train-model"):
    source = node("data", "sample-dataset", {"name": dataset})
    return [source, node("split", "split-data", {"seed": 2}, dataset="data.dataset"),
            node("algo", learner, params),
            node("train", trainer, {"label_column": label}, dataset="split.train", untrained_model="algo.model"),
            node("score", "score-model", {}, dataset="split.test", trained_model="train.trained_model")]


CASES = [
    Case("typed-in data and the web-service ends", [
        node("typed", "enter-data-manually", {"data": "a,b,c\n1,x,2.5\n2,y,3.5"}),
        node("ws_in", "web-service-input", {"schema": '{"columns": [{"name": "a", "dtype": "int64"}, '
                                                      '{"name": "b", "dtype": "object"}]}',
                                            "sample": '[{"a": 1, "b": "x"}]'}),
        node("ws_out", "web-service-output", {}, dataset="typed.dataset")]),
    Case("select, deduplicate, split, join", [
        IRIS, node("sel", "select-columns", {"columns": f"species, {PETALS}"}, dataset="iris.dataset"),
        node("dedup", "remove-duplicate-rows", {"columns": "species"}, dataset="sel.results_dataset"),
        IRIS_SPLIT,
        node("join", "join-data", {"left_keys": "species"}, left="dedup.results_dataset", right="split.test")]),
    Case("edit metadata, clean, normalize, indicators and their re-application", [
        IRIS, IRIS_SPLIT,
        node("meta", "edit-metadata", {"columns": "species", "role": "clear-label", "categorical": "true"},
             dataset="split.train"),
        node("clean", "clean-missing-data", {"strategy": "mean"}, dataset="meta.results_dataset"),
        node("norm", "normalize-data", {"method": "minmax"}, dataset="clean.cleaned_dataset"),
        node("ind", "convert-to-indicator-values", {"columns": "species"}, dataset="norm.transformed_dataset"),
        node("again", "apply-transformation", {}, dataset="split.test", transformation="norm.transformation")]),
    Case("math: append, in place and result only", [
        IRIS,
        node("log", "apply-math-operation", {"category": "basic", "function": "Log", "constant": 2.0,
                                             "column_set": PETALS}, dataset="iris.dataset"),
        node("compare", "apply-math-operation", {"category": "compare", "function": "GreaterThan", "constant": 1.0,
                                                 "column_set": "petal width (cm)", "output_mode": "inplace"},
             dataset="iris.dataset"),
        node("add", "apply-math-operation", {"category": "operations", "function": "Add",
                                             "column_set": "sepal length (cm)", "second_argument_type": "column",
                                             "second_argument_column": "sepal width (cm)",
                                             "output_mode": "result-only"}, dataset="iris.dataset")]),
    Case("add columns and rows", [
        IRIS, node("sel", "select-columns", {"columns": f"species, {PETALS}"}, dataset="iris.dataset"),
        node("side", "add-columns", {}, left="iris.dataset", right="sel.results_dataset"),
        node("head", "partition-and-sample", {"partition_or_sample_mode": "head"}, dataset="iris.dataset"),
        node("rows", "add-rows", {}, dataset1="iris.dataset", dataset2="head.results_dataset"),
        node("ints", "enter-data-manually", {"data": "a,b\n1,x\n2,y"}),
        node("floats", "enter-data-manually", {"data": "b,a\nz,1.5"}),
        node("mixed", "add-rows", {}, dataset1="ints.dataset", dataset2="floats.dataset")]),
    Case("clip values and bins, learned and re-applied", [
        IRIS, IRIS_SPLIT,
        node("clip", "clip-values", {"add_indicator_columns": True, "upper_threshold": 5.0}, dataset="split.train"),
        node("clip2", "clip-values", {"threshold": "percentile", "overwrite": False, "columns": PETALS,
                                      "set_of_thresholds": "peaks"}, dataset="split.train"),
        node("reclip", "apply-transformation", {}, dataset="split.test", transformation="clip2.clip_transformation"),
        node("bins", "group-data-into-bins", {"number_of_bins": 4}, dataset="split.train"),
        node("inplace", "group-data-into-bins", {"binning_mode": "custom-edges", "custom_edges": "1, 2",
                                                 "output_mode": "inplace", "columns": PETALS}, dataset="split.train"),
        node("only", "group-data-into-bins", {"binning_mode": "equal-width", "output_mode": "result-only",
                                              "tag_columns_as_categorical": False}, dataset="split.train"),
        node("rebin", "apply-transformation", {}, dataset="split.test",
             transformation="bins.binning_transformation")]),
    Case("a column selection transform and summaries", [
        IRIS, TEXT, node("sel", "select-columns", {"columns": f"species, {PETALS}"}, dataset="iris.dataset"),
        node("remember", "select-columns-transform", {}, dataset="sel.results_dataset"),
        node("same", "apply-transformation", {}, dataset="iris.dataset",
             transformation="remember.columns_selection_transformation"),
        node("numbers", "summarize-data", {}, dataset="iris.dataset"),
        node("words", "summarize-data", {}, dataset="text.dataset")]),
    Case("partition and sample, SMOTE", [
        IRIS,
        node("sample", "partition-and-sample", {"rate_of_sampling": 0.5, "stratified_split": True,
                                                "stratification_key_column": "species"}, dataset="iris.dataset"),
        node("folds", "partition-and-sample", {"partition_or_sample_mode": "assign-to-folds", "number_of_folds": 3},
             dataset="iris.dataset"),
        node("fold", "partition-and-sample", {"partition_or_sample_mode": "pick-fold", "specify_which_fold": 2},
             dataset="folds.results_dataset"),
        node("smote", "smote", {"label_column": "species", "number_of_nearest_neighbors": 2},
             dataset="sample.results_dataset")]),
    Case("SQL over one, two and three tables", [
        IRIS, node("wine", "sample-dataset", {"name": "wine"}), TEXT,
        node("star", "apply-sql-transformation", {"sql_query_script": "select * from t1 where species <> 'setosa';"},
             t1="iris.dataset"),
        node("agg", "apply-sql-transformation", {
            "sql_query_script": 'select species, avg("petal width (cm)") as width, count(*) as n, '
                                'max("petal length (cm)") > 5 as long, cast(1 as integer) as one, '
                                'cast(\'2020-01-02\' as date) as day, sum(cast("petal length (cm)" as bigint)) as total '
                                'from t1 group by species order by species'}, t1="iris.dataset"),
        node("join", "apply-sql-transformation", {
            "sql_query_script": "with w as (select cultivar, alcohol from t2 limit 3) "
                                "select t1.species, w.*, t3.kind, upper(t3.text) as loud "
                                "from t1, w, t3 limit 20"},
             t1="iris.dataset", t2="wine.dataset", t3="text.dataset")]),
    Case("feature selection and importance", [
        IRIS, IRIS_SPLIT,
        node("all", "filter-based-feature-selection", {"target_column": "species", "number_of_desired_features": 4},
             dataset="split.train"),
        node("same", "apply-transformation", {}, dataset="split.test",
             transformation="all.feature_selection_transformation"),
        node("algo", "logistic-regression"),
        node("train", "train-model", {"label_column": "species"}, dataset="split.train", untrained_model="algo.model"),
        node("importance", "permutation-feature-importance", {"number_of_repeats": 1}, test_data="split.test",
             trained_model="train.trained_model")]),
    Case("text: clean, hash, topics", [
        TEXT,
        node("clean", "preprocess-text", {"text_column_to_clean": "text"}, dataset="text.dataset"),
        node("hash", "feature-hashing", {"target_columns": "text", "hashing_bitsize": 3},
             dataset="clean.results_dataset"),
        node("topics", "latent-dirichlet-allocation", {"target_columns": "Preprocessed text",
                                                       "number_of_topics_to_model": 2,
                                                       "number_of_passes_over_the_data": 2},
             dataset="clean.results_dataset"),
        node("again", "apply-transformation", {}, dataset="clean.results_dataset",
             transformation="topics.lda_transformation")]),
    Case("two-class support vector machine", scored("support-vector-machine", dataset="breast_cancer",
                                                    label="diagnosis")),
    Case("averaged perceptron", scored("averaged-perceptron", {"maximum_number_of_iterations": 5},
                                       dataset="breast_cancer", label="diagnosis")),
    Case("one-vs-all", [*scored("one-vs-all-multiclass")[:2], node("binary", "logistic-regression"),
                        *[n if n[0] != "algo" else node("algo", "one-vs-all-multiclass", binary_model="binary.model")
                          for n in scored("one-vs-all-multiclass")[2:]]]),
    Case("one-vs-one", [*scored("one-vs-one-multiclass")[:2], node("binary", "logistic-regression"),
                        *[n if n[0] != "algo" else node("algo", "one-vs-one-multiclass", binary_model="binary.model")
                          for n in scored("one-vs-one-multiclass")[2:]]]),
    Case("poisson regression", scored("poisson-regression", dataset="diabetes", label="progression")),
    Case("quantile forest", scored("fast-forest-quantile-regression",
                                   {"number_of_trees": 5, "quantiles_to_be_estimated": "0.1; 0.5; 0.9"},
                                   dataset="diabetes", label="progression")),
    Case("PCA anomaly detection", scored("pca-based-anomaly-detection", label="",
                                         trainer="train-anomaly-detection-model")),
    Case("clustering", [
        IRIS, IRIS_SPLIT, node("algo", "k-means", {"n_clusters": 3}),
        node("train", "train-clustering-model", {"column_set": PETALS}, dataset="split.train",
             untrained_model="algo.model"),
        node("only", "train-clustering-model", {"check_for_append_or_uncheck_for_result_only": False},
             dataset="split.train", untrained_model="algo.model"),
        node("assign", "assign-data-to-clusters", {}, dataset="split.test", trained_model="train.trained_model")]),
    Case("cross-validation and tuning", [
        IRIS, IRIS_SPLIT, node("algo", "logistic-regression"),
        node("cv", "cross-validate-model", {"label_column": "species", "folds": 3}, dataset="iris.dataset",
             untrained_model="algo.model"),
        node("tune", "tune-model-hyperparameters", {"label_column": "species", "max_trials": 2},
             training_dataset="split.train", untrained_model="algo.model"),
        node("score", "score-model", {}, dataset="split.test", trained_model="tune.trained_best_model")]),
]


def _dataframe_ports(spec) -> list[str]:
    return [port for port, kind in spec.outputs.items() if kind.name == "DataFrame"]


def _run(case: Case, run_component) -> dict:
    outputs = {}
    for node_id, component, params, inputs in case.nodes:
        given = {port: outputs[source.split(".")[0]][source.split(".")[1]] for port, source in inputs.items()}
        outputs[node_id] = run_component(component, given, params)
    return outputs


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_predicted_columns_are_the_columns_a_real_run_gives(case, run_component):
    assert_predictions_hold(case, run_component)


def assert_predictions_hold(case: Case, run_component) -> None:
    """Run `case` for real: every port predicted is what the run gives; a port is unknown only by design,
    for settings that make it so, or because an input of its node is unknown."""
    catalogue = components.catalogue()
    predicted = propagate(case.document(), catalogue)
    assert predicted.problems == [], [p.message for p in predicted.problems]
    outputs = _run(case, run_component)
    compared = 0
    for node_id, component, _, inputs in case.nodes:
        unknown_input = any(predicted.nodes[source.split(".")[0]].outputs[source.split(".")[1]] is None
                            for source in inputs.values())
        for port in _dataframe_ports(catalogue[component]):
            schema = predicted.nodes[node_id].outputs[port]
            if schema is None:
                assert (component, port) in {**UNKNOWN_BY_DESIGN, **UNKNOWN_FOR_SOME_SETTINGS} or unknown_input, \
                    f"{node_id}.{port} ({component}) was not predicted"
                continue
            assert differences(schema, outputs[node_id][port]) == [], f"{node_id}.{port} ({component})"
            compared += 1
    assert compared


def _example_case(name: str) -> Case:
    """An example graph as a case: nodes in dependency order, pipeline parameters at their defaults."""
    document = json.loads((EXAMPLES / name).read_text())
    defaults = {p["name"]: p.get("default") for p in document.get("parameters") or []}
    inputs = {n["id"]: {e["target_port"]: f"{e['source']}.{e['source_port']}" for e in document["edges"]
                        if e["target"] == n["id"]} for n in document["nodes"]}
    waiting, ordered = list(document["nodes"]), []
    while waiting:
        done = {n[0] for n in ordered}
        ready = next(n for n in waiting if all(s.split(".")[0] in done for s in inputs[n["id"]].values()))
        waiting.remove(ready)
        params = {k: defaults.get(v["$param"]) if isinstance(v, dict) else v for k, v in ready["params"].items()}
        if ready["component"] == "neural-network":
            params["epochs"] = 2  # the columns, not the fit, are under test
        ordered.append(node(ready["id"], ready["component"], params, **inputs[ready["id"]]))
    return Case(name, ordered)


def _tabular(name: str) -> bool:
    catalogue = components.catalogue()
    return not any(kind.name == "ImageDirectory" for n in json.loads((EXAMPLES / name).read_text())["nodes"]
                   for kind in [*catalogue[n["component"]].outputs.values()])


@pytest.mark.parametrize("example", [p.name for p in sorted(EXAMPLES.glob("*.json")) if _tabular(p.name)])
def test_every_tabular_example_runs_to_the_columns_predicted_for_it(example, run_component):
    """Downstream of a port unknown by design (feature selection keeping the best 8, a learned vocabulary)
    the columns are unknown too; every port that is predicted must hold."""
    assert_predictions_hold(_example_case(example), run_component)


def test_every_table_output_is_predicted_in_a_case_or_unknown_by_design():
    """A new component whose tables are unknown to the canvas shows up here: give it a rule and a case,
    or add it to UNKNOWN_BY_DESIGN with the reason its columns cannot be known before a run."""
    catalogue = components.catalogue()
    predicted = set()
    for case in CASES:
        schemas = propagate(case.document(), catalogue).nodes
        predicted |= {(component, port) for node_id, component, _, _ in case.nodes
                      for port, schema in schemas[node_id].outputs.items() if schema is not None}
    built_in = [spec for spec in catalogue.values() if spec.function.__module__.startswith("components.")]
    unpredicted = {(spec.id, port) for spec in built_in for port in _dataframe_ports(spec)} - predicted
    assert unpredicted == set(UNKNOWN_BY_DESIGN)


def test_a_sql_query_naming_a_missing_column_is_an_unknown_column_error():
    def sql(query):
        return Case("sql", [IRIS, node("sql", "apply-sql-transformation", {"sql_query_script": query},
                                       t1="iris.dataset")]).document()

    for query in ('select "petal size" from t1', 'select a."petal size" from t1 as a'):
        problems = propagate(sql(query), components.catalogue()).problems
        assert [(p.node, p.param, p.code) for p in problems] == [("sql", "sql_query_script", "unknown-column")]
        assert "'petal size'" in problems[0].message and "petal width (cm)" in problems[0].message
    for unknown in ("select * from t2",  # t2 is not connected: the run says so
                    "create table x as select 1", "select 1; select 2", "selec 1"):
        schemas = propagate(sql(unknown), components.catalogue())
        assert schemas.problems == [] and schemas.nodes["sql"].outputs["results_dataset"] is None, unknown


def test_a_sql_query_is_bound_not_run_to_know_its_columns():
    """Running this count would take hours; binding it takes milliseconds."""
    document = Case("sql", [IRIS, node("sql", "apply-sql-transformation", {
        "sql_query_script": "select count(*) as n from range(100000000000) a, range(100000000000) b"},
        t1="iris.dataset")]).document()
    schema = propagate(document, components.catalogue()).nodes["sql"].outputs["results_dataset"]
    assert [(c.name, c.type) for c in schema.columns] == [("n", "integer")]


@pytest.mark.parametrize("component, params, wrong", [
    ("apply-math-operation", {"column_set": "petal size"}, "column_set"),
    ("apply-math-operation", {"column_set": "petal width (cm)", "second_argument_type": "column",
                              "second_argument_column": "petal size"}, "second_argument_column"),
    ("clip-values", {"columns": "petal size"}, "columns"),
    ("group-data-into-bins", {"columns": "petal size"}, "columns"),
    ("partition-and-sample", {"stratification_key_column": "petal size"}, "stratification_key_column"),
    ("smote", {"label_column": "petal size"}, "label_column"),
    ("filter-based-feature-selection", {"target_column": "petal size"}, "target_column"),
    ("preprocess-text", {"text_column_to_clean": "petal size"}, "text_column_to_clean"),
    ("feature-hashing", {"target_columns": "species, petal size"}, "target_columns"),
    ("extract-n-gram-features", {"text_column": "petal size"}, "text_column"),
    ("latent-dirichlet-allocation", {"target_columns": "petal size"}, "target_columns"),
])
def test_column_parameters_naming_a_missing_column_are_node_errors(component, params, wrong):
    document = Case("wrong", [IRIS, node("n", component, params, dataset="iris.dataset")]).document()
    problems = propagate(document, components.catalogue()).problems
    assert [(p.node, p.param, p.code) for p in problems] == [("n", wrong, "unknown-column")]


@pytest.mark.parametrize("component, port, params", [
    ("train-clustering-model", "dataset", {"column_set": "petal size"}),
    ("train-anomaly-detection-model", "dataset", {"label_column": "petal size"}),
    ("cross-validate-model", "dataset", {"label_column": "petal size"}),
    ("tune-model-hyperparameters", "training_dataset", {"label_column": "petal size"}),
])
def test_trainers_report_a_missing_label_or_feature_column(component, port, params):
    document = Case("wrong", [IRIS, node("algo", "logistic-regression"),
                              node("n", component, params, untrained_model="algo.model",
                                   **{port: "iris.dataset"})]).document()
    problems = propagate(document, components.catalogue()).problems
    assert [(p.node, p.param, p.code) for p in problems] == [("n", next(iter(params)), "unknown-column")]
