"""Registered datasets as pipeline inputs: a named, versioned table or image folder from the dataset registry.

The `dataset` parameter is "NAME" (the newest version when the run starts) or
"NAME:VERSION". Before a run the designer pins it to "NAME:VERSION@DIGEST", the
content digest of that version, so the cache key follows the content and the node
loads exactly what was registered, even if the source file changed since.
"""
from __future__ import annotations

import re

from components.context import RunContext
from components.ports import DataFrame, ImageDirectory
from components.roles import Kind
from components.spec import ComponentError, Param, component

CATEGORY = "Data Input and Output"
_REFERENCE = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]{0,99})(?::(?P<version>\d+))?$")
_PINNED = re.compile(r"^(?P<name>[^:@]+):(?P<version>\d+)@(?P<digest>[0-9a-f]{64})$")


def parse_dataset_reference(text) -> tuple[str, int | None]:
    """("flowers", 3) for "flowers:3", ("flowers", None) for "flowers"; ValueError for anything else."""
    match = _REFERENCE.match(str(text or "").strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a dataset reference; write NAME for the newest version or NAME:VERSION")
    version = match.group("version")
    return match.group("name"), int(version) if version is not None else None


def pinned_reference(name: str, version: int, digest: str) -> str:
    return f"{name}:{version}@{digest}"


def pinned_digest(value) -> str | None:
    """The content digest in a pinned reference ("NAME:VERSION@DIGEST"), else None."""
    match = _PINNED.match(value) if isinstance(value, str) else None
    return match.group("digest") if match else None


def _load_pinned(reference: str, ctx: RunContext):
    match = _PINNED.match(reference or "")
    if match is None:
        raise ComponentError(f"dataset {reference!r} was not resolved to a registered version; run the pipeline "
                             f"through the designer (server, CLI or SDK), which pins each dataset before it runs")
    ctx.log(f"reading dataset {match.group('name')} version {match.group('version')}")
    return ctx.load_artifact(match.group("digest"))


_DATASET_HELP = "A registered dataset: NAME for its newest version, or NAME:VERSION."


def _registered_schema(s) -> dict:
    """The registered version's columns, through the designer's lookup (unknown without one)."""
    return {"dataset": s.external("dataset", str(s.params.get("dataset") or ""))}


@component(id="registered-dataset", category=CATEGORY, outputs={"dataset": DataFrame}, schema=_registered_schema)
def registered_dataset(*, dataset: Param(str, "", kind=Kind.DATASET, required=True, description=_DATASET_HELP),
                       ctx: RunContext = None):
    """A registered tabular dataset (CSV, Parquet, JSON lines or Excel registered on the Data page).

    Each version is immutable: version 1 gives the same rows however the source file
    changed later. The columns are known from the registered schema before any run.
    """
    frame = _load_pinned(dataset, ctx or RunContext())
    if not hasattr(frame, "columns"):
        raise ComponentError(f"dataset {dataset.split('@')[0]!r} holds images; use Registered Image Dataset")
    return frame


@component(id="registered-image-dataset", category=CATEGORY, outputs={"image_directory": ImageDirectory})
def registered_image_dataset(*, dataset: Param(str, "", kind=Kind.DATASET, required=True,
                                               description=_DATASET_HELP),
                             ctx: RunContext = None):
    """A registered image dataset (a folder of class folders registered on the Data page).

    The images of the version are pinned in the artifact store; each is decoded once
    here, so a corrupt file is named before any training starts.
    """
    from components.vision.image_directory import _verify_images

    ctx = ctx or RunContext()
    images = _load_pinned(dataset, ctx)
    if hasattr(images, "columns"):
        raise ComponentError(f"dataset {dataset.split('@')[0]!r} is a table; use Registered Dataset")
    _verify_images(images.entries, ctx)
    return images
