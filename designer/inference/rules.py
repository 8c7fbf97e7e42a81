"""What the training→inference conversion asks the catalogue: which components play which role.

Nothing here names a component: each rule finds the components declaring a role
(`components.roles.Role`) and reads their ports, so a third-party package that
declares the same roles is converted the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from components.roles import Role
from components.spec import ComponentSpec, with_role
from designer.inference.errors import InferenceConversionError

KINDS = ("realtime", "batch")
DATA_TYPES = ("DataFrame", "ImageDirectory")
#: Parameters the batch graph adds.
DATASET_PARAMETER, OUTPUT_PARAMETER = "dataset_path", "output_path"
FINISHED_OK = ("completed", "cached")


def is_scorer(spec: ComponentSpec) -> bool:
    """A scoring node (score-model, score-image-model): declared a scorer and giving data."""
    return Role.SCORER in spec.roles and any(t.name in DATA_TYPES for t in spec.outputs.values())


@dataclass(frozen=True)
class Freezer:
    """The saved-artifact component that gives back a run's artifact of one type (trained-model...)."""

    component: str
    port: str
    #: The new node's id is the training node's id plus this (train → train-model).
    suffix: str


@dataclass(frozen=True)
class Applier:
    """The component that re-applies a fitted Transformation to data of one type (apply-transformation...)."""

    component: str
    transformation_port: str
    data_port: str
    port: str
    params: Mapping[str, Any]


def freezers(catalogue: Mapping[str, ComponentSpec]) -> dict[str, Freezer]:
    """{artifact type name: Freezer}, from the components declaring `saved-artifact`."""
    found: dict[str, Freezer] = {}
    for spec in with_role(catalogue, Role.SAVED_ARTIFACT):
        if len(spec.outputs) == 1:
            (port, port_type), = spec.outputs.items()
            found.setdefault(port_type.name, Freezer(spec.id, port, port.rsplit("_", 1)[-1]))
    return found


def appliers(catalogue: Mapping[str, ComponentSpec]) -> dict[str, Applier]:
    """{data type name: Applier}, from the components declaring `applies-transformation`."""
    found: dict[str, Applier] = {}
    for spec in with_role(catalogue, Role.APPLIES_TRANSFORMATION):
        fitted = [p for p, i in spec.inputs.items() if i.type.name == "Transformation"]
        data = [(p, i.type.name) for p, i in spec.inputs.items() if i.type.name in DATA_TYPES]
        if len(fitted) != 1 or len(data) != 1:
            continue
        out = [p for p, t in spec.outputs.items() if t.name == data[0][1]]
        if out:
            found.setdefault(data[0][1], Applier(spec.id, fitted[0], data[0][0], out[0],
                                                 dict(spec.inference_params)))
    return found


def one_with_role(catalogue: Mapping[str, ComponentSpec], role: str) -> ComponentSpec:
    """The component an inference graph uses for `role` (web-service-input, table-reader...)."""
    found = with_role(catalogue, role)
    if not found:
        raise InferenceConversionError("missing-component", f"no installed component declares the role "
                                       f"'{role}', which an inference graph needs")
    return found[0]


def param_of_kind(spec: ComponentSpec, kind: str) -> str | None:
    """The name of `spec`'s first parameter of `kind`, if any."""
    found = spec.params_of_kind(kind)
    return found[0].name if found else None


def primary_input(spec: ComponentSpec, connected: Mapping[str, Any]) -> str | None:
    """The input the scored rows flow through: the first connected data input (`dataset`, `left`, ...)."""
    return next((p for p, declared in spec.inputs.items() if p in connected and declared.type.name in DATA_TYPES),
                None)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "pipeline"
