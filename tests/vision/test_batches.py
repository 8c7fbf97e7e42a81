"""Image batches: the in-memory path and the DataLoader path give the same pixels and labels."""
from __future__ import annotations

import torch
from vision_support import shapes_directory

from components.vision.batches import ImageBatches
from components.vision.transforms import ImageTransformation


def test_streaming_through_a_dataloader_gives_the_same_batches_as_decoding_into_memory():
    images = shapes_directory(per_class=5, size=12)
    transformation = ImageTransformation(resize=8, keep_aspect_ratio=False, mode="inference")
    in_memory = ImageBatches(images, transformation, images.classes, batch_size=4)
    streamed = ImageBatches(images, transformation, images.classes, batch_size=4, memory_limit=0)
    assert in_memory.in_memory and not streamed.in_memory
    for (a, a_labels), (b, b_labels) in zip(in_memory.epoch(), streamed.epoch(), strict=True):
        assert torch.equal(a, b) and torch.equal(a_labels, b_labels)
    shuffled = [labels for _, labels in streamed.epoch(torch.Generator().manual_seed(0))]
    assert sorted(torch.cat(shuffled).tolist()) == sorted(in_memory.targets.tolist())


def test_a_last_batch_of_one_image_is_skipped_for_training_only():
    images = shapes_directory(per_class=3, size=8)  # 9 images in batches of 4: 4, 4, 1
    batches = ImageBatches(images, ImageTransformation(mode="inference"), images.classes, batch_size=4)
    assert [len(y) for _, y in batches.epoch(torch.Generator().manual_seed(0), drop_single=True)] == [4, 4]
    assert [len(y) for _, y in batches.epoch()] == [4, 4, 1]
    assert batches.batch_count(drop_single=True) == 2 and batches.batch_count() == 3
