"""Two schedulers on one database start each scheduled run once (SQLite and PostgreSQL); a real 1-second recurrence."""
from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timezone

import pytest

from designer.home import Home
from designer.scheduling.schedules import schedule_values
from designer.scheduling.scheduler import Scheduler
from designer.service import Designer
from operations_support import FakeClock

PG_URL = os.environ.get("DESIGNER_TEST_PG_URL")
TINY = {"format": "designer-graph/1", "name": "Tiny", "nodes": [
    {"id": "iris", "component": "sample-dataset", "params": {"name": "iris"}}], "edges": []}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason="DESIGNER_TEST_PG_URL is not set")])])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    return request.getfixturevalue("pg_url")


def designers(tmp_path, db_url, count):
    """`count` Designers, each with its own engine and artifact folder, on one database (as separate servers)."""
    return [Designer(Home.resolve(tmp_path / f"server-{i}", db_url)) for i in range(count)]


def test_two_schedulers_on_one_database_fire_each_time_once(tmp_path, db_url):
    first, second = designers(tmp_path, db_url, 2)
    try:
        clock = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc))
        graph = first.store.create_graph(TINY)
        values = schedule_values({"graph_id": graph["id"], "every": {"interval": 1, "unit": "seconds"}},
                                 first.store, now=clock())
        schedule = first.store.create_schedule(**values)
        schedulers = [Scheduler(d, clock=clock) for d in (first, second)]
        started: list[dict] = []
        for _ in range(25):
            clock.advance(1)
            barrier = threading.Barrier(2)

            def tick(scheduler):
                barrier.wait()
                started.extend(scheduler.tick())

            threads = [threading.Thread(target=tick, args=(s,)) for s in schedulers]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        fire_times = [s["fire_time"] for s in started]
        assert len(fire_times) == 25 and len(set(fire_times)) == 25
        runs = [r for r in first.store.list_runs(graph_id=graph["id"], limit=100)
                if r["trigger"] == f"schedule:{schedule['id']}"]
        assert len(runs) == 25
        for designer in (first, second):
            for run in runs:
                designer.wait(run["run_id"], 30)
    finally:
        for designer in (first, second):
            designer.close()


def test_a_one_second_recurrence_fires_on_the_real_clock(tmp_path):
    designer = Designer(Home.resolve(tmp_path / "home"))
    fired: list[tuple[datetime, float]] = []
    scheduler = Scheduler(designer, on_started=lambda o: fired.append((o["fire_time"], time.time())))
    try:
        graph = designer.store.create_graph(TINY)
        values = schedule_values({"graph_id": graph["id"], "every": {"interval": 1, "unit": "seconds"}},
                                 designer.store)
        schedule = designer.store.create_schedule(**values)
        scheduler.start()
        deadline = time.monotonic() + 15
        while len(fired) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        scheduler.stop()
        assert len(fired) >= 3
        times = [f for f, _ in fired]
        assert all((b - a).total_seconds() == 1 for a, b in zip(times, times[1:]))
        record = designer.store.get_schedule(schedule["id"])
        assert len(record["recent_runs"]) >= 3 and len(record["recent_firings"]) == len(record["recent_runs"])
        for run_id in record["recent_runs"]:
            designer.wait(run_id, 30)
            assert designer.store.get_run(run_id)["status"] == "completed"
    finally:
        scheduler.stop()
        designer.close()
