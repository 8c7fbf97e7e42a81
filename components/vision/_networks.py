"""Building torchvision networks and loading weights into them, strictly (imports torch: load lazily)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F
import torchvision
from torch import nn

from components.spec import ComponentError

IMAGENET_CLASSES = 1000
#: State-dict key prefix of each architecture's classification head (the layer transfer learning replaces).
HEAD_PREFIX = {"mobilenet_v2": "classifier.1.", "resnet18": "fc.", "resnet34": "fc.", "resnet50": "fc.",
               "densenet121": "classifier."}


class DropoutLinear(nn.Linear):
    """A Linear layer with dropout on its input: same state-dict keys as torchvision's head, so ImageNet
    weights still load."""

    def __init__(self, in_features: int, out_features: int, p: float):
        super().__init__(in_features, out_features)
        self.p = float(p)

    def forward(self, x):
        return super().forward(F.dropout(x, self.p, self.training))


def build_network(architecture: str, num_classes: int, *, dropout: float, small_input: bool = False) -> nn.Module:
    """A freshly initialised network (random weights from torch's global generator; never a download)."""
    models = torchvision.models
    if architecture == "mobilenet_v2":
        return models.mobilenet_v2(weights=None, num_classes=num_classes, dropout=dropout)
    if architecture.startswith("resnet"):
        net = getattr(models, architecture)(weights=None)
        net.fc = DropoutLinear(net.fc.in_features, num_classes, dropout)
        if small_input:
            # A 3×3 stride-1 stem and no max-pool keep the detail of small (e.g. 32 px) images.
            net.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
            nn.init.kaiming_normal_(net.conv1.weight, mode="fan_out", nonlinearity="relu")
            net.maxpool = nn.Identity()
        return net
    if architecture == "densenet121":
        net = models.densenet121(weights=None)
        net.classifier = DropoutLinear(net.classifier.in_features, num_classes, dropout)
        nn.init.constant_(net.classifier.bias, 0)
        return net
    raise ComponentError(f"unknown architecture '{architecture}'")


def head_module(net: nn.Module, architecture: str) -> nn.Module:
    return net.fc if architecture.startswith("resnet") else net.classifier


def set_trainable(net: nn.Module, architecture: str, freeze_backbone: bool) -> list:
    """Mark which parameters learn (only the head's when the backbone is frozen) and return them."""
    prefix = HEAD_PREFIX[architecture]
    for name, parameter in net.named_parameters():
        parameter.requires_grad_(not freeze_backbone or name.startswith(prefix))
    return [p for p in net.parameters() if p.requires_grad]


def training_mode(net: nn.Module, architecture: str, freeze_backbone: bool) -> None:
    """Train mode; a frozen backbone stays in eval mode so its batch-norm statistics do not move either."""
    if freeze_backbone:
        net.eval()
        head_module(net, architecture).train()
    else:
        net.train()


class ServingModule(nn.Module):
    """What TorchScript export saves: float images in 0..1 → normalised → network → class probabilities."""

    def __init__(self, net: nn.Module, mean, std, normalise: bool):
        super().__init__()
        self.net = net
        self.register_buffer("mean", torch.tensor(mean if normalise else (0.0, 0.0, 0.0)).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std if normalise else (1.0, 1.0, 1.0)).view(1, -1, 1, 1))

    def forward(self, images):
        return torch.softmax(self.net((images - self.mean) / self.std), dim=1)


# ---------------------------------------------------------------- weights files

def read_state_dict(path: Path | str, shown: str) -> dict:
    """The tensors of a weights file (a state_dict, possibly wrapped in a checkpoint dict)."""
    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise ComponentError(f"weights file '{shown}' was not found") from None
    except Exception as error:  # torch raises many kinds for a file that is not a checkpoint
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
        raise ComponentError(f"weights file '{shown}' cannot be read as PyTorch weights ({reason}); save it with "
                             f"torch.save(model.state_dict(), path)") from None
    if isinstance(loaded, dict) and not any(torch.is_tensor(v) for v in loaded.values()):
        for key in ("state_dict", "model_state_dict", "model", "net"):
            if isinstance(loaded.get(key), dict):
                loaded = loaded[key]
                break
    if not isinstance(loaded, dict) or not any(torch.is_tensor(v) for v in loaded.values()):
        raise ComponentError(f"weights file '{shown}' holds no state_dict (a dict of tensors); save it with "
                             f"torch.save(model.state_dict(), path)")
    state = {str(k): v for k, v in loaded.items() if torch.is_tensor(v)}
    if state and all(k.startswith("module.") for k in state):
        state = {k[len("module."):]: v for k, v in state.items()}  # saved from DataParallel
    return state


def guess_architecture(state: dict) -> str | None:
    """Which architecture a state_dict's layer names look like (for error messages)."""
    keys = set(state)
    if any(k.startswith("features.denseblock") for k in keys):
        layers = {k.split(".")[2] for k in keys if k.startswith("features.denseblock3.")}
        return {24: "densenet121", 32: "densenet169", 48: "densenet201", 36: "densenet161"}.get(len(layers),
                                                                                                 "densenet")
    if "layer1.0.conv1.weight" in keys:
        bottleneck = "layer1.0.conv3.weight" in keys
        blocks = len({k.split(".")[1] for k in keys if k.startswith("layer3.")})
        names = {(False, 2): "resnet18", (False, 6): "resnet34", (True, 6): "resnet50", (True, 23): "resnet101",
                 (True, 36): "resnet152"}
        return names.get((bottleneck, blocks), "resnet")
    if "features.1.conv.0.0.weight" in keys:
        return "mobilenet_v2" if "features.18.0.weight" in keys else "mobilenet"
    return None


