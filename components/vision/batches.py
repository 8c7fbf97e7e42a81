"""Image directories as tensor batches: decoded once into memory when they fit, streamed otherwise.

Decoding (file → resized, cropped uint8 pixels) is the slow part of feeding a network, so a
directory that fits in `memory_limit` bytes is decoded once, by a thread pool, into one uint8
tensor; each epoch then only shuffles indices. Larger directories go through a torch DataLoader
(`num_workers` processes decoding in parallel). Either way a batch is uint8 pixels plus class
indices; `ImageTransformation.batch` turns the pixels into the network's float input.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterator

from components.spec import ComponentError

MEMORY_LIMIT = int(os.environ.get("DESIGNER_IMAGE_MEMORY_MB", "1024")) * 2 ** 20
_DECODE_THREADS = max(1, min(4, os.cpu_count() or 1))
_DECODE_CHUNK = 64
Progress = Callable[[float, str], None]


def _no_progress(fraction: float, message: str) -> None:
    return None


def prepared_pixels(entry, transformation):
    """One image decoded and prepared (resize, centre crop, grayscale) as a uint8 [3,H,W] tensor."""
    import numpy as np
    import torch

    image = transformation.prepare(entry.open())
    return torch.from_numpy(np.asarray(image, dtype=np.uint8).copy()).permute(2, 0, 1)


def _size_mismatch(entry, size, expected) -> ComponentError:
    return ComponentError(
        f"image '{entry.id}' is {size[1]}×{size[0]} px after the transformation but others are "
        f"{expected[1]}×{expected[0]}; a network needs one size: set resize with keep_aspect_ratio off, or add a "
        f"centre crop, in init-image-transformation")


def decode_all(entries, transformation, progress: Progress = _no_progress):
    """Every image prepared and stacked into one uint8 [N,3,H,W] tensor (all must share one size)."""
    import torch

    if not entries:
        raise ComponentError("there are no images")
    first = prepared_pixels(entries[0], transformation)
    out = torch.empty((len(entries), *first.shape), dtype=torch.uint8)
    out[0] = first

    def fill(indices: range) -> int:
        for index in indices:
            pixels = prepared_pixels(entries[index], transformation)
            if pixels.shape != first.shape:
                raise _size_mismatch(entries[index], pixels.shape[1:], first.shape[1:])
            out[index] = pixels
        return len(indices)

    # Chunks of images per task: a task per image costs more in bookkeeping than decoding a small PNG.
    chunks = [range(start, min(start + _DECODE_CHUNK, len(entries))) for start in range(1, len(entries), _DECODE_CHUNK)]
    done = 1
    with ThreadPoolExecutor(max_workers=_DECODE_THREADS) as pool:
        for count in pool.map(fill, chunks):
            done += count
            progress(done / len(entries), f"decoded {done}/{len(entries)} images")
    return out


def decoded_images(directory, transformation, *, ctx=None, chunk: int = 512) -> Iterator:
    """The directory's prepared images as uint8 tensors of up to `chunk` images (bounded memory)."""
    entries = directory.entries
    for start in range(0, len(entries), chunk):
        if ctx is not None:
            ctx.progress(start / max(1, len(entries)), f"reading images {start}/{len(entries)}")
        yield decode_all(entries[start:start + chunk], transformation)


def class_indices(directory, classes: list[str]):
    """Each image's class as an index into `classes` (-1 for unlabelled images)."""
    import torch

    index = {name: i for i, name in enumerate(classes)}
    return torch.tensor([index[e.label] if e.label is not None else -1 for e in directory.entries],
                        dtype=torch.long)


class _PreparedImages:
    """A map-style dataset of (uint8 pixels, class index) for the DataLoader path (picklable for workers)."""

    def __init__(self, entries, transformation, targets):
        self.entries, self.transformation, self.targets = entries, transformation, targets

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int):
        return prepared_pixels(self.entries[index], self.transformation), self.targets[index]


