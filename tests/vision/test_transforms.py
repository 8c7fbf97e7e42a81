"""Image transformations: deterministic at inference, freshly random per batch in training."""
from __future__ import annotations

import pytest
import torch
from vision_support import run, shapes_directory

from components.spec import ComponentError
from components.vision.batches import ImageBatches
from components.vision.transforms import ImageTransformation

AUGMENTING = {"resize": 20, "keep_aspect_ratio": False, "crop": "random", "crop_size": 16, "horizontal_flip": True,
              "vertical_flip": True, "rotation": 30.0, "color_jitter": 0.4, "normalize": "imagenet"}


def pixels_of(images, transformation):
    batches = ImageBatches(images, transformation, images.classes, batch_size=len(images))
    return next(batches.epoch())[0]


def test_random_augmentation_is_never_applied_at_inference():
    augmenting = run("init-image-transformation", params=AUGMENTING)["transformation"]
    images = shapes_directory(per_class=4, size=24)
    for_scoring = run("apply-image-transformation", {"transformation": augmenting, "image_directory": images},
                      {"mode": "inference"})["image_directory"]
    inference = for_scoring.transformation
    assert not inference.is_random
    pixels = pixels_of(for_scoring, inference)
    first = inference.batch(pixels, torch.Generator().manual_seed(1))
    second = inference.batch(pixels, torch.Generator().manual_seed(2))
    assert torch.equal(first, second), "a generator changes nothing in inference mode"
    assert first.shape[-2:] == (16, 16), "random crop becomes a centre crop"
    # A model trained with the augmenting transformation scores with its inference form only.
    trained_form = augmenting.for_training()
    assert trained_form.is_random and not trained_form.for_inference().is_random


def test_training_mode_draws_new_augmentation_for_every_batch():
    augmenting = run("init-image-transformation", params=AUGMENTING)["transformation"].for_training()
    images = shapes_directory(per_class=4, size=24)
    pixels = pixels_of(images, augmenting)
    generator = torch.Generator().manual_seed(0)
    first, second = augmenting.batch(pixels, generator), augmenting.batch(pixels, generator)
    assert first.shape == second.shape == (12, 3, 16, 16)
    assert not torch.equal(first, second)
    again = augmenting.batch(pixels, torch.Generator().manual_seed(0))
    assert torch.equal(first, again), "the same seed gives the same augmentation"


def test_computed_normalisation_uses_the_connected_images():
    images = shapes_directory(per_class=4, size=8)
    transformation = run("init-image-transformation", {"image_directory": images},
                         {"normalize": "computed"})["transformation"]
    normalised = transformation.for_inference().batch(pixels_of(images, transformation))
    assert normalised.mean(dim=(0, 2, 3)).abs().max() < 1e-4
    assert (normalised.std(dim=(0, 2, 3), unbiased=False) - 1).abs().max() < 1e-3
    with pytest.raises(ComponentError, match="normalize=computed needs images"):
        run("init-image-transformation", params={"normalize": "computed"})


def test_a_second_transformation_on_the_same_images_is_rejected():
    transformation = ImageTransformation(resize=8)
    once = transformation.apply(shapes_directory(per_class=1, size=8), mode="training")
    with pytest.raises(ComponentError, match="already have an image transformation"):
        transformation.apply(once)


def test_a_crop_needs_a_size_and_images_of_different_sizes_need_one():
    with pytest.raises(ComponentError, match="needs crop_size"):
        run("init-image-transformation", params={"crop": "center"})
    mixed = shapes_directory(per_class=2, size=8)
    tall = shapes_directory(per_class=1, size=12)
    mixed.entries[0] = type(mixed.entries[0])(mixed.entries[0].id, "circle", pixels=tall.entries[0].pixels[:, :8])
    with pytest.raises(ComponentError, match="a network needs one size"):
        pixels_of(mixed, ImageTransformation(mode="inference"))


def test_the_transformation_survives_its_on_disk_form(tmp_path):
    transformation = run("init-image-transformation", params=AUGMENTING)["transformation"]
    transformation.save_to(tmp_path)
    assert ImageTransformation.load_from(tmp_path) == transformation
