"""The one small interface every compute target implements; the executor knows nothing else of them."""
from __future__ import annotations

from abc import ABC, abstractmethod
from concurrent.futures import Future
from typing import Callable

from designer.execution.node_task import NodeOutcome, NodeTask


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
