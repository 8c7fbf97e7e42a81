"""Torchvision image classifiers (MobileNetV2, ResNet, DenseNet) as UntrainedModel values.

An `ImageArchitecture` is only settings (saved as `architecture.json`) plus, when pretrained
weights were chosen, a copy of the weights file (`pretrained.pth`) so the value is complete on
any machine. Weights come from a `.pth` file inside the datastore or from the model registry
(`registry:<name>[:<version>]`), never from a download at run time.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from components.context import RunContext
from components.ports import UntrainedModel
from components.roles import Kind
from components.spec import ComponentError, Param, component

CATEGORY = "Computer Vision/Image Classification"
ARCHITECTURES = ("mobilenet_v2", "resnet18", "resnet34", "resnet50", "densenet121")
WEIGHTS_FILE = "pretrained.pth"
#: torchvision's published ImageNet weight files (put them in the datastore on a machine with internet).
TORCHVISION_WEIGHTS = {
    "mobilenet_v2": "mobilenet_v2-b0353104.pth",
    "resnet18": "resnet18-f37072fd.pth",
    "resnet34": "resnet34-b627a593.pth",
    "resnet50": "resnet50-0676ba61.pth",
    "densenet121": "densenet121-a639ec97.pth",
}


@dataclass(frozen=True)
class ImageArchitecture:
    """A torchvision classifier's settings, not yet trained (the value of an UntrainedModel port)."""

    architecture: str
    num_classes: int = 0
    #: Path of the pretrained weights file ("" for random initialisation).
    weights_file: str = ""
    #: The weights as the user named them (for messages).
    weights_name: str = ""
    weights_head: str = "auto"
    freeze_backbone: bool = False
    dropout: float = 0.2
    input_size: int = 224
    small_input: bool = False

    def __post_init__(self):
        if self.architecture not in ARCHITECTURES:
            raise ComponentError(f"unknown architecture '{self.architecture}'; choose one of {list(ARCHITECTURES)}")

    def to_json(self) -> dict:
        out = asdict(self)
        out.pop("weights_file")
        return out

    def save_to(self, directory: Path) -> dict:
        directory = Path(directory)
        settings = self.to_json()
        settings["weights"] = WEIGHTS_FILE if self.weights_file else None
        if self.weights_file:
            shutil.copyfile(self.weights_file, directory / WEIGHTS_FILE)
        (directory / "architecture.json").write_text(json.dumps(settings, indent=1, sort_keys=True))
        return {"architecture": self.architecture}

    @classmethod
    def load_from(cls, directory: Path) -> "ImageArchitecture":
        directory = Path(directory)
        settings = json.loads((directory / "architecture.json").read_text())
        weights = settings.pop("weights", None)
        return cls(**settings, weights_file=str(directory / weights) if weights else "")

    def without_weights(self) -> "ImageArchitecture":
        return replace(self, weights_file="", weights_name="")

    def describe(self) -> str:
        weights = f", weights {self.weights_name}" if self.weights_file else ", random initialisation"
        frozen = ", frozen backbone" if self.freeze_backbone else ""
        return f"{self.architecture}{' (small input)' if self.small_input else ''}{weights}{frozen}"

    # ------------------------------------------------------------ networks (import torch)
    def build(self, num_classes: int):
        """The network with fresh random weights (seed torch first for reproducibility)."""
        from components.vision._networks import build_network

        return build_network(self.architecture, num_classes, dropout=self.dropout, small_input=self.small_input)

    def create(self, num_classes: int, log=print):
        """The network to train: fresh, then the pretrained weights loaded strictly, when there are any."""
        from components.vision._networks import load_pretrained, read_state_dict

        net = self.build(num_classes)
        if self.weights_file:
            state = read_state_dict(self.weights_file, self.weights_name or self.weights_file)
            load_pretrained(net, self.architecture, state, self.weights_name or self.weights_file,
                            head_policy=self.weights_head, log=log, small_input=self.small_input)
        return net


def resolve_weights(text: str, ctx: RunContext, architecture: str) -> str:
    """The local path of the weights named by `text` (a datastore path or `registry:<name>[:<version>]`)."""
    text = text.strip()
    if text.startswith("registry:"):
        name, _, version = text[len("registry:"):].partition(":")
        resolver = getattr(ctx, "resolve_registered_weights", None)
        if resolver is None:
            raise ComponentError(f"model registry not available: '{text}' names a registered model but this "
                                 f"designer has no model registry; put the .pth file in the datastore and give "
                                 f"its path instead")
        path = Path(resolver(name, version or None))
        if not path.is_file():
            raise ComponentError(f"the model registry gave no weights file for '{text}'")
        return str(path)
    path = ctx.datastore_path(text)
    if not path.is_file():
        example = TORCHVISION_WEIGHTS.get(architecture, "")
        raise ComponentError(f"weights file '{text}' was not found: put it at {path} (inside the datastore "
                             f"{ctx.datastore})" + (f"; torchvision's ImageNet weights for {architecture} are "
                                                    f"published as {example}" if example else ""))
    return str(path)


