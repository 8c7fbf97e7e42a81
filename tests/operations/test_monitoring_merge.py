"""Rollups of many server processes merge into one row per endpoint and minute: every count once, none lost.

Each writer has its own Store (its own engine and connections), as each
`designer serve-endpoint` worker does; they flush the same minutes at once, the
endpoints in opposite orders, on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

from canvas_store.repository import Store
from designer.serving.monitoring import LATENCY_BOUNDS_MS, EndpointMonitor

WRITERS, FLUSHES = 4, 12
MINUTE = datetime(2026, 3, 2, 10, 30, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'designer.db'}"
    return request.getfixturevalue("pg_url")


def _rollup(endpoint: str, minute: datetime) -> dict:
    buckets = [0] * (len(LATENCY_BOUNDS_MS) + 1)
    buckets[3] = 2
    return {"endpoint": endpoint, "minute": minute, "requests": 2, "errors_4xx": 1, "errors_5xx": 0,
            "latency_ms_sum": 0.5, "latency_buckets": buckets}


def test_concurrent_flushes_of_the_same_minutes_add_up_exactly(store_url):
    Store(store_url).close()  # migrated once, as `designer serve-endpoint` does before its workers start
    start, failures = threading.Barrier(WRITERS), []

    def writer(index: int) -> None:
        store = Store(store_url)
        try:
            start.wait()
            names = ["alpha", "beta"] if index % 2 else ["beta", "alpha"]
            for flush in range(FLUSHES):
                minute = MINUTE + timedelta(minutes=flush % 3)  # new rows and existing ones, raced for
                store.add_endpoint_minutes([_rollup(name, minute) for name in names])
                store.add_feature_counts([{"endpoint": name, "hour": MINUTE, "feature": "x",
                                           "counts": {"low": 1, "high": 2}} for name in names])
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures, failures
    with Store(store_url) as store:
        for name in ("alpha", "beta"):
            rows = store.endpoint_minutes(name, MINUTE - timedelta(minutes=1))
            assert len(rows) == 3
            assert sum(r["requests"] for r in rows) == 2 * WRITERS * FLUSHES
            assert sum(r["errors_4xx"] for r in rows) == WRITERS * FLUSHES
            assert sum(sum(r["latency_buckets"]) for r in rows) == 2 * WRITERS * FLUSHES
            assert store.feature_counts(name, MINUTE) == {"x": {"low": WRITERS * FLUSHES,
                                                                "high": 2 * WRITERS * FLUSHES}}


def test_a_flush_the_store_refuses_is_written_by_the_next_one():
    class FlakyStore:
        def __init__(self):
            self.written, self.refusals = [], 1

        def add_endpoint_minutes(self, rollups):
            if self.refusals:
                self.refusals -= 1
                raise ConnectionError("the database is away")
            self.written.extend(rollups)

        def prune_monitoring(self, before):
            return 0

    store = FlakyStore()
    monitor = EndpointMonitor(store, clock=lambda: MINUTE.timestamp())
    monitor.observe("alpha", 200, 0.001)
    with pytest.raises(ConnectionError):
        monitor.flush()
    monitor.observe("alpha", 404, 0.002)
    monitor.flush()
    monitor.flush()  # nothing left: nothing written twice
    assert [(r["requests"], r["errors_4xx"], sum(r["latency_buckets"])) for r in store.written] == [(2, 1, 2)]
