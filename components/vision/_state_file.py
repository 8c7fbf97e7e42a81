"""A training state on disk with its tensors' bytes written raw.

`torch.save` holds the GIL while it copies each storage into its zip file, so a checkpoint of a
ResNet and its optimizer (100+ MB) written in a background thread still stalls the training thread.
Here only a small header (the structure, dtypes and shapes) is pickled with `torch.save`; the tensor
bytes go through unbuffered `write` calls, which release the GIL, and are read back with
`torch.frombuffer`. Files written by `torch.save` (earlier checkpoints) still load.
"""
from __future__ import annotations

import io
from pathlib import Path

import torch

MAGIC = b"DESIGNER-STATE/1\n"
_TENSOR = "__tensor__"


def write_state(path: Path, data) -> None:
    tensors: list = []

    def strip(value):
        if torch.is_tensor(value):
            tensors.append(value)
            return {_TENSOR: len(tensors) - 1}
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(strip(v) for v in value)
        return value

    structure = strip(data)
    header = io.BytesIO()
    torch.save({"structure": structure,
                "tensors": [(str(t.dtype).removeprefix("torch."), list(t.shape)) for t in tensors]}, header)
    with open(path, "wb", buffering=0) as file:
        _write_all(file, MAGIC + len(header.getbuffer()).to_bytes(8, "little"))
        _write_all(file, header.getbuffer())
        for tensor in tensors:
            raw = tensor.detach().to("cpu").contiguous().reshape(-1).view(torch.uint8)
            _write_all(file, memoryview(raw.numpy()))


def _write_all(file, data) -> None:
    view = memoryview(data).cast("B")
    while view:
        view = view[file.write(view):]


def read_state(path: Path):
    with open(path, "rb") as file:
        if file.read(len(MAGIC)) != MAGIC:
            return torch.load(path, map_location="cpu", weights_only=True)  # written by torch.save
        size = int.from_bytes(file.read(8), "little")
        header = torch.load(io.BytesIO(file.read(size)), map_location="cpu", weights_only=True)
        body = bytearray(file.read())
    tensors, offset = [], 0
    for dtype_name, shape in header["tensors"]:
        dtype = getattr(torch, dtype_name)
        count = _numel(shape) * torch.empty((), dtype=dtype).element_size()
        if offset + count > len(body):
            raise ValueError("the state file is cut short")
        raw = torch.frombuffer(body, dtype=torch.uint8, count=count, offset=offset) if count else \
            torch.empty(0, dtype=torch.uint8)
        tensors.append(raw.clone().view(dtype).reshape(shape))
        offset += count

    def restore(value):
        if isinstance(value, dict):
            if set(value) == {_TENSOR}:
                return tensors[value[_TENSOR]]
            return {k: restore(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(restore(v) for v in value)
        return value

    return restore(header["structure"])


def _numel(shape) -> int:
    count = 1
    for size in shape:
        count *= size
    return count
