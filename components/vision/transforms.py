"""Image transformations: resizing and cropping done once per image, random augmentation per batch.

An `ImageTransformation` has two halves:

- `prepare(image)` — deterministic and per image (resize, centre crop, grayscale), done once when
  images are decoded into a uint8 tensor;
- `batch(pixels, generator)` — per batch on the training device (random crop, flips, rotation,
  colour jitter, then normalisation), vectorised so augmentation costs next to nothing and is
  drawn afresh every epoch.

Its `mode` decides whether random steps may run: "training" lets them, "inference" never does
(random crop becomes a centre crop). Scoring always uses the inference form.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from components.context import RunContext
from components.ports import ImageDirectory as ImageDirectoryPort, Transformation
from components.roles import Role
from components.spec import ComponentError, Input, Param, component

CATEGORY = "Computer Vision/Image Data Transformation"
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
MODES = ("training", "inference")


@dataclass(frozen=True)
class ImageTransformation:
    """The settings of an image transformation (JSON-friendly, picklable); `apply` attaches it to images."""

    resize: int = 0
    keep_aspect_ratio: bool = True
    crop: str = "none"  # none | center | random
    crop_size: int = 0
    horizontal_flip: bool = False
    vertical_flip: bool = False
    rotation: float = 0.0
    color_jitter: float = 0.0
    grayscale: bool = False
    normalize: str = "none"  # none | imagenet | computed
    mean: tuple = (0.0, 0.0, 0.0)
    std: tuple = (1.0, 1.0, 1.0)
    mode: str = "training"

    # ------------------------------------------------------------ value protocol
    def to_json(self) -> dict:
        out = asdict(self)
        out["mean"], out["std"] = list(self.mean), list(self.std)
        return out

    @classmethod
    def from_json(cls, data: dict) -> "ImageTransformation":
        data = dict(data)
        data["mean"], data["std"] = tuple(data.get("mean", (0.0,) * 3)), tuple(data.get("std", (1.0,) * 3))
        return cls(**data)

    def save_to(self, directory: Path) -> dict:
        (Path(directory) / "transformation.json").write_text(json.dumps(self.to_json(), indent=1, sort_keys=True))
        return {"kind": "image-transformation"}

    @classmethod
    def load_from(cls, directory: Path) -> "ImageTransformation":
        return cls.from_json(json.loads((Path(directory) / "transformation.json").read_text()))

    def describe(self) -> str:
        steps = []
        if self.resize:
            steps.append(f"resize {'shorter side to ' if self.keep_aspect_ratio else 'to '}{self.resize}"
                         + ("" if self.keep_aspect_ratio else f"×{self.resize}"))
        if self.crop != "none":
            steps.append(f"{self.crop} crop {self.output_side}")
        if self.grayscale:
            steps.append("grayscale")
        if self.mode == "training":
            steps += [name for name, on in (("random horizontal flip", self.horizontal_flip),
                                            ("random vertical flip", self.vertical_flip),
                                            (f"random rotation ±{self.rotation:g}°", self.rotation),
                                            (f"colour jitter {self.color_jitter:g}", self.color_jitter)) if on]
        if self.normalize != "none":
            steps.append(f"normalise ({self.normalize})")
        return ", ".join(steps) or "no change"

    # ------------------------------------------------------------ modes
    def for_inference(self) -> "ImageTransformation":
        return replace(self, mode="inference")

    def for_training(self) -> "ImageTransformation":
        return replace(self, mode="training")

    @property
    def is_random(self) -> bool:
        """True when batches differ from call to call (training mode with some random step)."""
        return self.mode == "training" and bool(self.crop == "random" or self.horizontal_flip or self.vertical_flip
                                                or self.rotation or self.color_jitter)

    @property
    def output_side(self) -> int:
        """The side of the square images this yields (0 when it does not fix the size)."""
        if self.crop != "none":
            return self.crop_size or self.resize
        return self.resize if (self.resize and not self.keep_aspect_ratio) else 0

    def apply(self, image_directory, mode: str = "inference"):
        """The same images with this transformation attached (in `mode`), to run when they become tensors."""
        from components.vision.image_directory import ImageDirectory

        if mode not in MODES:
            raise ComponentError(f"mode must be one of {list(MODES)}, got {mode!r}")
        if not isinstance(image_directory, ImageDirectory):
            raise ComponentError("an image transformation applies to an image directory; connect one")
        if image_directory.transformation is not None:
            raise ComponentError("these images already have an image transformation applied; connect "
                                 "apply-image-transformation to the untransformed images and put every step "
                                 "in one init-image-transformation")
        return image_directory.with_transformation(replace(self, mode=mode))

    # ------------------------------------------------------------ per image, once
    def prepare(self, image):
        """Resize, centre crop and grayscale one RGB PIL image (random crop waits for the batch)."""
        from PIL import Image

        if self.resize:
            width, height = image.size
            if self.keep_aspect_ratio:
                scale = self.resize / min(width, height)
                size = (max(1, round(width * scale)), max(1, round(height * scale)))
            else:
                size = (self.resize, self.resize)
            if size != image.size:
                image = image.resize(size, Image.BILINEAR)
        if self.crop == "center" or (self.crop == "random" and self.mode != "training"):
            image = _center_crop(image, self.output_side)
        elif self.crop == "random":
            # The random crop is cut per batch from the central square, so every image has one size.
            image = _center_crop(image, min(image.size))
        if self.grayscale:
            image = image.convert("L").convert("RGB")
        return image

    # ------------------------------------------------------------ per batch, on the device
    def batch(self, pixels, generator=None):
        """uint8 [B,3,H,W] → normalised float [B,3,h,w]; random steps only in training mode with a generator."""
        import torch

        random = self.is_random and generator is not None
        if random and self.crop == "random":
            pixels = _random_crop(pixels, self.output_side, generator)
        x = pixels.float().div_(255.0)
        if random:
            x = _random_flips_rotation_jitter(x, self, generator)
        if self.normalize != "none":
            mean = torch.tensor(self.mean, dtype=x.dtype, device=x.device).view(1, -1, 1, 1)
            std = torch.tensor(self.std, dtype=x.dtype, device=x.device).view(1, -1, 1, 1)
            x = (x - mean) / std
        return x


def _center_crop(image, side: int):
    width, height = image.size
    if side > width or side > height:
        raise ComponentError(f"crop size {side} is larger than the {width}×{height} image; crop smaller or "
                             f"resize first")
    left, top = (width - side) // 2, (height - side) // 2
    return image.crop((left, top, left + side, top + side))


def _uniform(generator, count: int, low: float, high: float):
    import torch

    return torch.rand(count, generator=generator) * (high - low) + low


def _random_crop(pixels, side: int, generator):
    import torch

    count, _, height, width = pixels.shape
    if side > height or side > width:
        raise ComponentError(f"crop size {side} is larger than the {width}×{height} images; crop smaller or "
                             f"resize first")
    tops = torch.randint(0, height - side + 1, (count,), generator=generator).tolist()
    lefts = torch.randint(0, width - side + 1, (count,), generator=generator).tolist()
    return torch.stack([pixels[i, :, t:t + side, l:l + side] for i, (t, l) in enumerate(zip(tops, lefts))])


def _random_flips_rotation_jitter(x, settings: ImageTransformation, generator):
    import torch
    import torch.nn.functional as F

    count, device = x.shape[0], x.device

    def chosen(probability: float = 0.5):
        return (torch.rand(count, generator=generator) < probability).to(device).view(-1, 1, 1, 1)

    if settings.horizontal_flip:
        x = torch.where(chosen(), x.flip(-1), x)
    if settings.vertical_flip:
        x = torch.where(chosen(), x.flip(-2), x)
    if settings.rotation:
        angles = _uniform(generator, count, -settings.rotation, settings.rotation) * (math.pi / 180)
        height, width = x.shape[-2:]
        cos, sin = torch.cos(angles), torch.sin(angles)
        theta = torch.zeros(count, 2, 3)
        theta[:, 0, 0], theta[:, 0, 1] = cos, -sin * height / width
        theta[:, 1, 0], theta[:, 1, 1] = sin * width / height, cos
        grid = F.affine_grid(theta.to(device), list(x.shape), align_corners=False)
        x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    if settings.color_jitter:
        s = settings.color_jitter
        brightness, contrast, saturation = (_uniform(generator, count, max(0.0, 1 - s), 1 + s).to(device)
                                            .view(-1, 1, 1, 1) for _ in range(3))
        x = x * brightness
        gray = (0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3])
        x = (x - gray.mean(dim=(2, 3), keepdim=True)) * contrast + gray.mean(dim=(2, 3), keepdim=True)
        gray = (0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3])
        x = ((x - gray) * saturation + gray).clamp_(0.0, 1.0)
    return x


# ---------------------------------------------------------------- components

@component(id="init-image-transformation", category=CATEGORY,
           inputs={"image_directory": Input(ImageDirectoryPort, optional=True,
                                            description="Images to compute normalisation statistics from "
                                                        "(only for normalize=computed).")},
           outputs={"transformation": Transformation})
def init_image_transformation(
        image_directory=None, *,
        resize: Param(int, 0, min=0, max=4096, description="Resize to this many pixels (0 keeps the size)."),
        keep_aspect_ratio: Param(bool, True, description="Resize the shorter side and keep the shape; off "
                                                         "resizes to a resize×resize square."),
        crop: Param(str, "none", choices=("none", "center", "random"),
                    description="Cut a square: centre, or at random while training (centre at inference)."),
        crop_size: Param(int, 0, min=0, max=4096, description="Side of the crop; 0 uses resize."),
        horizontal_flip: Param(bool, False, description="Training only: mirror half the images left-right."),
        vertical_flip: Param(bool, False, description="Training only: flip half the images upside down."),
        rotation: Param(float, 0.0, min=0.0, max=180.0, description="Training only: rotate by up to ± this "
                                                                     "many degrees."),
        color_jitter: Param(float, 0.0, min=0.0, max=1.0, description="Training only: vary brightness, contrast "
                                                                       "and saturation by up to this share."),
        grayscale: Param(bool, False, description="Turn images gray (kept as 3 channels for the networks)."),
        normalize: Param(str, "none", choices=("none", "imagenet", "computed"),
                         description="Subtract the mean and divide by the spread per channel: ImageNet's "
                                     "statistics (for pretrained weights) or the connected images'."),
        ctx: RunContext = None):
    """Define how images are prepared for a network: size, crop, augmentation and normalisation.

    Connect it, with images, to apply-image-transformation. Random steps (random crop, flips,
    rotation, colour jitter) run only in training mode, freshly every epoch; scoring never uses them.
    """
    ctx = ctx or RunContext()
    if crop != "none" and not (crop_size or resize):
        raise ComponentError(f"a {crop} crop needs crop_size (or resize) to say how big")
    if crop != "none" and resize and crop_size > resize:
        raise ComponentError(f"crop_size {crop_size} is larger than the resized images ({resize})")
    transformation = ImageTransformation(
        resize=resize, keep_aspect_ratio=keep_aspect_ratio, crop=crop, crop_size=crop_size,
        horizontal_flip=horizontal_flip, vertical_flip=vertical_flip, rotation=float(rotation),
        color_jitter=float(color_jitter), grayscale=grayscale, normalize=normalize)
    if normalize == "imagenet":
        transformation = replace(transformation, mean=IMAGENET_MEAN, std=IMAGENET_STD)
    elif normalize == "computed":
        if image_directory is None:
            raise ComponentError("normalize=computed needs images: connect an image directory (the training "
                                 "images) to compute the statistics from")
        mean, std = channel_statistics(image_directory, transformation, ctx)
        transformation = replace(transformation, mean=mean, std=std)
        ctx.log("channel mean " + ", ".join(f"{m:.4f}" for m in mean) + "; std "
                + ", ".join(f"{s:.4f}" for s in std))
    ctx.log(f"transformation: {transformation.describe()}")
    return transformation


def channel_statistics(image_directory, transformation: ImageTransformation,
                       ctx: RunContext) -> tuple[tuple, tuple]:
    """Per-channel mean and standard deviation (0..1 scale) of the images after resizing and cropping."""
    import torch

    from components.vision.batches import decoded_images

    prepared = replace(transformation, normalize="none", mode="inference")
    total = torch.zeros(3, dtype=torch.float64)
    squares = torch.zeros(3, dtype=torch.float64)
    count = 0
    for pixels in decoded_images(image_directory, prepared, ctx=ctx):
        x = pixels.to(torch.float64).div_(255.0)
        total += x.sum(dim=(0, 2, 3))
        squares += (x * x).sum(dim=(0, 2, 3))
        count += x.shape[0] * x.shape[2] * x.shape[3]
    if not count:
        raise ComponentError("no images to compute statistics from")
    mean = total / count
    std = (squares / count - mean * mean).clamp_min(1e-12).sqrt().clamp_min(1e-3)
    return tuple(round(v, 6) for v in mean.tolist()), tuple(round(v, 6) for v in std.tolist())


@component(id="apply-image-transformation", category=CATEGORY,
           inputs={"transformation": Transformation, "image_directory": ImageDirectoryPort},
           outputs={"image_directory": ImageDirectoryPort}, roles={Role.APPLIES_TRANSFORMATION},
           inference_params={"mode": "inference"})
def apply_image_transformation(transformation, image_directory, *,
                               mode: Param(str, "inference", choices=MODES,
                                           description="training lets random augmentation run (each epoch "
                                                       "anew); inference never does — use it for test and "
                                                       "scoring images.")):
    """Attach an image transformation to images; it runs when they are fed to a network."""
    if not isinstance(transformation, ImageTransformation):
        raise ComponentError("connect the output of init-image-transformation to the transformation input")
    return transformation.apply(image_directory, mode=mode)
