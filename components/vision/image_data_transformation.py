"""Image data transformation: pixel tables to image directories, and stratified image splits."""
from __future__ import annotations

import math

from components.columns import parse_columns, require_columns
from components.context import RunContext
from components.ports import DataFrame, ImageDirectory as ImageDirectoryPort, column_roles
from components.roles import Role
from components.spec import ComponentError, Param, component
from components.vision.image_directory import ImageDirectory, ImageEntry

CATEGORY = "Computer Vision/Image Data Transformation"


def class_name(value) -> str:
    """A label value as a class name: 3, 3.0 and "3" all become "3"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sorted_classes(names) -> list[str]:
    """Class names in natural order: numerically when every name is a number ("2" before "10")."""
    names = sorted(set(names))
    try:
        return sorted(names, key=float)
    except ValueError:
        return names


def white_value_of_training_table(params, table) -> float | None:
    """pixel_max=0 means "1, 16 or 255, whichever holds the data it is given"; an inference graph fixes the
    value the training table called for, so request rows with faint pixels are not rescaled differently."""
    maxima = table.get("numeric_max") or {}
    label = params.get("label_column") or (table.get("roles") or {}).get("label")
    chosen = parse_columns(params.get("pixel_columns") or "")
    values = [maxima[c] for c in (chosen or maxima) if c in maxima and c != label and maxima[c] is not None]
    if not values:
        return None
    largest = max(values)
    return next((float(white) for white in (1, 16, 255) if largest <= white), None)


@component(id="convert-to-image-directory", category=CATEGORY,
           inputs={"dataset": DataFrame}, outputs={"image_directory": ImageDirectoryPort})
def convert_to_image_directory(
        dataset, *,
        label_column: Param(str, "", widget="column",
                            description="Column holding each image's class; empty uses the column marked as label "
                                        "(rows without one become unlabelled images, to score)."),
        pixel_columns: Param(str, "", widget="columns",
                             description="Pixel columns, row by row (and r,g,b per pixel for colour); empty takes "
                                         "every numeric column except the label."),
        width: Param(int, 0, min=0, max=4096, description="Image width in pixels; 0 assumes square images."),
        height: Param(int, 0, min=0, max=4096, description="Image height in pixels; 0 assumes square images."),
        channels: Param(int, 1, choices=(1, 3), description="1 for grayscale, 3 for RGB pixel columns."),
        pixel_max: Param(float, 0.0, min=0.0, from_training=white_value_of_training_table,
                         description="The value that means white (scaled to 255); 0 picks 1, 16 or 255, the "
                                     "smallest that holds every value (scikit-learn's digits use 0..16)."),
        ctx: RunContext = None):
    """Turn a table with one image per row (pixel columns plus a label) into an image directory.

    Use it for datasets such as scikit-learn's `digits` (64 pixel columns `pixel_0_0..pixel_7_7`,
    values 0..16, label `digit`): each row becomes an 8×8 grayscale PNG whose class is the label.
    """
    import numpy as np
    import pandas as pd

    ctx = ctx or RunContext()
    label = label_column or column_roles(dataset).get("label")
    if label:
        require_columns(dataset, [label], where="the dataset")
    columns = parse_columns(pixel_columns)
    if columns:
        require_columns(dataset, columns, where="the dataset")
    else:
        columns = [c for c in dataset.columns if c != label and pd.api.types.is_numeric_dtype(dataset[c])
                   and not pd.api.types.is_bool_dtype(dataset[c])]
    if not columns:
        raise ComponentError("the dataset has no numeric pixel columns; choose them in pixel_columns")
    width, height = _image_shape(len(columns), width, height, channels)
    try:
        values = dataset[columns].to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        raise ComponentError("pixel columns must hold numbers; choose the pixel columns in pixel_columns") from None
    bad = ~np.isfinite(values).all(axis=1)
    if bad.any():
        raise ComponentError(f"row {int(np.argmax(bad))} has a missing or infinite pixel value; clean the data first")
    if (values < 0).any():
        raise ComponentError("pixel values must not be negative")
    scale = pixel_max or _white_value(float(values.max(initial=0.0)))
    if values.max(initial=0.0) > scale:
        raise ComponentError(f"pixel values go up to {values.max():g}, above pixel_max {scale:g}")
    pixels = np.rint(values / scale * 255.0).clip(0, 255).astype(np.uint8)
    shape = (height, width) if channels == 1 else (height, width, 3)
    labels = [None if (label is None or pd.isna(v)) else class_name(v)
              for v in (dataset[label].tolist() if label else [None] * len(dataset))]
    classes = sorted_classes(v for v in labels if v is not None)
    width_digits = max(5, len(str(len(dataset))))
    entries = [ImageEntry(f"{lab}/{i:0{width_digits}d}.png" if lab is not None else f"{i:0{width_digits}d}.png",
                          lab, pixels=pixels[i].reshape(shape)) for i, lab in enumerate(labels)]
    if not label:
        ctx.log("no label column: the images are unlabelled (fine for scoring, not for training)")
    ctx.log(f"{len(entries)} images of {width}×{height} px, {len(classes)} classes, white = {scale:g}")
    return ImageDirectory(entries, classes)


def _image_shape(count: int, width: int, height: int, channels: int) -> tuple[int, int]:
    if count % channels:
        raise ComponentError(f"{count} pixel columns cannot hold {channels}-channel images")
    pixels = count // channels
    if width and height:
        if width * height != pixels:
            raise ComponentError(f"{width}×{height} images need {width * height * channels} pixel columns, "
                                 f"the table has {count}")
        return width, height
    if width or height:
        known = width or height
        if pixels % known:
            raise ComponentError(f"{count} pixel columns do not divide into rows of {known} pixels")
        return (width, pixels // width) if width else (pixels // height, height)
    side = math.isqrt(pixels)
    if side * side != pixels:
        raise ComponentError(f"{count} pixel columns do not make a square image; set width and height")
    return side, side


def _white_value(largest: float) -> float:
    for candidate in (1.0, 16.0, 255.0):
        if largest <= candidate:
            return candidate
    raise ComponentError(f"pixel values go up to {largest:g}; set pixel_max to the value that means white")


@component(id="split-image-directory", category=CATEGORY,
           inputs={"image_directory": ImageDirectoryPort},
           outputs={"train": ImageDirectoryPort, "test": ImageDirectoryPort}, roles={Role.ROW_PICKER})
def split_image_directory(image_directory, *,
                          test_fraction: Param(float, 0.2, min=0.0, max=1.0,
                                               description="Share of each class's images sent to `test`."),
                          seed: Param(int, 0, description="Seed of the shuffle: the same seed gives the same split."),
                          stratified: Param(bool, True, description="Keep each class's share equal in both "
                                                                    "outputs.")):
    """Split images into a training and a test set at random, class by class (stratified), reproducibly."""
    import numpy as np

    if not isinstance(image_directory, ImageDirectory):
        raise ComponentError("connect an image directory to split")
    rng = np.random.default_rng(seed)
    groups: dict[object, list[int]] = {}
    for index, entry in enumerate(image_directory.entries):
        groups.setdefault(entry.label if stratified else None, []).append(index)
    test: list[int] = []
    for members in groups.values():
        order = rng.permutation(members).tolist()
        take = int(round(len(order) * test_fraction))
        if 0 < test_fraction < 1 and len(order) >= 2:
            take = min(max(take, 1), len(order) - 1)  # every class on both sides when it can be
        test += order[:take]
    chosen = set(test)
    train = [i for i in range(len(image_directory)) if i not in chosen]
    if not train or not test:
        side = "test" if not test else "train"
        raise ComponentError(f"test_fraction {test_fraction} leaves the {side} output empty "
                             f"({len(image_directory)} images); choose a value strictly between 0 and 1")
    return {"train": image_directory.subset(train), "test": image_directory.subset(sorted(test))}
