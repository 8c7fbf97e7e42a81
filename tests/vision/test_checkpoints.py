"""Training checkpoints leave the training path: saving never waits for the disk, the newest epoch is kept."""
from __future__ import annotations

import threading
import time

import torch

from components.vision import _checkpoints
from components.vision._checkpoints import Checkpoint


def test_saving_returns_at_once_while_a_slow_write_goes_on_and_the_newest_snapshot_wins(tmp_path, monkeypatch):
    real_save = torch.save
    writing = threading.Event()

    def slow_save(data, path):
        writing.set()
        time.sleep(0.4)
        real_save(data, path)

    monkeypatch.setattr(_checkpoints.torch, "save", slow_save)
    checkpoint = Checkpoint(tmp_path, "same settings")
    waits = []
    for epoch in (1, 2, 3):
        started = time.perf_counter()
        checkpoint.save({"epoch": epoch, "weights": torch.full((4,), float(epoch))})
        waits.append(time.perf_counter() - started)
        writing.wait(5)
    assert max(waits) < 0.1, waits  # none waited for the 0.4 s write
    checkpoint.wait()
    saved = Checkpoint(tmp_path, "same settings").load(print)
    assert saved["epoch"] == 3 and torch.equal(saved["weights"], torch.full((4,), 3.0))
    assert checkpoint.saved == 3 and checkpoint.written == 2  # epoch 2 was replaced by 3 before it was written


def test_a_checkpoint_is_always_a_whole_epoch_and_from_the_same_settings(tmp_path):
    checkpoint = Checkpoint(tmp_path, "settings A")
    checkpoint.save({"epoch": 1})
    checkpoint.wait()
    assert not (tmp_path / "train-checkpoint.tmp").exists()
    messages = []
    assert Checkpoint(tmp_path, "settings B").load(messages.append) is None
    assert "other settings" in messages[0]
    (tmp_path / "train-checkpoint.pt").write_bytes(b"half a file")
    assert Checkpoint(tmp_path, "settings A").load(messages.append) is None
    assert "unreadable" in messages[-1]


def test_a_write_error_reaches_the_training_thread(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    checkpoint = Checkpoint(blocked / "work", "x")
    checkpoint.save({"epoch": 1})
    try:
        checkpoint.wait()
    except Exception as error:
        assert "could not write the training checkpoint" in str(error)
    else:
        raise AssertionError("the failed write was not reported")
