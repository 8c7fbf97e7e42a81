"""The one small interface every compute target implements; the executor knows nothing else of them."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections import OrderedDict
from concurrent.futures import Future
from typing import Callable

from designer.execution.node_task import NodeOutcome, NodeTask


class CancelledRuns:
    """The runs a target was told to cancel, bounded so a long-lived server does not grow without end."""

    def __init__(self, keep: int = 1000):
        self._runs: OrderedDict[str, None] = OrderedDict()
        self._keep = keep

    def add(self, run_id: str) -> None:
        self._runs[run_id] = None
        while len(self._runs) > self._keep:
            self._runs.popitem(last=False)

    def __contains__(self, run_id: object) -> bool:
        return run_id in self._runs


class TargetUnavailable(Exception):
    """The target cannot take work (unreachable scheduler, closed pool): the run fails at submission."""


class ComputeTarget(ABC):
    #: "local", "process", "dask", ...
    kind: str = ""

    def __init__(self, name: str):
        self.name = name

    @abstractmethod
    def submit(self, task: NodeTask, report: Callable[[str, dict], None]) -> "Future[NodeOutcome]":
        """Start `task`; events from the component arrive through `report(kind, payload)`
        (called from any thread). The future resolves to a NodeOutcome or raises the node's error."""

    @abstractmethod
    def cancel_run(self, run_id: str) -> None:
        """Ask every running task of `run_id` to stop (cooperatively or by force)."""

    def check_available(self) -> None:
        """Raise TargetUnavailable with a clear reason when work cannot be submitted."""

    def devices(self) -> list[str]:
        return ["cpu"]

    def describe(self) -> dict:
        return {"name": self.name, "kind": self.kind, "devices": self.devices()}

    def close(self) -> None:
        pass
