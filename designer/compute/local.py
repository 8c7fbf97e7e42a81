"""The `local` target: a thread pool in the server or CLI process."""
from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable

from designer.compute.base import CancelledRuns, ComputeTarget
from designer.execution.node_task import NodeOutcome, NodeTask, run_node_task


def local_devices() -> list[str]:
    devices = ["cpu"]
    try:
        import sys

        torch = sys.modules.get("torch")  # never import torch just to list devices
        if torch is not None and torch.cuda.is_available():
            devices += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    except Exception:  # pragma: no cover - a broken CUDA install still leaves the CPU
        pass
    return devices


class LocalTarget(ComputeTarget):
    kind = "local"

    def __init__(self, name: str = "local", workers: int | None = None):
        super().__init__(name)
        self.workers = workers or max(4, (os.cpu_count() or 2) * 2)
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix=f"designer-{name}")
        self._cancelled = CancelledRuns()
        self._lock = threading.Lock()

    def submit(self, task: NodeTask, report: Callable[[str, dict], None]) -> "Future[NodeOutcome]":
        return self._pool.submit(run_node_task, task, report, lambda: self._is_cancelled(task.run_id),
                                 tuple(self.devices()))

    def cancel_run(self, run_id: str) -> None:
        with self._lock:
            self._cancelled.add(run_id)

    def _is_cancelled(self, run_id: str) -> bool:
        return run_id in self._cancelled

    def devices(self) -> list[str]:
        return local_devices()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def from_settings(name: str, settings: dict) -> LocalTarget:
    return LocalTarget(name, workers=settings.get("workers"))
