"""Apply SQL Transformation: a SQL query over up to three tables, run by DuckDB in the node's process."""
from __future__ import annotations

import os
import re
import threading
from functools import lru_cache

import pandas as pd

from components.columns import keep_roles
from components.ports import DataFrame
from components.spec import ComponentError, Input, Param, component
from components.table_schema import Column, ColumnProblem, SchemaInputs

#: DuckDB names a missing table or column in its message; these pull the name out for ours.
_MISSING_TABLE = re.compile(r"Table with name (\w+) does not exist", re.IGNORECASE)
_MISSING_COLUMN = re.compile(r'Referenced column "([^"]+)" not found')
_MISSING_QUALIFIED_COLUMN = re.compile(r'"(\w+)" does not have a column named "([^"]+)"')
TABLES = ("t1", "t2", "t3")
#: The typed null a column of each schema type stands for in the empty views a query is bound against: DuckDB
#: binds it exactly as against a table of real rows of those types (a bare null is DuckDB's "NULL" type).
_SQL_NULLS = {"number": "cast(null as double)", "integer": "cast(null as bigint)", "text": "cast(null as varchar)",
              "boolean": "cast(null as boolean)", "datetime": "cast(null as timestamp)"}
_binding_lock = threading.Lock()
#: The process's connection for binding queries, and the process that opened it.
_binding: dict = {}
_INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")


