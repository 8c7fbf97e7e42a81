"""Prometheus counts of a server's several worker processes, added up in one `/metrics`.

`designer serve-endpoint` names a folder in PROMETHEUS_MULTIPROC_DIR before its
workers start; each worker keeps its counters in a file there
(prometheus_client's multiprocess mode, `use_multiprocess_metrics()`), and
`prometheus_text()` adds up every worker's file, those of workers that have
exited included, so the counters only ever go up while the server runs.
"""
from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from designer.serving.monitoring import EndpointMonitor, RunCounts

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


def use_multiprocess_metrics() -> bool:
    """In a worker of a multi-process server (PROMETHEUS_MULTIPROC_DIR set): keep this process's Prometheus
    values in its own file there, whatever the parent imported before it forked. Call before any monitor is made."""
    from prometheus_client import values

    if not os.environ.get(MULTIPROCESS_DIR):
        return False
    if not getattr(values.ValueClass, "_multiprocess", False):
        values.ValueClass = values.MultiProcessValue()
    return True


def prometheus_text(monitor: EndpointMonitor) -> tuple[bytes, str]:
    """(`/metrics` body, content type): every worker's counts in multiprocess mode, else this process's."""
    registry = monitor.registry
    if os.environ.get(MULTIPROCESS_DIR):
        from prometheus_client.multiprocess import MultiProcessCollector

        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        registry.register(RunCounts(monitor.store))
    return generate_latest(registry), CONTENT_TYPE_LATEST
