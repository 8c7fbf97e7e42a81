"""Training checkpoints in a node's work folder: written in the background and atomically, read back
only when they belong to the same settings and data (imports torch: load lazily)."""
from __future__ import annotations

import copy
import hashlib
import json
import os
import threading
from pathlib import Path

import torch

from components.spec import ComponentError

CHECKPOINT_FILE = "train-checkpoint.pt"


class Checkpoint:
    """The last finished epoch's full training state in the node's work_dir, written in the background
    and atomically (a crash mid-write leaves the previous checkpoint intact)."""

    def __init__(self, work_dir: Path | None, fingerprint: str):
        self.path = Path(work_dir) / CHECKPOINT_FILE if work_dir else None
        self.fingerprint = fingerprint
        self._writer: threading.Thread | None = None
        self._error: BaseException | None = None

    def load(self, log) -> dict | None:
        if self.path is None or not self.path.is_file():
            return None
        try:
            data = torch.load(self.path, map_location="cpu", weights_only=True)
        except Exception as error:  # a truncated or foreign file: start over rather than fail
            log(f"ignoring an unreadable checkpoint ({type(error).__name__}); training from the start")
            return None
        if not isinstance(data, dict) or data.get("fingerprint") != self.fingerprint:
            log("ignoring a checkpoint from other settings or data; training from the start")
            return None
        return data

    def save(self, data: dict) -> None:
        if self.path is None:
            return
        self.wait()
        data = {**data, "fingerprint": self.fingerprint}

        def write() -> None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                temporary = self.path.with_suffix(".tmp")
                torch.save(data, temporary)
                os.replace(temporary, self.path)
            except BaseException as error:  # reported by wait(), on the training thread
                self._error = error

        self._writer = threading.Thread(target=write, name="checkpoint-writer", daemon=True)
        self._writer.start()

    def wait(self) -> None:
        if self._writer is not None:
            self._writer.join()
            self._writer = None
        if self._error is not None:
            error, self._error = self._error, None
            raise ComponentError(f"could not write the training checkpoint to {self.path}: {error}")


def fingerprint(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def cpu_copy(state):
    """A detached CPU copy of a (nested) state dict, safe to write while training goes on."""
    if torch.is_tensor(state):
        return state.detach().to("cpu", copy=True)
    if isinstance(state, dict):
        return {k: cpu_copy(v) for k, v in state.items()}
    if isinstance(state, (list, tuple)):
        return type(state)(cpu_copy(v) for v in state)
    return copy.deepcopy(state)
