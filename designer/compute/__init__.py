"""Compute targets: interchangeable strategies that run node tasks (local threads, processes, Dask)."""
from designer.compute.base import ComputeTarget, TargetUnavailable
from designer.compute.local import LocalTarget

__all__ = ["ComputeTarget", "LocalTarget", "TargetUnavailable"]
