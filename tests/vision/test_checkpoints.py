"""Training checkpoints leave the training path: saving never waits for the disk, the newest epoch is kept."""
from __future__ import annotations

import threading
import time

import torch

from components.vision import _checkpoints
from components.vision._checkpoints import Checkpoint


def test_saving_returns_at_once_while_a_slow_write_goes_on_and_the_newest_snapshot_wins(tmp_path, monkeypatch):
    real_write = _checkpoints.write_state
    writing = threading.Event()

    def slow_write(path, data):
        writing.set()
        time.sleep(0.4)
        real_write(path, data)

    monkeypatch.setattr(_checkpoints, "write_state", slow_write)
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


def test_only_tensors_written_since_the_last_snapshot_are_copied_again():
    from components.vision._checkpoints import UnchangedTensors, cpu_copy

    net = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Linear(3, 2))
    for p in net[0].parameters():
        p.requires_grad_(False)  # a frozen backbone
    optimizer = torch.optim.SGD([p for p in net.parameters() if p.requires_grad], lr=0.1)
    unchanged = UnchangedTensors()
    first = cpu_copy(net.state_dict(), unchanged)
    net(torch.ones(4, 3)).sum().backward()
    optimizer.step()
    second = cpu_copy(net.state_dict(), unchanged)
    assert second["0.weight"] is first["0.weight"] and second["0.bias"] is first["0.bias"]  # frozen: reused
    assert second["1.weight"] is not first["1.weight"]  # trained: copied anew
    assert not torch.equal(second["1.weight"], first["1.weight"])
    assert torch.equal(second["1.weight"], net[1].weight.detach())
    with torch.no_grad():
        net[0].weight.add_(1.0)  # any in-place write counts
    third = cpu_copy(net.state_dict(), unchanged)
    assert third["0.weight"] is not first["0.weight"] and torch.equal(third["0.weight"], net[0].weight)
    unchanged.forget_unseen()
    old_best = {"w": torch.ones(2)}
    cpu_copy(old_best, unchanged)
    unchanged.forget_unseen()
    cpu_copy(net.state_dict(), unchanged)  # the old best model is no longer part of the snapshot
    unchanged.forget_unseen()
    assert all(held[0] is not old_best["w"] for held in unchanged._copies.values())


def test_a_state_file_round_trips_every_tensor_kind_exactly(tmp_path):
    from components.vision._state_file import read_state, write_state

    state = {"model": {"w": torch.randn(3, 4), "bf16": torch.randn(5).to(torch.bfloat16), "steps": torch.tensor(7),
                       "flags": torch.tensor([True, False]), "empty": torch.zeros(0, 3)},
             "rng": torch.get_rng_state(), "history": [{"epoch": 1, "loss": 0.5}], "best": float("inf"),
             "pair": (1, torch.arange(3)), "none": None}
    write_state(tmp_path / "state", state)
    back = read_state(tmp_path / "state")
    for key in ("w", "bf16", "steps", "flags", "empty"):
        assert back["model"][key].dtype == state["model"][key].dtype
        assert torch.equal(back["model"][key], state["model"][key])
    assert torch.equal(back["rng"], state["rng"]) and torch.equal(back["pair"][1], torch.arange(3))
    assert back["history"] == [{"epoch": 1, "loss": 0.5}] and back["best"] == float("inf") and back["none"] is None
    torch.save({"old": torch.ones(2)}, tmp_path / "old")  # a checkpoint written before this format
    assert torch.equal(read_state(tmp_path / "old")["old"], torch.ones(2))


def test_checkpoints_cost_at_most_their_budget_of_the_training_time(tmp_path, monkeypatch):
    """The first finished epoch is saved; the next snapshot waits until training ran cost / BUDGET seconds."""
    now = [1000.0]
    monkeypatch.setattr(_checkpoints.time, "monotonic", lambda: now[0])
    real_write = _checkpoints.write_state

    def write_taking_a_second(path, data):
        now[0] += 1.0  # the write costs 1 s
        real_write(path, data)

    monkeypatch.setattr(_checkpoints, "write_state", write_taking_a_second)
    checkpoint = Checkpoint(tmp_path, "x")
    assert checkpoint.due()
    checkpoint.save({"epoch": 1}, copy_seconds=0.5)
    checkpoint.wait()  # written: the snapshot cost 0.5 s of copying and 1 s of writing
    interval = 1.5 / Checkpoint.BUDGET
    now[0] += interval - 2.0
    assert not checkpoint.due()  # short epochs: not every one is saved
    now[0] += 1.0
    assert checkpoint.due()
    assert not Checkpoint(None, "x").due()  # no work folder, no checkpoints


def test_a_run_without_a_checkpoint_for_ten_minutes_always_gets_one(tmp_path, monkeypatch):
    now = [0.0]
    monkeypatch.setattr(_checkpoints.time, "monotonic", lambda: now[0])
    checkpoint = Checkpoint(tmp_path, "x")
    checkpoint.save({"epoch": 1}, copy_seconds=Checkpoint.MAX_INTERVAL)  # an absurdly costly snapshot
    checkpoint.wait()
    now[0] += Checkpoint.MAX_INTERVAL
    assert checkpoint.due()
