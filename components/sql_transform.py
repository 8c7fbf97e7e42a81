"""Apply SQL Transformation: a SQL query over up to three tables, run by DuckDB in the node's process."""
from __future__ import annotations

import re

import pandas as pd

from components.columns import keep_roles
from components.ports import DataFrame
from components.spec import ComponentError, Input, Param, component

#: DuckDB names a missing table or column in its message; these pull the name out for ours.
_MISSING_TABLE = re.compile(r"Table with name (\w+) does not exist", re.IGNORECASE)


def run_sql(query: str, tables: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """The result of `query` over `tables` (name → DataFrame; None for an unconnected input).

    DuckDB scans each DataFrame's own column buffers in place (numbers as numpy
    arrays, text as pandas' Arrow-backed strings: no copy, no CSV; measured
    faster than converting to an Arrow table first). It is forbidden to touch
    files or the network, so a query sees only the connected tables.
    """
    import duckdb

    text = (query or "").strip().rstrip(";").strip()
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


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split("\n")[:2]).strip()


@component(id="apply-sql-transformation", category="Data Transformation",
           inputs={"t1": DataFrame, "t2": Input(DataFrame, optional=True), "t3": Input(DataFrame, optional=True)},
           outputs={"results_dataset": DataFrame}, name="Apply SQL Transformation",
           tags=("sql", "query", "duckdb"))
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
