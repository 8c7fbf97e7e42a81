"""The words a component uses to say what it is: its roles and its parameters' kinds.

A component declares them once, in `@component(roles=...)` and `Param(kind=...)`;
the executor, the training→inference conversion, run summaries, serving and the
browser (through `/api/components`) ask the spec, so no other module keeps a
list of component ids. Plain strings work too (`roles={"training-only"}`); an
unknown word is refused when the component is declared, so a typo cannot
silently drop a role.
"""
from __future__ import annotations


class Role:
    """What a component is, for everything that is not the component itself."""

    #: Only meaningful while training (train, evaluate): the inference conversion drops it, and
    #: bypasses it when the scoring data passes through it unchanged in type.
    TRAINING_ONLY = "training-only"
    #: Picks which rows are trained on (split-data): a training-only step that is always bypassed.
    ROW_PICKER = "row-picker"
    #: Scores rows with a trained model (score-model): the inference conversion keeps what feeds it.
    SCORER = "scorer"
    #: Its metrics summarise a run (evaluate-model): run lists and comparisons show them.
    EVALUATES = "evaluates"
    #: Its result cannot be promised equal at inference time (arbitrary user code): an inference
    #: graph refuses to keep it on the scoring path.
    NO_INFERENCE_FORM = "no-inference-form"
    #: Its only job is the columns it names (select-columns, edit-metadata): on a real-time path,
    #: where requests carry no label, a node that named only the label is dropped.
    PICKS_COLUMNS = "picks-columns"
    #: Where a real-time endpoint's request rows enter the graph (one DataFrame output; parameters
    #: `schema`, the columns a request sends, `sample` rows, and `name`, the Azure-style input name).
    WEB_SERVICE_INPUT = "web-service-input"
    #: Where a real-time endpoint's answer leaves the graph (its `dataset` input is returned).
    WEB_SERVICE_OUTPUT = "web-service-output"
    #: Reads a table from the datastore file its read-path parameter names: batch inference
    #: graphs read the rows to score with it.
    TABLE_READER = "table-reader"
    #: Writes its `dataset` input to the datastore file its write-path parameter names: batch
    #: inference graphs write their scores with it.
    TABLE_WRITER = "table-writer"
    #: Gives back an artifact of an earlier run by its `digest` parameter, of its one output's type
    #: (trained-model, saved-transformation): the conversion freezes learned results with it. A
    #: `registry` parameter (NAME:VERSION of the model registry) is resolved to a digest on deploy.
    SAVED_ARTIFACT = "saved-artifact"
    #: Gives one of the bundled sample tables, chosen by its `name` parameter (automated ML's data source).
    SAMPLE_DATA = "sample-data"
    #: Re-applies a Transformation input to a data input of its output's type (apply-transformation):
    #: a step that learned while transforming becomes this in an inference graph.
    APPLIES_TRANSFORMATION = "applies-transformation"


class Kind:
    """What a parameter's value means, apart from how the parameter panel shows it (`widget`)."""

    #: A datastore path the component reads: what the file holds now is part of the cache key,
    #: so editing the file re-runs the node.
    READ_PATH = "read-path"
    #: A datastore path the component writes: never fingerprinted (the file is the node's
    #: result, not its input), so an unchanged graph comes from cache.
    WRITE_PATH = "write-path"
    #: Names one column of an input table.
    COLUMN = "column"
    #: Names several columns, comma separated.
    COLUMNS = "columns"
    #: Names the label column a model learns to predict: real-time requests do not send it.
    LABEL = "label"
    #: Names the datastore the component's path parameters (or its query) are read from
    #: ("workspace" when empty): read paths are fingerprinted there, a sql one is read afresh.
    DATASTORE = "datastore"
    #: Names a registered dataset, "NAME" (newest) or "NAME:VERSION": pinned to that version's
    #: content digest before a run (so the cache key follows the content) and recorded as lineage;
    #: a batch inference graph takes it as a pipeline parameter of type dataset.
    DATASET = "dataset"


ROLES = frozenset(v for k, v in vars(Role).items() if k.isupper())
KINDS = frozenset(v for k, v in vars(Kind).items() if k.isupper())
#: Roles that imply others, so a declaration says the most precise one only.
IMPLIED = {Role.ROW_PICKER: {Role.TRAINING_ONLY}}
#: The panel widget a kind gets when the declaration names none, and the kind a widget implies
#: when only the widget is given (components written before kinds existed).
WIDGET_OF_KIND = {Kind.READ_PATH: "path", Kind.WRITE_PATH: "path", Kind.COLUMN: "column",
                  Kind.COLUMNS: "columns", Kind.LABEL: "column", Kind.DATASTORE: "datastore",
                  Kind.DATASET: "dataset"}
KIND_OF_WIDGET = {"path": Kind.READ_PATH, "column": Kind.COLUMN, "columns": Kind.COLUMNS,
                  "datastore": Kind.DATASTORE, "dataset": Kind.DATASET}


def checked_roles(roles, *, training_only: bool = False) -> frozenset:
    """The declared roles plus those they imply; ValueError names any word that is not a role."""
    if isinstance(roles, str):
        roles = {roles}
    declared = set(roles or ())
    unknown = sorted(declared - ROLES)
    if unknown:
        raise ValueError(f"unknown component role(s) {unknown}; known: {sorted(ROLES)}")
    if training_only:
        declared.add(Role.TRAINING_ONLY)
    for role in list(declared):
        declared |= IMPLIED.get(role, set())
    return frozenset(declared)


def checked_kind(kind: str | None, widget: str | None) -> tuple[str | None, str | None]:
    """(kind, widget) with each filled in from the other when only one is given."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown parameter kind {kind!r}; known: {sorted(KINDS)}")
    if kind is None:
        kind = KIND_OF_WIDGET.get(widget)
    if widget is None:
        widget = WIDGET_OF_KIND.get(kind)
    return kind, widget
