"""What the training→inference conversion knows about particular components, ports and parameters."""
from __future__ import annotations

import re
from typing import Any, Mapping

from components.spec import ComponentSpec

KINDS = ("realtime", "batch")
DATA_TYPES = ("DataFrame", "ImageDirectory")
FROZEN_TYPES = {"TrainedModel": ("trained-model", "trained_model", "model"),
                "Transformation": ("saved-transformation", "transformation", "transformation")}
#: How a fitted step's transformation is re-applied, by the type of data it transforms.
APPLY_COMPONENTS = {"DataFrame": ("apply-transformation", "transformation", "dataset", "transformed_dataset", {}),
                    "ImageDirectory": ("apply-image-transformation", "transformation", "image_directory",
                                       "image_directory", {"mode": "inference"})}
#: Components that pick training rows; bypassed even when a (third-party) spec forgets training_only.
ROW_PICKERS = frozenset({"split-data", "split-image-directory"})
#: Components whose result cannot be promised equal at inference time (arbitrary user code).
NO_INFERENCE_FORM = frozenset({"execute-python-script", "execute-r-script"})
#: Components that name columns in `columns`; on a real-time path they stop naming the label.
LABEL_NAMING = frozenset({"select-columns", "edit-metadata"})


def pixel_scale(node: dict, meta: Mapping, resolve) -> float | None:
    """convert-to-image-directory's pixel_max=0 means "1, 16 or 255, whichever holds the data it is given"."""
    params = node.get("params") or {}
    maxima = meta.get("numeric_max") or {}
    label = resolve(params.get("label_column")) or (meta.get("roles") or {}).get("label")
    chosen = [c.strip() for c in str(resolve(params.get("pixel_columns")) or "").split(",") if c.strip()]
    values = [maxima[c] for c in (chosen or maxima) if c in maxima and c != label]
    if not values:
        return None
    largest = max(values)
    return next((float(white) for white in (1, 16, 255) if largest <= white), None)


#: component → (parameter, how to choose it from the training table's description) for settings
#: that would otherwise be picked afresh from each request's rows.
DATA_DEPENDENT = {"convert-to-image-directory": ("pixel_max", pixel_scale)}
#: Parameters the batch graph adds.
DATASET_PARAMETER, OUTPUT_PARAMETER = "dataset_path", "output_path"
FINISHED_OK = ("completed", "cached")


def is_scorer(spec: ComponentSpec) -> bool:
    """A scoring node: not training-only, fed a TrainedModel, gives data (score-model, score-image-model)."""
    return (not spec.training_only and any(p.type.name == "TrainedModel" for p in spec.inputs.values())
            and any(t.name in DATA_TYPES for t in spec.outputs.values()))


def primary_input(spec: ComponentSpec, connected: Mapping[str, Any]) -> str | None:
    """The input the scored rows flow through: the first connected data input (`dataset`, `left`, ...)."""
    return next((p for p, declared in spec.inputs.items() if p in connected and declared.type.name in DATA_TYPES),
                None)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "pipeline"