def run_sql(query: str, tables: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """The result of `query` over `tables` (name → DataFrame; None for an unconnected input).

    DuckDB scans each DataFrame's own column buffers in place (numbers as numpy
    arrays, text as pandas' Arrow-backed strings: no copy, no CSV; measured
    faster than converting to an Arrow table first). It is forbidden to touch
    files or the network, so a query sees only the connected tables.
    """
    import duckdb

    text = _statement(query)
    if not text:
        raise ComponentError("the SQL query is empty; write a query such as: select * from t1")
    connection = duckdb.connect(config={"enable_external_access": False})
    try:
        for name, frame in tables.items():
            if frame is not None:
                plain = frame.copy(deep=False)
                plain.attrs = {}
                connection.register(name, plain)
        try:
            return connection.execute(text).fetchdf()
        except duckdb.ParserException as exc:
            raise ComponentError(f"the SQL query does not parse: {_first_line(exc)}") from None
        except duckdb.CatalogException as exc:
            missing = _MISSING_TABLE.search(str(exc))
            if missing and missing.group(1).lower() in tables:
                raise ComponentError(f"the SQL query reads table {missing.group(1)}, but its input is not "
                                     f"connected") from None
            raise ComponentError(f"the SQL query names something that does not exist: {_first_line(exc)}") from None
        except duckdb.BinderException as exc:
            raise ComponentError(f"the SQL query names a column that does not exist or is misused: "
                                 f"{_first_line(exc)}") from None
        except duckdb.Error as exc:
            raise ComponentError(f"the SQL query failed: {_first_line(exc)}") from None
    finally:
        connection.close()


def _statement(query: str | None) -> str:
    return (query or "").strip().rstrip(";").strip()


def _sql_schema(s: SchemaInputs) -> dict:
    """The query's result columns, from DuckDB binding it against empty tables of the input schemas.

    Nothing is read: only the column names and types reach DuckDB, which works out
    the result's names and types as it would for real rows. A column the query names
    that an input lacks is the node's `unknown-column` error; a query that does not
    parse, or reads an input whose columns are unknown, leaves the result unknown
    (the run says why). Which values a column holds depends on the rows the query
    keeps, so categorical values are not carried over.
    """
    first = s.table("t1")
    if first is None:
        return {}
    known = {name: tuple((c.name, c.type) for c in table.columns)
             for name in TABLES if (table := s.table(name)) is not None}
    columns, missing = _bound_columns(_statement(s.params.get("sql_query_script")), tuple(known.items()))
    if missing is not None:
        port, name = missing
        port = port if port in known else (next(iter(known)) if len(known) == 1 else None)
        if port is not None:
            s.problems.append(ColumnProblem("sql_query_script", port, (name,), tuple(s.table(port).names)))
        return {}
    if columns is None:
        return {}
    return {"results_dataset": first.with_columns(Column(name, kind) for name, kind in columns)}


@lru_cache(maxsize=256)
def _bound_columns(query: str, tables: tuple) -> tuple[tuple | None, tuple | None]:
    """((name, type) of each result column, None) or (None, (table or None, missing column)) or (None, None).

    The query is bound, never executed (a query can be slow even on empty tables), and only
    when it is one SELECT: anything else may do something just by being prepared.
    """
    import duckdb

    try:
        statements = duckdb.extract_statements(query) if query else []
    except duckdb.Error:
        return None, None
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        return None, None
    with _binding_lock:  # one connection, its views rebuilt for each query: opening one costs more than binding
        owner, connection = _binding.get("pid"), _binding.get("connection")
        if connection is None or owner != os.getpid():  # a forked process opens its own
            connection = duckdb.connect(config={"enable_external_access": False})
            _binding.update(pid=os.getpid(), connection=connection)
        return _bind(connection, query, tables)


def _bind(connection, query: str, tables: tuple) -> tuple[tuple | None, tuple | None]:
    import duckdb

    for name in TABLES:
        connection.execute(f"drop view if exists {name}")
    for name, columns in tables:
        if not columns:
            return None, None
        listed = ", ".join(f"{_SQL_NULLS.get(kind, 'null')} as {_quoted(column)}" for column, kind in columns)
        connection.execute(f"create temp view {name} as select {listed} where false")
    try:
        relation = connection.sql(query)
        return tuple((str(name), _column_type(str(kind))) for name, kind in zip(relation.columns, relation.types)), None
    except duckdb.BinderException as exc:
        qualified = _MISSING_QUALIFIED_COLUMN.search(str(exc))
        if qualified:
            return None, (qualified.group(1), qualified.group(2))
        bare = _MISSING_COLUMN.search(str(exc))
        return None, ((None, bare.group(1)) if bare else None)
    except duckdb.Error:
        return None, None


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _column_type(duckdb_type: str) -> str:
    """The schema type of the pandas column DuckDB's fetchdf makes of a result column of this type."""
    if duckdb_type in _INTEGER_TYPES:
        return "integer"
    if duckdb_type in ("HUGEINT", "UHUGEINT", "FLOAT", "DOUBLE") or duckdb_type.startswith("DECIMAL"):
        return "number"
    if duckdb_type == "VARCHAR" or duckdb_type.startswith("ENUM"):
        return "text"
    if duckdb_type == "BOOLEAN":
        return "boolean"
    if duckdb_type == "DATE" or duckdb_type.startswith("TIMESTAMP"):
        return "datetime"
    return "unknown"  # NULL (from an input column of unknown type), lists, structs, intervals, blobs, ...


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split("\n")[:2]).strip()


@component(id="apply-sql-transformation", category="Data Transformation",
           inputs={"t1": DataFrame, "t2": Input(DataFrame, optional=True), "t3": Input(DataFrame, optional=True)},
           outputs={"results_dataset": DataFrame}, name="Apply SQL Transformation",
           tags=("sql", "query", "duckdb"), schema=_sql_schema)
def apply_sql_transformation(t1, t2=None, t3=None, *,
                             sql_query_script: Param(str, "select * from t1;", widget="code", required=True,
                                                     description="A SQL query (DuckDB dialect) over the tables "
                                                                 "t1, t2 and t3, one per connected input.")):
    """Run a SQL query over up to three input tables, named t1, t2 and t3.

    The query is run by DuckDB (its SQL dialect: joins, group by, window
    functions, CASE, common table expressions). Only the connected tables can be
    read: no files, no network. Columns of the result that come from t1 keep the
    roles (label, features) they had there. A query that does not parse, or that
    names a column or table that does not exist, is the node's error.
    """
    result = run_sql(sql_query_script, {"t1": t1, "t2": t2, "t3": t3})
    return keep_roles(result, t1)
