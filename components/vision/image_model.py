"""The trained image classifier (a TrainedModel value): architecture, class names, inference transforms
and weights, loadable and usable with no training graph.

On-disk form: `model.json` ({"format": "image-model/1", "architecture": {...}, "classes": [...],
"transformation": {...}, "input_shape": [3, H, W], "history": [per-epoch metrics]}) and
`weights.pth` (the network's state_dict, saved with torch.save; load with weights_only=True).
"""
from __future__ import annotations

import io
import json
import threading
import warnings
from pathlib import Path
from typing import Any, Sequence

from components.ports import with_roles
from components.spec import ComponentError

FORMAT = "image-model/1"
#: The scored-columns convention shared with score-model and evaluate-model.
SCORED_LABELS = "Scored Labels"
SCORED_PROBABILITIES = "Scored Probabilities_"
IMAGE_COLUMN, LABEL_COLUMN = "image", "label"
_build_lock = threading.Lock()


class ImageModel:
    """A trained torchvision classifier with everything needed to score new images."""

    def __init__(self, architecture, classes: Sequence[str], transformation, state_dict: dict,
                 input_shape: Sequence[int] = (), history: Sequence[dict] = ()):
        self.architecture = architecture.without_weights()
        self.classes = [str(c) for c in classes]
        self.transformation = transformation.for_inference()
        self.state_dict = state_dict
        self.input_shape = tuple(int(v) for v in input_shape)
        self.history = [dict(h) for h in history]
        self._networks: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"ImageModel({self.architecture.architecture}, classes={self.classes})"

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_networks"] = {}
        return state

    # ------------------------------------------------------------ on-disk form
    def save_to(self, directory: Path) -> dict:
        import torch

        directory = Path(directory)
        torch.save(self.state_dict, directory / "weights.pth")
        (directory / "model.json").write_text(json.dumps({
            "format": FORMAT, "architecture": self.architecture.to_json(), "classes": self.classes,
            "transformation": self.transformation.to_json(), "input_shape": list(self.input_shape),
            "history": self.history}, indent=1, sort_keys=True))
        return {"architecture": self.architecture.architecture, "classes": self.classes,
                "epochs": len(self.history)}

    @classmethod
    def load_from(cls, directory: Path) -> "ImageModel":
        import torch

        from components.vision.architectures import ImageArchitecture
        from components.vision.transforms import ImageTransformation

        directory = Path(directory)
        info = json.loads((directory / "model.json").read_text())
        if info.get("format") != FORMAT:
            raise ComponentError(f"{directory} does not hold an image model ({info.get('format')!r})")
        state = torch.load(directory / "weights.pth", map_location="cpu", weights_only=True)
        return cls(ImageArchitecture(**info["architecture"]), info["classes"],
                   ImageTransformation.from_json(info["transformation"]), state,
                   info.get("input_shape") or (), info.get("history") or ())

    # ------------------------------------------------------------ the network
    def network(self, device: str = "cpu"):
        """The network in eval mode on `device` (built once per device)."""
        import torch

        key = str(device)
        with _build_lock, torch.inference_mode(False):
            net = self._networks.get(key)
            if net is None:
                net = self.architecture.build(len(self.classes))
                net.load_state_dict(self.state_dict)
                net = self._networks[key] = net.to(device).eval()
        return net

    def probabilities(self, inputs, device: str = "cpu"):
        """Class probabilities [N, classes] for network inputs (transformed float tensors)."""
        import torch

        net = self.network(device)
        with torch.inference_mode():
            return torch.softmax(net(inputs.to(device)).float(), dim=1).cpu()

    def preprocess(self, images: Sequence[Any]):
        """Network inputs for PIL images, encoded image bytes, file paths or uint8 arrays."""
        import numpy as np
        import torch

        pixels = []
        for number, image in enumerate(images):
            prepared = self.transformation.prepare(_as_pil(image, number))
            pixels.append(torch.from_numpy(np.asarray(prepared, dtype=np.uint8).copy()).permute(2, 0, 1))
        if not pixels:
            raise ComponentError("no images to score")
        if len({p.shape for p in pixels}) > 1:
            raise ComponentError("the images have different sizes after the model's transformation; send images "
                                 "of one size (or train with a resize and centre crop)")
        return self.transformation.batch(torch.stack(pixels))

    # ------------------------------------------------------------ scoring
    def score(self, image_directory, *, top_k: int = 0, batch_size: int = 64, device: str = "cpu",
              progress=None):
        """A scored table: `image`, `label` (when known), `Scored Labels`, `Scored Probabilities_<class>`
        per class and, with top_k, `Top <k> Labels` (a JSON list), with the roles evaluate-model reads."""
        import torch

        from components.vision.batches import ImageBatches

        transformation = (image_directory.transformation.for_inference() if image_directory.transformation
                          else self.transformation)
        batches = ImageBatches(image_directory, transformation, image_directory.classes, batch_size=batch_size,
                               device=device, progress=progress or (lambda f, m: None))
        chunks = []
        total = batches.batch_count()
        for number, (pixels, _) in enumerate(batches.epoch(), start=1):
            chunks.append(self.probabilities(transformation.batch(pixels), device))
            if progress is not None:
                progress(number / total, f"scored batch {number}/{total}")
        probabilities = torch.cat(chunks).numpy()
        labels = image_directory.labels
        return self.scored_table(image_directory.ids, labels if any(v is not None for v in labels) else None,
                                 probabilities, top_k=top_k)

    def scored_table(self, ids, labels, probabilities, *, top_k: int = 0):
        import pandas as pd

        probabilities = probabilities.astype("float64")
        if len(probabilities):  # float32 softmax rows sum to 1 only within 1e-7; downstream checks are stricter
            probabilities /= probabilities.sum(axis=1, keepdims=True)
        columns: dict[str, Any] = {IMAGE_COLUMN: list(ids)}
        if labels is not None:
            columns[LABEL_COLUMN] = pd.Series(list(labels), dtype=object)
        best = probabilities.argmax(axis=1) if len(probabilities) else []
        columns[SCORED_LABELS] = [self.classes[i] for i in best]
        for index, name in enumerate(self.classes):
            columns[f"{SCORED_PROBABILITIES}{name}"] = probabilities[:, index]
        if top_k:
            k = min(top_k, len(self.classes))
            order = (-probabilities).argsort(axis=1, kind="stable")[:, :k]
            columns[f"Top {top_k} Labels"] = [json.dumps([self.classes[i] for i in row]) for row in order]
        frame = pd.DataFrame(columns)
        label = LABEL_COLUMN if labels is not None else None
        return with_roles(frame, label=label, score={"task": "classification", "label": label,
                                                     "classes": list(self.classes)})

    def predict_images(self, images: Sequence[Any]) -> list[dict]:
        """Score images for a real-time request: one dict of scored columns per image
        (`Scored Labels` and `Scored Probabilities_<class>`)."""
        probabilities = self.probabilities(self.preprocess(images)).numpy()
        records = []
        for row in probabilities:
            record: dict[str, Any] = {SCORED_LABELS: self.classes[int(row.argmax())]}
            record.update({f"{SCORED_PROBABILITIES}{name}": float(p) for name, p in zip(self.classes, row)})
            records.append(record)
        return records

    # ------------------------------------------------------------ export
    def to_torchscript(self, path: Path | str) -> Path:
        """Save a TorchScript module: float images [N,3,H,W] in 0..1 (resized and cropped) → class
        probabilities. Normalisation is inside; class names and transformation ride along as extra files."""
        import torch

        from components.vision._networks import ServingModule

        if self.input_shape:
            channels, height, width = self.input_shape
        else:
            side = self.transformation.output_side or self.architecture.input_size
            channels, height, width = 3, side, side
        serving = ServingModule(self.network("cpu"), self.transformation.mean, self.transformation.std,
                                self.transformation.normalize != "none").eval()
        example = torch.rand(2, channels, height, width, generator=torch.Generator().manual_seed(0))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            traced = torch.jit.trace(serving, example)
            path = Path(path)
            torch.jit.save(traced, str(path), _extra_files={
                "classes.json": json.dumps(self.classes),
                "transformation.json": json.dumps(self.transformation.to_json())})
        return path


def _as_pil(image: Any, number: int):
    from PIL import Image

    try:
        if isinstance(image, Image.Image):
            return image.convert("RGB")
        if isinstance(image, (bytes, bytearray)):
            with Image.open(io.BytesIO(image)) as opened:
                return opened.convert("RGB")
        if isinstance(image, (str, Path)):
            with Image.open(image) as opened:
                return opened.convert("RGB")
        if hasattr(image, "__array__"):
            import numpy as np

            return Image.fromarray(np.asarray(image, dtype=np.uint8)).convert("RGB")
    except (OSError, ValueError) as error:
        raise ComponentError(f"image {number} cannot be read ({error})") from None
    raise ComponentError(f"image {number} is a {type(image).__name__}; send a PIL image, encoded image bytes, a "
                         f"path or a uint8 array")
