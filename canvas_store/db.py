"""Engines, short transactions and schema migration for any SQLAlchemy URL (SQLite tuned for many threads)."""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import Engine, create_engine, event, types
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from components.json_values import to_json_value

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

#: Execution option marking a transaction that will write; on SQLite it starts
#: with BEGIN IMMEDIATE so writers queue on busy_timeout instead of failing
#: with SQLITE_BUSY when a read snapshot would have to be upgraded.
WRITE = "canvas_store_write"

SQLITE_BUSY_TIMEOUT_MS = 30_000

_ALEMBIC_LOCK = threading.Lock()


# ---------------------------------------------------------------- timestamps
def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def to_utc(value: Any) -> datetime | None:
    """A timezone-aware UTC datetime from a datetime, an ISO 8601 string or epoch seconds."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, bool):
        raise TypeError(f"not a timestamp: {value!r}")
    elif isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc)
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value)
    else:
        raise TypeError(f"not a timestamp: {value!r}")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


class UTCDateTime(types.TypeDecorator):
    """Timezone-aware UTC in and out, whether or not the database keeps time zones (SQLite does not)."""

    impl = types.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        moment = to_utc(value)
        if moment is not None and dialect.name != "postgresql":
            # SQLite's DATETIME text drops the offset anyway; store plain UTC so it sorts.
            moment = moment.replace(tzinfo=None)
        return moment

    def process_result_value(self, value, dialect):
        return to_utc(value)


# ---------------------------------------------------------------- JSON
def dumps_json(value: Any) -> str:
    """JSON that every database accepts, from what components really produce.

    NumPy scalars and arrays become plain numbers and lists; NaN and infinities
    (an undefined AUC, a diverged loss) become null, since PostgreSQL rejects them.
    """
    try:
        return json.dumps(value, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError):
        return json.dumps(to_json_value(value), allow_nan=False, ensure_ascii=False)


# ---------------------------------------------------------------- engines
def create_store_engine(url: str) -> Engine:
    parsed = make_url(url)
    options: dict[str, Any] = {"json_serializer": dumps_json, "json_deserializer": json.loads}
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, **options)

    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or parsed.query.get("mode") == "memory"
    if in_memory:
        # One shared connection, or every thread would see its own empty database.
        engine = create_engine(parsed, poolclass=StaticPool,
                               connect_args={"check_same_thread": False}, **options)
    else:
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"check_same_thread": False}, **options)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):
        # Take transaction control away from the sqlite3 module (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        immediate = connection.get_execution_options().get(WRITE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """An engine plus two kinds of short transaction: `read()` and `write()`.

    Each call opens its own session, so any number of threads may use one
    Database; a `write()` block commits as one transaction or not at all.
    """

    def __init__(self, url: str):
        self.url = url
        self.engine = create_store_engine(url)
        self.dialect = self.engine.dialect.name
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # An in-memory SQLite database is one shared connection: two threads' transactions on it would
        # nest ("cannot start a transaction within a transaction"), so they take turns.
        self._turns = threading.RLock() if isinstance(self.engine.pool, StaticPool) else None

    @contextmanager
    def _turn(self) -> Iterator[None]:
        if self._turns is None:
            yield
            return
        with self._turns:
            yield

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._turn(), self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._turn(), self._sessions() as session, session.begin():
            session.connection(execution_options={WRITE: True})
            yield session

    def add_named(self, row, what: str) -> None:
        """Insert a row whose primary key is a user-chosen name; Conflict when that name is taken
        (checked first, and again by the database for a racing writer)."""
        from sqlalchemy.exc import IntegrityError

        from canvas_store.errors import Conflict

        name = row.name
        try:
            with self.write() as session:
                if session.get(type(row), name) is not None:
                    raise Conflict(f"{what} {name!r} already exists")
                session.add(row)
        except IntegrityError as error:
            raise Conflict(f"{what} {name!r} already exists") from error

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to `revision` in one transaction (the only way tables are created)."""
        from alembic import command

        self._run_alembic(command.upgrade, revision)

    def downgrade(self, revision: str = "base") -> None:
        from alembic import command

        self._run_alembic(command.downgrade, revision)

    def _run_alembic(self, alembic_command, revision: str) -> None:
        # Alembic keeps the running migration in module globals (alembic.context,
        # alembic.op), so only one thread of a process may migrate at a time;
        # other processes are held off by the database (env.py).
        with _ALEMBIC_LOCK, self.engine.connect() as connection:
            connection.execution_options(**{WRITE: True})
            with connection.begin():
                alembic_command(alembic_config(connection), revision)

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(connection=None):
    """An Alembic Config pointing at our migrations; with `connection`, env.py migrates through it."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config
