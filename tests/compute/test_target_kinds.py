"""Stored compute records build `process` and `dask` targets; building one starts nothing until it is used."""
from __future__ import annotations

import time

from designer.compute.dask_target import DaskTarget
from designer.compute.process import ProcessTarget, describe_exit
from designer.compute.kinds import target_kinds
from designer.compute.registry import TargetRegistry


def test_stored_records_build_process_and_dask_targets_without_starting_them():
    records = {"pool": ("process", {"workers": 3}),
               "cluster": ("dask", {"address": "tcp://127.0.0.1:1", "connect_timeout": 0.5}),
               "laptop": ("dask", {"local_workers": 2, "shared_filesystem": False})}
    registry = TargetRegistry(lambda: records)
    try:
        assert {"local", "process", "dask"} <= set(target_kinds())
        pool, cluster, laptop = registry("pool"), registry("cluster"), registry("laptop")
        assert isinstance(pool, ProcessTarget) and pool.workers == 3 and pool._workers == []
        assert isinstance(cluster, DaskTarget) and cluster.address == "tcp://127.0.0.1:1"
        assert isinstance(laptop, DaskTarget) and laptop._cluster is None and not laptop.shared_filesystem
    finally:
        registry.close()


def test_describing_an_unreachable_cluster_says_why_instead_of_raising():
    target = DaskTarget("cluster", address="tcp://127.0.0.1:1", connect_timeout=0.5)
    started = time.monotonic()
    info = target.describe()
    target.close()
    assert info["status"] == "unavailable"
    assert info["error"].startswith("cannot reach Dask scheduler at tcp://127.0.0.1:1")
    assert time.monotonic() - started < 15


def test_worker_exits_are_described_in_the_user_s_words():
    assert describe_exit(-11) == "exit code -11 / signal SIGSEGV"
    assert describe_exit(-9) == "exit code -9 / signal SIGKILL, often the system running out of memory"
    assert describe_exit(3) == "exit code 3"
