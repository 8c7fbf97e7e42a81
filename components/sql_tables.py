"""Reading a table from a SQL database with a query run in a read-only transaction."""
from __future__ import annotations

import pandas as pd

from components.spec import ComponentError


def read_query(url: str, query: str, datastore: str) -> pd.DataFrame:
    """The rows `query` selects from the database at SQLAlchemy `url`; nothing it runs can write."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    if not str(query or "").strip():
        raise ComponentError(f"datastore '{datastore}' is a sql datastore: parameter 'query' needs the SELECT to run")
    try:
        engine = create_engine(url, poolclass=_null_pool())
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise ComponentError(f"datastore '{datastore}' cannot be opened: {exc}") from None
    try:
        with engine.connect() as connection:
            _read_only(connection)
            try:
                frame = pd.read_sql_query(text(query), connection)
            finally:
                connection.rollback()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise ComponentError(f"the query on datastore '{datastore}' failed: {reason}") from None
    finally:
        engine.dispose()
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def _read_only(connection) -> None:
    """Make this connection's transaction refuse writes, in each database's own words."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.exec_driver_sql("PRAGMA query_only = ON")
    elif dialect in ("postgresql", "mysql", "mariadb"):
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
    elif dialect == "oracle":
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
    # Other databases: the transaction is rolled back after the query, so nothing it did is kept.