def _architecture(architecture: str, ctx: RunContext | None, *, num_classes: int, pretrained_weights: str,
                  weights_head: str, freeze_backbone: bool, dropout: float, input_size: int,
                  small_input: bool = False) -> ImageArchitecture:
    ctx = ctx or RunContext()
    weights_file = resolve_weights(pretrained_weights, ctx, architecture) if pretrained_weights.strip() else ""
    if freeze_backbone and not weights_file:
        raise ComponentError("freeze_backbone trains only a new head on top of pretrained features: give "
                             "pretrained_weights too (a frozen random backbone learns little)")
    value = ImageArchitecture(architecture, num_classes=num_classes, weights_file=weights_file,
                              weights_name=pretrained_weights.strip(), weights_head=weights_head,
                              freeze_backbone=freeze_backbone, dropout=float(dropout), input_size=input_size,
                              small_input=small_input)
    if weights_file:
        # Load once now, so a wrong file fails on this node and not minutes into training.
        ctx.progress(0.3, "checking the weights file")
        if num_classes:
            value.create(num_classes, log=ctx.log)
        else:
            _check_backbone(value, ctx)
    ctx.log(value.describe())
    return value


def _check_backbone(value: ImageArchitecture, ctx: RunContext) -> None:
    """With the class count still unknown, check the backbone layers only (the head is checked at training)."""
    from components.vision._networks import load_pretrained, read_state_dict

    shown = value.weights_name or value.weights_file
    state = read_state_dict(value.weights_file, shown)
    load_pretrained(value.build(2), value.architecture, state, shown, head_policy="new", log=lambda _: None,
                    small_input=value.small_input)


def _common_params():
    """Parameter declarations every architecture shares (documented once)."""
    return dict(
        num_classes=Param(int, 0, min=0, max=100_000, description="Classes to predict; 0 takes the count from the "
                                                                  "training images."),
        pretrained_weights=Param(str, "", kind=Kind.READ_PATH,
                                 description="A .pth state_dict inside the datastore (e.g. weights/"
                                             "mobilenet_v2-b0353104.pth), or registry:<name>[:<version>]; empty "
                                             "starts from random weights."),
        weights_head=Param(str, "auto", choices=("auto", "load", "new"),
                           description="The weights file's classification head: load it (class counts must "
                                       "match), new (keep only the backbone), or auto (load when it fits, new "
                                       "for an ImageNet 1000-class head)."),
        freeze_backbone=Param(bool, False, description="Train only the new head; the pretrained backbone stays "
                                                       "as it is (fast transfer learning)."),
        dropout=Param(float, 0.2, min=0.0, max=0.95, description="Dropout before the classification head."),
        input_size=Param(int, 224, min=16, max=2048, description="Image side used when the images carry no "
                                                                 "image transformation (they are resized to it)."),
    )


_P = _common_params()


@component(id="mobilenet-v2", category=CATEGORY, outputs={"model": UntrainedModel})
def mobilenet_v2(*, num_classes: _P["num_classes"], pretrained_weights: _P["pretrained_weights"],
                 weights_head: _P["weights_head"], freeze_backbone: _P["freeze_backbone"],
                 dropout: _P["dropout"], input_size: _P["input_size"], ctx: RunContext = None):
    """MobileNetV2 (torchvision): small and fast, a good default for transfer learning on a CPU."""
    return _architecture("mobilenet_v2", ctx, num_classes=num_classes, pretrained_weights=pretrained_weights,
                         weights_head=weights_head, freeze_backbone=freeze_backbone, dropout=dropout,
                         input_size=input_size)


@component(id="resnet", category=CATEGORY, outputs={"model": UntrainedModel})
def resnet(*, depth: Param(int, 18, choices=(18, 34, 50), description="Number of layers."),
           num_classes: _P["num_classes"], pretrained_weights: _P["pretrained_weights"],
           weights_head: _P["weights_head"], freeze_backbone: _P["freeze_backbone"],
           dropout: _P["dropout"], input_size: _P["input_size"],
           small_input: Param(bool, False, description="A 3×3 first layer without max-pooling, for images of "
                                                       "about 32 px trained from scratch (not with ImageNet "
                                                       "weights)."),
           ctx: RunContext = None):
    """ResNet-18/34/50 (torchvision): residual networks, strong general-purpose image classifiers."""
    return _architecture(f"resnet{depth}", ctx, num_classes=num_classes, pretrained_weights=pretrained_weights,
                         weights_head=weights_head, freeze_backbone=freeze_backbone, dropout=dropout,
                         input_size=input_size, small_input=small_input)


@component(id="densenet", category=CATEGORY, outputs={"model": UntrainedModel})
def densenet(*, depth: Param(int, 121, choices=(121,), description="Number of layers."),
             num_classes: _P["num_classes"], pretrained_weights: _P["pretrained_weights"],
             weights_head: _P["weights_head"], freeze_backbone: _P["freeze_backbone"],
             dropout: _P["dropout"], input_size: _P["input_size"], ctx: RunContext = None):
    """DenseNet-121 (torchvision): densely connected layers; accurate, slower than MobileNetV2. Needs images of
    at least 32 px."""
    return _architecture(f"densenet{depth}", ctx, num_classes=num_classes, pretrained_weights=pretrained_weights,
                         weights_head=weights_head, freeze_backbone=freeze_backbone, dropout=dropout,
                         input_size=input_size)
