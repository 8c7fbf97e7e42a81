"""Training checkpoints in a node's work folder: written off the training path and atomically, read back
only when they belong to the same settings and data (imports torch: load lazily)."""
from __future__ import annotations

import copy
import hashlib
import json
import os
import threading
import time
from pathlib import Path

import torch

from components.spec import ComponentError
from components.vision._state_file import read_state, write_state

CHECKPOINT_FILE = "train-checkpoint.pt"


class Checkpoint:
    """The newest finished epoch's full training state in the node's work_dir, written off the training path.

    `save()` only hands a snapshot to a writer thread and returns: training never waits for the disk.
    The writer runs at a lower CPU priority (training keeps the cores) and always writes the newest
    snapshot it has been given; one handed over while it is still writing replaces any older one not yet
    written. Each write is atomic (a temporary file, then a rename), so the file on disk is always one
    whole epoch's state: a resume after a kill starts from that epoch and, seeded, ends bit-identical.
    `wait()` (after the last epoch, or when cancelled) writes the newest snapshot before returning.

    A snapshot costs the training loop its copy and, on a machine with few cores, the CPU the writer takes.
    `due()` keeps that under BUDGET of the training time: the first finished epoch is always saved, then a
    new snapshot is taken once training has run for its last cost / BUDGET seconds since the previous one
    (at most MAX_INTERVAL). Long epochs are saved every epoch; epochs of a second are saved every few.
    A kill loses the epochs since the newest snapshot, and a resume from any snapshot ends bit-identical.
    """

    #: The share of the training time checkpoints may cost, and the longest a run goes without one.
    BUDGET = 0.02
    MAX_INTERVAL = 600.0

    def __init__(self, work_dir: Path | None, fingerprint: str):
        self.path = Path(work_dir) / CHECKPOINT_FILE if work_dir else None
        self.fingerprint = fingerprint
        self._changed = threading.Condition()
        self._pending: dict | None = None
        self._finishing = False
        self._writer: threading.Thread | None = None
        self._error: BaseException | None = None
        #: Snapshots handed over and snapshots written (the difference were replaced by newer ones).
        self.saved = self.written = 0
        #: Seconds the newest snapshot cost (its copy on the training thread plus its write), and when it was taken.
        self._cost = 0.0
        self._copy_seconds = 0.0
        self._taken_at: float | None = None

    def load(self, log) -> dict | None:
        if self.path is None or not self.path.is_file():
            return None
        try:
            data = read_state(self.path)
        except Exception as error:  # a truncated or foreign file: start over rather than fail
            log(f"ignoring an unreadable checkpoint ({type(error).__name__}); training from the start")
            return None
        if not isinstance(data, dict) or data.get("fingerprint") != self.fingerprint:
            log("ignoring a checkpoint from other settings or data; training from the start")
            return None
        return data

    def due(self) -> bool:
        """Whether this finished epoch should be saved (see the class: a bounded share of the training time)."""
        if self.path is None:
            return False
        if self._taken_at is None:
            return True
        with self._changed:
            cost = self._cost
        return time.monotonic() - self._taken_at >= min(self.MAX_INTERVAL, cost / self.BUDGET)

    def save(self, data: dict, copy_seconds: float = 0.0) -> None:
        """Hand over a snapshot; `copy_seconds` is what making it cost the training thread."""
        if self.path is None:
            return
        self._raise_error()
        with self._changed:
            self._taken_at = time.monotonic()
            self._copy_seconds = copy_seconds
            self._cost = max(self._cost, copy_seconds)
            self._pending = {**data, "fingerprint": self.fingerprint}
            self.saved += 1
            self._changed.notify_all()
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_newest, name="checkpoint-writer", daemon=True)
                self._writer.start()

    def wait(self) -> None:
        """Write the newest snapshot (if any is still waiting) and stop the writer; raise a write error."""
        with self._changed:
            writer, self._finishing = self._writer, True
            self._changed.notify_all()
        if writer is not None:
            writer.join()
        with self._changed:
            self._writer, self._finishing = None, False
        self._raise_error()

    def _write_newest(self) -> None:
        _lower_priority()
        while True:
            with self._changed:
                while self._pending is None and not self._finishing:
                    self._changed.wait()
                if self._pending is None:
                    return
                data, self._pending = self._pending, None
                copy_seconds = self._copy_seconds
            try:
                started = time.monotonic()
                self.path.parent.mkdir(parents=True, exist_ok=True)
                temporary = self.path.with_suffix(".tmp")
                write_state(temporary, data)
                os.replace(temporary, self.path)
                with self._changed:
                    self._cost = copy_seconds + time.monotonic() - started
                self.written += 1
            except BaseException as error:  # reported on the training thread by the next save() or wait()
                self._error = error
                return

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise ComponentError(f"could not write the training checkpoint to {self.path}: {error}")


def _lower_priority() -> None:
    """Let the writer thread yield the CPU to training (Linux: niceness is per thread)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass


def fingerprint(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def cpu_copy(state, unchanged: "UnchangedTensors | None" = None):
    """A detached CPU copy of a (nested) state dict, safe to write while training goes on.

    With `unchanged`, a tensor not written to since its last copy (a frozen backbone's weights) is not
    copied again: the earlier copy is reused (copies are never modified, so sharing them is safe)."""
    if torch.is_tensor(state):
        return unchanged.copy(state) if unchanged is not None else state.detach().to("cpu", copy=True)
    if isinstance(state, dict):
        return {k: cpu_copy(v, unchanged) for k, v in state.items()}
    if isinstance(state, (list, tuple)):
        return type(state)(cpu_copy(v, unchanged) for v in state)
    return copy.deepcopy(state)


class UnchangedTensors:
    """Copies of tensors by storage, reused while the tensor's version counter (bumped by every in-place
    write, shared by its detached views) has not moved: only what changed since the last snapshot is copied."""

    def __init__(self):
        self._copies: dict[tuple, tuple] = {}
        self._seen: set[tuple] = set()

    def copy(self, tensor):
        key = (tensor.device.type, tensor.data_ptr(), tensor.storage_offset(), tuple(tensor.shape),
               tuple(tensor.stride()), tensor.dtype)
        self._seen.add(key)
        held = self._copies.get(key)
        if held is not None and held[1] == tensor._version:
            return held[2]
        copied = tensor.detach().to("cpu", copy=True)
        # Holding the tensor keeps its storage alive, so no other tensor can take its address meanwhile.
        self._copies[key] = (tensor, tensor._version, copied)
        return copied

    def forget_unseen(self) -> None:
        """After a snapshot: let go of tensors it no longer holds (an earlier best model), so none stays alive."""
        self._copies = {k: v for k, v in self._copies.items() if k in self._seen}
        self._seen = set()