class ImageBatches:
    """(uint8 pixels, class indices) batches from an image directory, on `device`."""

    def __init__(self, directory, transformation, classes: list[str], *, batch_size: int, device="cpu",
                 num_workers: int = 0, memory_limit: int | None = None, progress: Progress = _no_progress):
        import torch

        self.entries = directory.entries
        self.transformation = transformation
        self.batch_size = batch_size
        self.device = torch.device(device)
        self.num_workers = num_workers
        self.targets = class_indices(directory, classes)
        if not self.entries:
            raise ComponentError("there are no images")
        first = prepared_pixels(self.entries[0], transformation)
        limit = MEMORY_LIMIT if memory_limit is None else memory_limit
        self.in_memory = first.numel() * len(self.entries) <= limit
        self.pixels = None
        if self.in_memory:
            self.pixels = decode_all(self.entries, transformation, progress)
            if self.device.type != "cpu":
                self.pixels = self.pixels.to(self.device)
                self.targets = self.targets.to(self.device)

    @classmethod
    def of_tensors(cls, values, targets, *, batch_size: int, device="cpu") -> "ImageBatches":
        """Batches over tensors already in memory (e.g. backbone features), with the same epoch API."""
        import torch

        batches = cls.__new__(cls)
        batches.entries, batches.transformation, batches.num_workers = range(len(targets)), None, 0
        batches.batch_size, batches.device = batch_size, torch.device(device)
        batches.in_memory, batches.pixels, batches.targets = True, values, targets
        return batches

    def __len__(self) -> int:
        return len(self.targets)

    def batch_count(self, drop_single: bool = False) -> int:
        full, rest = divmod(len(self), self.batch_size)
        return full + (1 if rest and not (drop_single and rest == 1 and full) else 0)

    def epoch(self, generator=None, *, drop_single: bool = False) -> Iterator:
        """One pass: shuffled by `generator` when given; `drop_single` skips a last batch of one image
        (batch norm cannot train on it)."""
        if self.in_memory:
            yield from self._memory_epoch(generator, drop_single)
        else:
            yield from self._loader_epoch(generator, drop_single)

    def _memory_epoch(self, generator, drop_single: bool) -> Iterator:
        import torch

        count = len(self)
        order = torch.randperm(count, generator=generator) if generator is not None else None
        if order is not None and self.device.type != "cpu":
            order = order.to(self.device)
        for start in range(0, count, self.batch_size):
            stop = min(start + self.batch_size, count)
            if drop_single and stop - start == 1 and start:
                return
            if order is None:
                yield self.pixels[start:stop], self.targets[start:stop]
            else:
                chosen = order[start:stop]
                yield self.pixels[chosen], self.targets[chosen]

    def _loader_epoch(self, generator, drop_single: bool) -> Iterator:
        from torch.utils.data import DataLoader, RandomSampler

        dataset = _PreparedImages(self.entries, self.transformation, self.targets)
        sampler = RandomSampler(dataset, generator=generator) if generator is not None else None
        loader = DataLoader(dataset, batch_size=self.batch_size, sampler=sampler, num_workers=self.num_workers,
                            pin_memory=self.device.type == "cuda", drop_last=False,
                            generator=generator if self.num_workers else None,
                            persistent_workers=False)
        for pixels, targets in _collated(loader):
            if drop_single and pixels.shape[0] == 1 and len(self) > 1:
                return
            yield pixels.to(self.device, non_blocking=True), targets.to(self.device, non_blocking=True)


def _collated(loader) -> Iterator:
    try:
        yield from loader
    except RuntimeError as error:
        if "stack expects each tensor to be equal size" in str(error):
            raise ComponentError("images have different sizes after the transformation; a network needs one "
                                 "size: set resize with keep_aspect_ratio off, or add a centre crop, in "
                                 "init-image-transformation") from None
        raise
