"""The training loop behind train-pytorch-model: as lean as a hand-written loop, plus checkpoints after
finished epochs (model, optimizer, scheduler, epoch, every random state; at a bounded share of the training
time) that a rerun resumes from.

Imports torch at the top: load it lazily (components.vision.train_pytorch does).
"""
from __future__ import annotations

import contextlib
import functools
import math
import os
import time
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F

from components.context import RunContext
from components.spec import ComponentError
from components.vision._checkpoints import Checkpoint, UnchangedTensors, cpu_copy, fingerprint
from components.vision._networks import head_module, pick_device, set_trainable, training_mode
from components.vision.batches import ImageBatches, prepared_pixels
from components.vision.image_model import ImageModel

_REPORT_EVERY = 0.2  # seconds between progress events (a batch can take a millisecond)
BATCH_NORM_IMAGES = 256


@dataclass(frozen=True)
class TrainingSettings:
    epochs: int = 10
    batch_size: int = 32
    learning_rate: float = 1e-3
    optimizer: str = "adam"
    lr_schedule: str = "none"
    weight_decay: float = 0.0
    early_stopping_patience: int = 0
    device: str = "auto"
    mixed_precision: bool = False
    num_workers: int = 0
    seed: int = 0


@contextlib.contextmanager
def deterministic_algorithms(device: torch.device):
    """Deterministic kernels while training (warn, not fail, where an op has none), restored afterwards.

    The switch is process-wide; CPU kernels are deterministic either way, so a component running
    beside this one in another thread is at most slowed on CUDA, never changed in its results.
    """
    if device.type == "cuda":
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    previous = (torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled())
    benchmark = torch.backends.cudnn.benchmark
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.benchmark = False
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous[0], warn_only=previous[1])
        torch.backends.cudnn.benchmark = benchmark


def make_optimizer(parameters, settings: TrainingSettings):
    if settings.optimizer == "sgd":
        return torch.optim.SGD(parameters, lr=settings.learning_rate, momentum=0.9,
                               weight_decay=settings.weight_decay)
    if settings.optimizer == "adamw":
        return torch.optim.AdamW(parameters, lr=settings.learning_rate, weight_decay=settings.weight_decay)
    return torch.optim.Adam(parameters, lr=settings.learning_rate, weight_decay=settings.weight_decay)


