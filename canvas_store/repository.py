"""The Store: the one object the designer uses to keep graphs, runs, registries and published things.

Every method opens its own short transaction and returns plain dicts, so a
Store may be shared by any number of threads (HTTP handlers, executor workers).

    store = Store.for_home(Path(".designer"))        # sqlite:///.designer/designer.db
    store = Store("postgresql+psycopg://user@host/db")
"""
from __future__ import annotations

from pathlib import Path

from canvas_store.automl import AutomlRecords
from canvas_store.datasets import DatasetRecords
from canvas_store.auth import AccessRecords
from canvas_store.db import Database
from canvas_store.errors import Conflict, NotFound, StaleRevision
from canvas_store.graphs import GraphRecords
from canvas_store.monitoring import MonitoringRecords
from canvas_store.publishing import EndpointRecords, PipelineRecords
from canvas_store.registry import ComputeTargetRecords, ModelRegistry
from canvas_store.run_search import RunSearch
from canvas_store.runs import RunRecords
from canvas_store.schedules import ScheduleRecords
from canvas_store.serving import EndpointServing
from canvas_store.sweeps import SweepRecords

__all__ = ["Store", "NotFound", "StaleRevision", "Conflict", "DATABASE_FILE"]

DATABASE_FILE = "designer.db"


class Store(GraphRecords, RunRecords, ComputeTargetRecords, ModelRegistry, PipelineRecords,
            EndpointRecords, ScheduleRecords, MonitoringRecords, DatasetRecords, RunSearch, AccessRecords,
            EndpointServing, SweepRecords, AutomlRecords):
    def __init__(self, url: str):
        self.url = url
        self._db = Database(url)
        try:
            self._db.migrate("head")
        except BaseException:
            self._db.dispose()
            raise

    @classmethod
    def for_home(cls, home: Path, url: str | None = None) -> "Store":
        """The store of a designer home: `url` if given, else a SQLite file inside it."""
        home = Path(home).expanduser().resolve()
        home.mkdir(parents=True, exist_ok=True)
        return cls(url or f"sqlite:///{home / DATABASE_FILE}")

    def close(self) -> None:
        self._db.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        from sqlalchemy.engine import make_url

        return f"Store({make_url(self.url).render_as_string(hide_password=True)!r})"