_OLD_DENSENET_KEY = re.compile(r"^(.*denselayer\d+\.(?:norm|relu|conv))\."
                               r"((?:[12])\.(?:weight|bias|running_mean|running_var|num_batches_tracked))$")


def _renamed_old_densenet_keys(state: dict) -> dict:
    """torchvision's published DenseNet files use old layer names ("norm.1"); the model says "norm1"."""
    return {(m.group(1) + m.group(2) if (m := _OLD_DENSENET_KEY.match(k)) else k): v for k, v in state.items()}


def load_pretrained(net: nn.Module, architecture: str, state: dict, shown: str, *, head_policy: str,
                    log: Callable[[str], None] = print, small_input: bool = False) -> None:
    """Load `state` into `net`: every backbone layer must match exactly; the head follows `head_policy`
    (load: must match; new: keep the fresh head; auto: load when it fits, new for an ImageNet head)."""
    if architecture.startswith("densenet"):
        state = _renamed_old_densenet_keys(state)
    prefix = HEAD_PREFIX[architecture]
    target = net.state_dict()
    backbone = [k for k in target if not k.startswith(prefix)]
    missing = [k for k in backbone if k not in state and not k.endswith("num_batches_tracked")]
    unexpected = [k for k in state if k not in target and not k.startswith(prefix)]
    wrong = [k for k in backbone if k in state and tuple(state[k].shape) != tuple(target[k].shape)]
    if missing or unexpected or wrong:
        looks = guess_architecture(state)
        like = f" (it looks like {looks} weights)" if looks and looks != architecture else ""
        details = "; ".join(part for part in (
            f"{len(missing)} layers of {architecture} are missing from it, e.g. {missing[0]}" if missing else "",
            f"it has {len(unexpected)} layers {architecture} does not, e.g. {unexpected[0]}" if unexpected else "",
            (f"{len(wrong)} layers have other shapes, e.g. {wrong[0]} is {tuple(state[wrong[0]].shape)} in the "
             f"file but {tuple(target[wrong[0]].shape)} here") if wrong else "") if part)
        hint = (" small_input replaces the first layer, so ImageNet weights do not fit it: turn small_input off."
                if small_input and "conv1.weight" in wrong else "")
        raise ComponentError(f"weights file '{shown}' is for another architecture than {architecture}{like}: "
                             f"{details}. Choose the matching architecture or weights made for this one.{hint}")
    chosen = {k: v for k, v in state.items() if not k.startswith(prefix)}
    head_weight = state.get(prefix + "weight")
    expected = tuple(target[prefix + "weight"].shape)
    if head_weight is None:
        log(f"'{shown}' has no classification head: a new {expected[0]}-class head is trained")
    elif tuple(head_weight.shape) == expected and head_policy != "new":
        chosen.update({k: v for k, v in state.items() if k.startswith(prefix)})
        log(f"loaded every layer of '{shown}', the {expected[0]}-class head included")
    elif head_policy == "new" or (head_policy == "auto" and head_weight.shape[0] == IMAGENET_CLASSES
                                  and tuple(head_weight.shape[1:]) == expected[1:]):
        log(f"loaded the backbone of '{shown}'; its {head_weight.shape[0]}-class head is replaced by a new "
            f"{expected[0]}-class head")
    else:
        raise ComponentError(
            f"weights file '{shown}' has a classification head for {head_weight.shape[0]} classes but this model "
            f"has {expected[0]}: use weights trained on the same classes, or set weights_head to 'new' to keep "
            f"only its backbone (transfer learning)")
    result = net.load_state_dict(chosen, strict=False)
    leftover = [k for k in result.missing_keys if not k.startswith(prefix) and not k.endswith("num_batches_tracked")]
    if leftover or result.unexpected_keys:
        raise ComponentError(f"weights file '{shown}' did not load completely into {architecture}")


# ---------------------------------------------------------------- devices

def pick_device(requested: str, available: tuple) -> torch.device:
    """'auto' → the first CUDA device the compute target offers when torch can use it, else the CPU."""
    requested = (requested or "auto").strip().lower()
    offered = [d for d in available if str(d).startswith("cuda")]
    if requested == "auto":
        if offered and torch.cuda.is_available():
            return torch.device(offered[0] if ":" in offered[0] else "cuda:0")
        return torch.device("cpu")
    if requested == "cpu":
        return torch.device("cpu")
    if requested == "cuda" or (requested.startswith("cuda:") and requested[5:].isdigit()):
        if not torch.cuda.is_available():
            raise ComponentError(f"device '{requested}' was asked for but no CUDA GPU is available here; use "
                                 f"'auto' or 'cpu', or run on a compute target with a GPU")
        index = int(requested[5:]) if ":" in requested else 0
        if index >= torch.cuda.device_count():
            raise ComponentError(f"device '{requested}' does not exist: this machine has "
                                 f"{torch.cuda.device_count()} CUDA device(s)")
        return torch.device(f"cuda:{index}")
    raise ComponentError(f"device must be auto, cpu, cuda or cuda:N, got '{requested}'")
