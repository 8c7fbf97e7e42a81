"""Model nodes: a trained model or fitted transformation kept from an earlier run, loaded by its artifact digest.

The training→inference conversion puts these where `train-model` and the
learning transformations were, so an inference graph re-uses exactly the
fitted weights and statistics of the run it came from. Their schemas come from
the lookup (`artifact` by digest, `registered-model` by NAME:VERSION), which
reads what the artifact's meta recorded; an artifact that recorded nothing stays unknown.
"""
from __future__ import annotations

import re

from components.context import RunContext
from components.ports import Transformation, TrainedModel
from components.roles import Role
from components.spec import ComponentError, Param, component
from components.table_schema import ModelSchema, SchemaInputs, TransformSchema

CATEGORY = "Model"
#: `name:version` (or a bare name for the latest version) in the model registry.
REGISTRY_REF = re.compile(r"^(?P<name>[^:\s][^:]*?)(?::(?P<version>\d+))?$")


def parse_registry_ref(text: str) -> tuple[str, int | None]:
    """('iris-train', 3) from 'iris-train:3'; ('iris-train', None) from 'iris-train' (latest)."""
    match = REGISTRY_REF.match((text or "").strip())
    if not match:
        raise ComponentError(f"registry reference {text!r} must look like NAME:VERSION, e.g. iris-train:1")
    version = match.group("version")
    return match.group("name"), int(version) if version else None


def _load(ctx: RunContext | None, digest: str, registry: str, wanted: str) -> object:
    digest = (digest or "").strip()
    if not digest:
        if registry.strip():
            parse_registry_ref(registry)
            raise ComponentError(f"registry reference {registry!r} has not been resolved to an artifact; "
                                 f"deploying or publishing the graph resolves it, or set `digest`")
        raise ComponentError(f"set `digest` to the artifact of a {wanted} (or `registry` to NAME:VERSION)")
    value = (ctx or RunContext()).load_artifact(digest)
    return value


def _saved(s: SchemaInputs, wanted: type):
    digest, registry = str(s.params.get("digest") or "").strip(), str(s.params.get("registry") or "").strip()
    found = s.external("artifact", digest) if digest else s.external("registered-model", registry)
    return found if isinstance(found, wanted) else None


@component(id="trained-model", category=CATEGORY, outputs={"trained_model": TrainedModel},
           roles={Role.SAVED_ARTIFACT}, schema=lambda s: {"trained_model": _saved(s, ModelSchema)})
def trained_model(*, digest: Param(str, "", description="Artifact digest of a trained model (set by the "
                                                        "inference conversion)."),
                  registry: Param(str, "", description="Model registry reference NAME:VERSION this model "
                                                       "was registered as."),
                  ctx: RunContext = None):
    """A trained model from an earlier run or the model registry, ready to score.

    Nothing is trained: the stored weights are loaded unchanged, so scores equal
    those of the run that trained it.
    """
    value = _load(ctx, digest, registry, "trained model")
    if not callable(getattr(value, "score", None)):
        raise ComponentError(f"artifact {digest!r} holds a {type(value).__name__}, not a trained model")
    return value


@component(id="saved-transformation", category=CATEGORY, outputs={"transformation": Transformation},
           roles={Role.SAVED_ARTIFACT}, schema=lambda s: {"transformation": _saved(s, TransformSchema)})
def saved_transformation(*, digest: Param(str, "", description="Artifact digest of a fitted transformation "
                                                               "(set by the inference conversion)."),
                         ctx: RunContext = None):
    """A fitted transformation (normalization, cleaning, indicators, image transform) from an earlier run.

    Re-applied with Apply Transformation, it changes new data exactly as it
    changed the training data.
    """
    value = _load(ctx, digest, "", "fitted transformation")
    if not callable(getattr(value, "apply", None)) and not callable(value):
        raise ComponentError(f"artifact {digest!r} holds a {type(value).__name__}, not a transformation")
    return value
