"""Component roles and parameter kinds: declared once in @component, read by everyone else from the spec."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import components
from components.ports import DataFrame, TrainedModel
from components.roles import ROLES, Kind, Role
from components.spec import Param, component

ROOT = Path(__file__).resolve().parents[2]


@component(id="acme-pick-rows", category="Test roles", inputs={"dataset": DataFrame},
           outputs={"kept": DataFrame, "rest": DataFrame}, roles={Role.ROW_PICKER})
def acme_pick_rows(dataset, *, every: Param(int, 2, min=1)):
    """A third-party row picker."""
    return {"kept": dataset.iloc[::every], "rest": dataset.iloc[1::every]}


@component(id="acme-score", category="Test roles", inputs={"dataset": DataFrame, "trained_model": TrainedModel},
           outputs={"scored_dataset": DataFrame}, roles={"scorer"})
def acme_score(dataset, trained_model):
    """A third-party scorer declared with a plain string role."""
    return trained_model.score(dataset)


def test_every_built_in_role_is_declared_by_some_component():
    declared = set().union(*(spec.roles for spec in components.catalogue().values()))
    assert ROLES <= declared


@pytest.mark.parametrize("component_id, role", [
    ("split-data", Role.ROW_PICKER), ("split-data", Role.TRAINING_ONLY), ("train-model", Role.TRAINING_ONLY),
    ("evaluate-model", Role.EVALUATES), ("score-model", Role.SCORER), ("score-image-model", Role.SCORER),
    ("execute-python-script", Role.NO_INFERENCE_FORM), ("web-service-input", Role.WEB_SERVICE_INPUT),
    ("web-service-output", Role.WEB_SERVICE_OUTPUT), ("import-data", Role.TABLE_READER),
    ("export-data", Role.TABLE_WRITER), ("trained-model", Role.SAVED_ARTIFACT),
    ("apply-transformation", Role.APPLIES_TRANSFORMATION), ("select-columns", Role.PICKS_COLUMNS),
])
def test_built_in_components_declare_their_roles(component_id, role):
    assert role in components.get(component_id).roles


def test_a_row_picker_is_training_only_without_saying_so():
    assert components.get("acme-pick-rows").training_only
    assert not components.get("score-model").training_only


def test_read_and_write_paths_are_kinds_apart_from_the_widget():
    read = components.get("import-data").params["path"]
    write = components.get("export-data").params["path"]
    assert (read.kind, read.widget) == (Kind.READ_PATH, "path")
    assert (write.kind, write.widget) == (Kind.WRITE_PATH, "path")
    assert components.get("train-model").params["label_column"].kind == Kind.LABEL


def test_a_bare_path_widget_still_means_a_read_path():
    assert Param(str, "", widget="path").kind == Kind.READ_PATH
    assert Param(str, "", widget="code").kind is None


def test_to_json_carries_roles_kinds_and_inference_params():
    export = components.get("export-data").to_json()
    assert export["roles"] == ["table-writer"]
    assert next(p for p in export["params"] if p["name"] == "path")["kind"] == "write-path"
    assert components.get("apply-image-transformation").to_json()["inference_params"] == {"mode": "inference"}


def test_an_unknown_role_is_refused_when_the_component_is_declared():
    with pytest.raises(ValueError, match="unknown component role"):
        @component(id="acme-typo", category="Test roles", roles={"trainig-only"})
        def acme_typo():
            """Never registered."""


def test_an_unknown_parameter_kind_is_refused():
    with pytest.raises(ValueError, match="unknown parameter kind"):
        Param(str, "", kind="read-file")


def test_inference_params_must_name_declared_parameters():
    with pytest.raises(ValueError, match="unknown parameter"):
        @component(id="acme-bad-inference", category="Test roles", inference_params={"mode": "x"})
        def acme_bad_inference():
            """Never registered."""


def test_no_component_id_is_written_outside_the_component_library():
    """Roles live in the spec: the application never names a component to decide what it does."""
    roles = set(ROLES)
    ids = sorted((set(components.catalogue()) - roles), key=len, reverse=True)
    pattern = re.compile(r"""["'](%s)["']""" % "|".join(map(re.escape, ids)))
    found = []
    for folder in ("designer", "canvas_store"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