def make_scheduler(optimizer, settings: TrainingSettings):
    if settings.lr_schedule == "step":
        return torch.optim.lr_scheduler.StepLR(optimizer, step_size=max(1, settings.epochs // 3), gamma=0.1)
    if settings.lr_schedule == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(1, settings.epochs))
    return None


def train(architecture, train_images, validation_images, classes: list[str], train_transform, val_transform,
          settings: TrainingSettings, ctx: RunContext) -> ImageModel:
    device = pick_device(settings.device, ctx.devices)
    amp = settings.mixed_precision and device.type == "cuda"
    if settings.mixed_precision and not amp:
        ctx.log("mixed precision runs on CUDA only; training in float32")
    ctx.log(f"training {architecture.describe()} on {device}: {len(train_images)} images, {len(classes)} classes")
    with deterministic_algorithms(device):
        torch.manual_seed(settings.seed)
        net = architecture.create(len(classes), log=ctx.log).to(device)
        parameters = set_trainable(net, architecture.architecture, architecture.freeze_backbone)
        optimizer = make_optimizer(parameters, settings)
        scheduler = make_scheduler(optimizer, settings)
        scaler = torch.amp.GradScaler("cuda", enabled=amp)
        shuffle = torch.Generator().manual_seed(settings.seed)
        augment = torch.Generator().manual_seed(settings.seed + 1)
        state = {"epoch": 0, "history": [], "best_loss": math.inf, "best_model": None, "bad_epochs": 0,
                 "stopped": False}
        unchanged = UnchangedTensors()
        checkpoint = Checkpoint(ctx.work_dir, fingerprint(
            architecture.to_json(), classes, asdict(settings) | {"device": None, "num_workers": None},
            train_images.ids, validation_images.ids if validation_images is not None else None,
            train_transform.to_json(), val_transform.to_json()))
        saved = checkpoint.load(ctx.log)
        if saved is not None:
            state = _restore(saved, net, optimizer, scheduler, scaler, shuffle, augment, device)
            ctx.log(f"resuming from the checkpoint after epoch {state['epoch']} of {settings.epochs}")
            for values in state["history"]:
                ctx.metrics(values)

        def decoding(name):
            return lambda fraction, message: ctx.progress(0.0, f"{name}: {message}")

        train_batches = ImageBatches(train_images, train_transform, classes, batch_size=settings.batch_size,
                                     device=device, num_workers=settings.num_workers, progress=decoding("training"))
        val_batches = None
        if validation_images is not None:
            val_batches = ImageBatches(validation_images, val_transform, classes, batch_size=settings.batch_size,
                                       device=device, num_workers=settings.num_workers,
                                       progress=decoding("validation"))
        loop = _what_the_loop_feeds(net, architecture, train_batches, val_batches, train_transform, val_transform,
                                    amp, ctx, cache=state["epoch"] < settings.epochs)
        patience = settings.early_stopping_patience
        if patience and val_batches is None:
            ctx.log("early stopping needs a validation dataset; training every epoch")
        try:
            for epoch in range(state["epoch"], settings.epochs):
                if state["stopped"]:
                    break
                started = time.perf_counter()
                loss, accuracy = _train_epoch(loop, optimizer, scaler, amp, shuffle, augment, ctx, epoch,
                                              settings.epochs, architecture)
                values = {"epoch": epoch + 1, "loss": loss, "accuracy": accuracy}
                if loop.val_batches is not None:
                    values["val_loss"], values["val_accuracy"] = evaluate(loop.learner, loop.val_batches,
                                                                          loop.val_transform, amp)
                if scheduler is not None:
                    scheduler.step()
                ctx.metrics(values)
                ctx.log(", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in values.items())
                        + f" ({time.perf_counter() - started:.1f} s)")
                state["history"].append(values)
                state["epoch"] = epoch + 1
                if patience and val_batches is not None:
                    if values["val_loss"] < state["best_loss"]:
                        state["best_loss"], state["bad_epochs"] = values["val_loss"], 0
                        state["best_model"] = cpu_copy(net.state_dict())
                    else:
                        state["bad_epochs"] += 1
                        if state["bad_epochs"] >= patience:
                            state["stopped"] = True
                            ctx.log(f"early stopping: validation loss has not improved for {patience} epochs")
                if checkpoint.due():
                    copying = time.perf_counter()
                    snapshot = _snapshot(state, net, optimizer, scheduler, scaler, shuffle, augment, device, unchanged)
                    checkpoint.save(snapshot, copy_seconds=time.perf_counter() - copying)
            # While the last checkpoint is written (from a copy), finish the weights.
            if state["best_model"] is not None:
                net.load_state_dict(state["best_model"])
                ctx.log(f"kept the weights of the epoch with the lowest validation loss ({state['best_loss']:.4f})")
            if state["epoch"] and not architecture.freeze_backbone:
                recalibrate_batch_norm(net, train_batches, train_transform, settings.seed)
        finally:
            checkpoint.wait()
    ctx.progress(1.0, f"trained {state['epoch']} epochs")
    input_shape = tuple(prepared_pixels(train_images.entries[0], train_transform.for_inference()).shape)
    weights = {k: v.detach().to("cpu", copy=True) for k, v in net.state_dict().items()}
    return ImageModel(architecture, classes, train_transform, weights, input_shape, state["history"])


def _snapshot(state, net, optimizer, scheduler, scaler, shuffle, augment, device, unchanged=None) -> dict:
    """Everything needed to continue exactly after this epoch (copied: training goes on meanwhile; with
    `unchanged`, tensors no step wrote to, such as a frozen backbone, are not copied again)."""
    snapshot = {"model": cpu_copy(net.state_dict(), unchanged),
                "optimizer": cpu_copy(optimizer.state_dict(), unchanged),
                "scheduler": scheduler.state_dict() if scheduler is not None else None,
                "scaler": scaler.state_dict() if scaler.is_enabled() else None,
                "rng": torch.get_rng_state(),
                "cuda_rng": torch.cuda.get_rng_state(device) if device.type == "cuda" else None,
                "shuffle_rng": shuffle.get_state(), "augment_rng": augment.get_state(),
                "state": cpu_copy(state, unchanged)}
    if unchanged is not None:
        unchanged.forget_unseen()
    return snapshot


def _restore(saved: dict, net, optimizer, scheduler, scaler, shuffle, augment, device) -> dict:
    net.load_state_dict(saved["model"])
    optimizer.load_state_dict(saved["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(saved["scheduler"])
    if scaler.is_enabled() and saved.get("scaler"):
        scaler.load_state_dict(saved["scaler"])
    torch.set_rng_state(saved["rng"])
    if device.type == "cuda" and saved.get("cuda_rng") is not None:
        torch.cuda.set_rng_state(saved["cuda_rng"], device)
    shuffle.set_state(saved["shuffle_rng"])
    augment.set_state(saved["augment_rng"])
    return saved["state"]


@dataclass
class LoopInputs:
    """What the epoch loop trains and feeds it: the network and pixel batches, or (frozen backbone,
    nothing random) only the head and backbone features computed once."""

    learner: object
    set_training_mode: object
    train_batches: ImageBatches
    val_batches: ImageBatches | None
    train_transform: object
    val_transform: object


def _what_the_loop_feeds(net, architecture, train_batches, val_batches, train_transform, val_transform, amp, ctx,
                         *, cache: bool) -> LoopInputs:
    if not (cache and architecture.freeze_backbone and not train_transform.is_random):
        return LoopInputs(net, functools.partial(training_mode, net, architecture.architecture,
                                                 architecture.freeze_backbone),
                          train_batches, val_batches, train_transform, val_transform)
    ctx.log("frozen backbone and no random augmentation: backbone features are computed once and only the head "
            "trains on them")
    head = head_module(net, architecture.architecture)
    features = backbone_features(net, architecture, train_batches, train_transform, amp, ctx)
    val_features = (backbone_features(net, architecture, val_batches, val_transform, amp, ctx)
                    if val_batches is not None else None)
    return LoopInputs(head, head.train, features, val_features, UNCHANGED, UNCHANGED)


def _train_epoch(loop: LoopInputs, optimizer, scaler, amp, shuffle, augment, ctx, epoch: int, epochs: int,
                 architecture) -> tuple[float, float]:
    net, batches, transform = loop.learner, loop.train_batches, loop.train_transform
    loop.set_training_mode()
    device = batches.device
    total_loss = torch.zeros((), dtype=torch.float64, device=device)
    correct = torch.zeros((), dtype=torch.long, device=device)
    seen = 0
    count = batches.batch_count(drop_single=True)
    reported = time.monotonic()
    autocast = torch.autocast("cuda", dtype=torch.float16) if amp else contextlib.nullcontext()
    for number, (pixels, targets) in enumerate(batches.epoch(shuffle, drop_single=True), start=1):
        ctx.check_cancelled()
        inputs = transform.batch(pixels, augment)
        with autocast:
            try:
                logits = net(inputs)
            except RuntimeError as error:
                raise _too_small(error, inputs, architecture) or error
            loss = F.cross_entropy(logits, targets)
        optimizer.zero_grad(set_to_none=True)
        if amp:
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
        else:
            loss.backward()
            optimizer.step()
        size = targets.shape[0]
        total_loss += loss.detach() * size
        correct += (logits.detach().argmax(dim=1) == targets).sum()
        seen += size
        now = time.monotonic()
        if now - reported >= _REPORT_EVERY or number == count:
            reported = now
            ctx.progress((epoch + number / count) / epochs, f"epoch {epoch + 1}/{epochs}, batch {number}/{count}")
    if not seen:
        raise ComponentError("no training batches: give at least two training images")
    return total_loss.item() / seen, correct.item() / seen


class _Unchanged:
    """The 'transformation' of batches that are already network inputs (cached features)."""

    @staticmethod
    def batch(values, generator=None):
        return values


UNCHANGED = _Unchanged()


def backbone_features(net, architecture, batches, transform, amp: bool, ctx) -> ImageBatches:
    """Every image's backbone output (what the head sees), in eval mode, as in-memory batches."""
    name = "fc" if architecture.architecture.startswith("resnet") else "classifier"
    head = getattr(net, name)
    setattr(net, name, torch.nn.Identity())
    net.eval()
    chunks = []
    autocast = torch.autocast("cuda", dtype=torch.float16) if amp else contextlib.nullcontext()
    try:
        with torch.no_grad(), autocast:
            total = batches.batch_count()
            for number, (pixels, _) in enumerate(batches.epoch(), start=1):
                ctx.check_cancelled()
                chunks.append(net(transform.batch(pixels)).float())
                ctx.progress(0.0, f"backbone features: batch {number}/{total}")
    finally:
        setattr(net, name, head)
    return ImageBatches.of_tensors(torch.cat(chunks), batches.targets, batch_size=batches.batch_size,
                                   device=batches.device)


def recalibrate_batch_norm(net, batches, transform, seed: int, images: int = BATCH_NORM_IMAGES) -> None:
    """Re-estimate batch-norm statistics with the final weights ("precise BN").

    The running averages lag behind weights that moved quickly, which after a short training on
    a small dataset makes eval-mode accuracy far worse than training accuracy. One no-grad pass
    over up to `images` shuffled training images (about a third of an epoch's cost, at most)
    replaces them with exact averages for the final weights.
    """
    norms = [m for m in net.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    momenta = [m.momentum for m in norms]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a plain average over the batches below
    net.train()
    order = torch.Generator().manual_seed(seed + 2)
    seen = 0
    with torch.no_grad():
        for pixels, _ in batches.epoch(order, drop_single=True):
            net(transform.batch(pixels, order))
            seen += pixels.shape[0]
            if seen >= images:
                break
    for norm, momentum in zip(norms, momenta):
        norm.momentum = momentum
    net.eval()


def evaluate(net, batches, transform, amp: bool = False) -> tuple[float, float]:
    """Mean cross-entropy and accuracy over labelled images, in eval mode."""
    net.eval()
    total_loss, correct, seen = 0.0, 0, 0
    autocast = torch.autocast("cuda", dtype=torch.float16) if amp else contextlib.nullcontext()
    with torch.no_grad(), autocast:
        for pixels, targets in batches.epoch():
            logits = net(transform.batch(pixels)).float()
            total_loss += F.cross_entropy(logits, targets, reduction="sum").item()
            correct += int((logits.argmax(dim=1) == targets).sum())
            seen += targets.shape[0]
    return total_loss / max(1, seen), correct / max(1, seen)


def _too_small(error: RuntimeError, inputs, architecture) -> ComponentError | None:
    text = str(error)
    if any(marker in text for marker in ("too small", "Kernel size can't be greater", "Expected more than 1 value")):
        height, width = inputs.shape[-2:]
        return ComponentError(f"images of {width}×{height} px are too small for {architecture.architecture}; "
                              f"resize them to at least 32 px in init-image-transformation")
    return None
