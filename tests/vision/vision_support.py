"""Helpers of the vision tests: generated coloured-shape images, calling components, recording contexts."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from components.calling import call_component
from components.context import RunContext
from components.vision.image_directory import ImageDirectory, ImageEntry

#: class -> (shape, colour); colour and outline both tell the classes apart.
SHAPES = {"circle": ("ellipse", (220, 40, 40)), "square": ("rectangle", (40, 200, 40)),
          "triangle": ("polygon", (40, 60, 220))}


def shape_image(name: str, size: int, rng: np.random.Generator) -> Image.Image:
    kind, colour = SHAPES[name] if name in SHAPES else list(SHAPES.values())[sum(map(ord, name)) % len(SHAPES)]
    background = rng.integers(60, 140, size=(size, size, 3), dtype=np.uint8)
    image = Image.fromarray(background)
    draw = ImageDraw.Draw(image)
    extent = int(rng.integers(size // 2, max(size // 2 + 1, size - 2)))
    left, top = (int(v) for v in rng.integers(0, size - extent + 1, size=2))
    box = (left, top, left + extent - 1, top + extent - 1)
    jitter = tuple(int(np.clip(c + rng.integers(-25, 26), 0, 255)) for c in colour)
    if kind == "polygon":
        draw.polygon([(left, top + extent - 1), (left + extent // 2, top), (left + extent - 1, top + extent - 1)],
                     fill=jitter)
    else:
        getattr(draw, kind)(box, fill=jitter)
    return image


def shapes_directory(per_class: int = 12, size: int = 16, seed: int = 0, classes=tuple(SHAPES)) -> ImageDirectory:
    rng = np.random.default_rng(seed)
    entries = [ImageEntry(f"{name}/{i:03d}.png", name, pixels=np.asarray(shape_image(name, size, rng)))
               for name in classes for i in range(per_class)]
    return ImageDirectory(entries, list(classes))


def write_shapes_folder(root: Path, per_class: int = 6, size: int = 16, seed: int = 0, classes=tuple(SHAPES)) -> Path:
    """An ImageFolder tree: root/<class>/<n>.png."""
    rng = np.random.default_rng(seed)
    for name in classes:
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            shape_image(name, size, rng).save(root / name / f"{i:03d}.png")
    return root


def run(component_id: str, inputs=None, params=None, ctx: RunContext | None = None) -> dict:
    import components

    return call_component(components.get(component_id), inputs or {}, params or {}, ctx or RunContext())


def recording_context(work_dir: Path | None = None, datastore: Path | None = None, cancel_when=None) -> RunContext:
    """A RunContext that keeps its events in `.events`; `cancel_when(events)` decides cancellation."""
    events: list = []
    context = RunContext(run_id="test", node_id="node", work_dir=work_dir, datastore=datastore,
                         report=lambda kind, payload: events.append((kind, payload)),
                         is_cancelled=(lambda: cancel_when(events)) if cancel_when else (lambda: False))
    context.events = events
    return context


def metrics_of(context) -> list[dict]:
    return [payload for kind, payload in context.events if kind == "node.metrics"]
