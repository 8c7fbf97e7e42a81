"""The scheduler: a thread that starts each due schedule's run once, however many servers share the database.

Each tick asks the store for schedules whose next run has come, works out the one
firing (coalescing fire times missed while no server ran), claims it in the store
(only one process wins a claim), and starts the run with trigger `schedule:<id>`.
A schedule whose pipeline or graph is gone, disabled, or whose parameters no
longer fit is paused with the reason rather than retried forever. `tick()` takes
the time from an injectable clock, so tests drive it without the thread.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime
from typing import Callable

from canvas_store.db import to_utc, utcnow
from canvas_store.repository import NotFound
from designer.published_runs import PipelineDisabled, start_pipeline_run
from designer.scheduling.schedules import recurrence_of
from designer.scheduling.timing import due_firing
from designer.service import GraphInvalid

log = logging.getLogger(__name__)
#: Longest sleep while schedules exist (picks up schedules other processes add or change).
BUSY_POLL_SECONDS = 0.5
IDLE_POLL_SECONDS = 2.0


class Scheduler:
    def __init__(self, designer, *, clock: Callable[[], datetime] = utcnow, promoter=None,
                 on_started: Callable[[dict], None] | None = None):
        self.designer = designer
        self.clock = clock
        self.promoter = promoter
        self.on_started = on_started
        self.identity = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ one step
    def tick(self) -> list[dict]:
        """Start every schedule due now; returns what was started ({"schedule_id", "fire_time", "run_id"|"error"})."""
        now = to_utc(self.clock())
        started = []
        for schedule in self.designer.store.due_schedules(now):
            try:
                outcome = self._fire(schedule, now)
            except Exception:  # one broken schedule must not stop the others
                log.exception("schedule %s could not fire", schedule["id"])
                continue
            if outcome is not None:
                started.append(outcome)
        return started

    def _fire(self, schedule: dict, now: datetime) -> dict | None:
        store = self.designer.store
        firing = due_firing(recurrence_of(schedule), to_utc(schedule["next_run"]), now)
        if firing is None:
            return None
        firing_id = store.claim_firing(schedule["id"], firing.fire_time, firing.next_run,
                                       expected_next_run=to_utc(schedule["next_run"]), missed=firing.missed,
                                       claimed_by=self.identity)
        if firing_id is None:
            return None  # another scheduler has it
        outcome = {"schedule_id": schedule["id"], "fire_time": firing.fire_time, "missed": firing.missed,
                   "fired_at": now}
        try:
            run_id = self._start(schedule)
        except _Pause as pause:
            store.pause_schedule(schedule["id"], pause.reason)
            store.finish_firing(firing_id, error=pause.reason)
            return {**outcome, "error": pause.reason}
        store.finish_firing(firing_id, run_id=run_id)
        if schedule.get("promote") and self.promoter is not None:
            self.promoter.attach(run_id, schedule["promote"])
        outcome["run_id"] = run_id
        if self.on_started is not None:
            self.on_started(outcome)
        return outcome

    def _start(self, schedule: dict) -> str:
        trigger = f"schedule:{schedule['id']}"
        parameters = schedule.get("parameters") or {}
        try:
            if schedule.get("pipeline_id"):
                run_id, _ = start_pipeline_run(self.designer, schedule["pipeline_id"], schedule.get("version"),
                                               parameters, trigger=trigger)
                return run_id
            graph = self.designer.store.get_graph(schedule["graph_id"])
            return self.designer.start_run(graph["document"], graph_id=graph["id"], revision=graph["revision"],
                                           parameters=parameters, trigger=trigger)
        except NotFound as exc:
            raise _Pause(f"paused: the {exc.what} '{exc.id}' was deleted") from None
        except PipelineDisabled:
            raise _Pause(f"paused: pipeline '{schedule['pipeline_id']}' is disabled; enable it, then resume "
                         "this schedule") from None
        except GraphInvalid as exc:
            raise _Pause(f"paused: the run cannot start: {exc}") from None

    # ------------------------------------------------------------ the thread
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="designer-scheduler", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Look again now (a schedule was added or changed in this process)."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.tick()
                upcoming = self.designer.store.next_schedule_time()
            except Exception:  # the database may be briefly unreachable; try again shortly
                log.exception("scheduler tick failed")
                upcoming = None
            if upcoming is None:
                wait = IDLE_POLL_SECONDS
            else:
                wait = min(BUSY_POLL_SECONDS, max(0.005, (to_utc(upcoming) - to_utc(self.clock())).total_seconds()))
            self._wake.wait(wait)


class _Pause(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
