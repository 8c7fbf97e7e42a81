"""Train PyTorch Model: fit an image architecture to labelled images, resuming after a cancel or crash."""
from __future__ import annotations

from components.context import RunContext
from components.ports import ImageDirectory as ImageDirectoryPort, TrainedModel, UntrainedModel
from components.roles import Role
from components.spec import ComponentError, Input, Param, component
from components.vision.architectures import ImageArchitecture
from components.vision.image_directory import ImageDirectory
from components.vision.transforms import IMAGENET_MEAN, IMAGENET_STD, ImageTransformation


@component(id="train-pytorch-model", category="Model Training", roles={Role.TRAINING_ONLY},
           inputs={"untrained_model": UntrainedModel, "dataset": ImageDirectoryPort,
                   "validation_dataset": Input(ImageDirectoryPort, optional=True,
                                               description="Labelled images to measure val_loss and val_accuracy "
                                                           "on after every epoch (and to stop early).")},
           outputs={"trained_model": TrainedModel})
def train_pytorch_model(
        untrained_model, dataset, validation_dataset=None, *,
        epochs: Param(int, 10, min=0, max=100_000, description="Passes over the training images (0 keeps the "
                                                                "initial or pretrained weights)."),
        batch_size: Param(int, 32, min=1, max=65_536, description="Images per optimisation step."),
        learning_rate: Param(float, 0.001, min=1e-8, max=10.0, description="Step size of the optimiser."),
        optimizer: Param(str, "adam", choices=("sgd", "adam", "adamw"),
                         description="sgd (with momentum 0.9), adam or adamw (decoupled weight decay)."),
        lr_schedule: Param(str, "none", choices=("none", "step", "cosine"),
                           description="step: ×0.1 every third of the epochs; cosine: anneal to 0 by the end."),
        weight_decay: Param(float, 0.0, min=0.0, max=1.0, description="L2 penalty on the weights."),
        early_stopping_patience: Param(int, 0, min=0, max=10_000,
                                       description="Stop after this many epochs without a lower validation loss "
                                                   "and keep the best epoch's weights (0: off)."),
        device: Param(str, "auto", description="auto (a GPU of the compute target when there is one), cpu, cuda "
                                               "or cuda:N."),
        mixed_precision: Param(bool, False, description="Float16 autocast on CUDA (ignored on the CPU)."),
        num_workers: Param(int, 0, min=0, max=64, description="Processes decoding images when they are too many "
                                                              "to hold in memory."),
        seed: Param(int, 0, description="The same seed, data and settings give the same model on a CPU."),
        ctx: RunContext = None):
    """Train an image classifier (mobilenet-v2, resnet, densenet) on labelled images.

    Reports progress per batch and loss/accuracy (and val_loss/val_accuracy) per epoch. After each
    epoch a checkpoint is kept in the node's work folder, so running the same node again after a
    cancel or crash continues from the last finished epoch instead of starting over.
    """
    from components.vision import _trainer

    ctx = ctx or RunContext()
    if not isinstance(untrained_model, ImageArchitecture):
        raise ComponentError("train-pytorch-model trains image architectures: connect mobilenet-v2, resnet or "
                             "densenet to untrained_model (tabular models go to train-model)")
    classes = _training_classes(dataset, untrained_model, "dataset")
    if validation_dataset is not None:
        _check_validation(validation_dataset, classes)
    train_transform = dataset.transformation or _default_transformation(untrained_model, ctx)
    if dataset.transformation is not None and dataset.transformation.mode != "training":
        ctx.log("the training images were transformed in inference mode, so random augmentation is off")
    val_transform = (validation_dataset.transformation if validation_dataset is not None
                     and validation_dataset.transformation is not None else train_transform).for_inference()
    settings = _trainer.TrainingSettings(
        epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, optimizer=optimizer,
        lr_schedule=lr_schedule, weight_decay=weight_decay, early_stopping_patience=early_stopping_patience,
        device=device, mixed_precision=mixed_precision, num_workers=num_workers, seed=seed)
    return _trainer.train(untrained_model, dataset, validation_dataset, classes, train_transform, val_transform,
                          settings, ctx)


def _training_classes(images, architecture: ImageArchitecture, port: str) -> list[str]:
    if not isinstance(images, ImageDirectory):
        raise ComponentError(f"connect an image directory to {port}")
    if not len(images):
        raise ComponentError("there are no training images")
    unlabelled = sum(1 for label in images.labels if label is None)
    if unlabelled:
        raise ComponentError(f"{unlabelled} training images have no label; training needs every image's class")
    present = [name for name, count in images.class_counts().items() if count]
    if len(present) < 2:
        raise ComponentError(f"the training images all belong to one class ({present[0]}); a classifier needs "
                             f"at least two")
    if architecture.num_classes and architecture.num_classes != len(images.classes):
        raise ComponentError(f"the model was set up for {architecture.num_classes} classes but the images have "
                             f"{len(images.classes)} ({', '.join(images.classes)}); set num_classes to 0 to take "
                             f"the count from the data")
    return list(images.classes)


def _check_validation(images, classes: list[str]) -> None:
    if not isinstance(images, ImageDirectory):
        raise ComponentError("connect an image directory to validation_dataset")
    if not len(images):
        raise ComponentError("the validation dataset has no images")
    if any(label is None for label in images.labels):
        raise ComponentError("every validation image needs a label")
    unknown = sorted({label for label in images.labels if label not in classes})
    if unknown:
        raise ComponentError(f"validation images have classes the training images do not: {unknown}")


def _default_transformation(architecture: ImageArchitecture, ctx: RunContext) -> ImageTransformation:
    """Without an image transformation: resize to the architecture's input size (and ImageNet-normalise
    for pretrained weights)."""
    pretrained = bool(architecture.weights_file)
    transformation = ImageTransformation(
        resize=architecture.input_size, keep_aspect_ratio=False, normalize="imagenet" if pretrained else "none",
        mean=IMAGENET_MEAN if pretrained else (0.0, 0.0, 0.0), std=IMAGENET_STD if pretrained else (1.0, 1.0, 1.0),
        mode="inference")
    ctx.log(f"the images carry no image transformation: using {transformation.describe()}")
    return transformation
