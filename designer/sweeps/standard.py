"""The catalogue's standard training steps, found by what they declare (roles and ports), not by id.

Automated ML writes ordinary training graphs (data → split → learner → train → score →
evaluate); which component plays each part is asked of the specs, so a catalogue with
other components in those roles still works.
"""
from __future__ import annotations

from typing import Iterable

import components
from components.roles import Kind, Role


class MissingStep(LookupError):
    """The catalogue has no component for one part of a training graph."""


def _find(what: str, roles: Iterable[str], inputs: set[str], outputs: dict[str, str]) -> str:
    for spec in components.catalogue().values():
        if not set(roles) <= spec.roles:
            continue
        if set(spec.inputs) != inputs:
            continue
        if {name: t.name for name, t in spec.outputs.items()} != outputs:
            continue
        return spec.id
    raise MissingStep(f"the catalogue has no {what} component")


def sample_data() -> str:
    return _find("sample data", {Role.SAMPLE_DATA}, set(), {"dataset": "DataFrame"})


def registered_table() -> str:
    for spec in components.catalogue().values():
        if spec.params_of_kind(Kind.DATASET) and [t.name for t in spec.outputs.values()] == ["DataFrame"]:
            return spec.id
    raise MissingStep("the catalogue has no registered-dataset component")


def row_splitter() -> str:
    return _find("row splitter", {Role.ROW_PICKER}, {"dataset"}, {"train": "DataFrame", "test": "DataFrame"})


def trainer() -> str:
    return _find("trainer", {Role.TRAINING_ONLY}, {"dataset", "untrained_model"}, {"trained_model": "TrainedModel"})


def scorer() -> str:
    return _find("scorer", {Role.SCORER}, {"dataset", "trained_model"}, {"scored_dataset": "DataFrame"})


def evaluator() -> str:
    for spec in components.catalogue().values():
        if Role.EVALUATES in spec.roles and "scored_dataset" in spec.inputs and "metrics" in spec.outputs:
            return spec.id
    raise MissingStep("the catalogue has no evaluation component")
