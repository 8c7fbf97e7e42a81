"""Store fixtures: a real SQLite file, and (when DESIGNER_TEST_PG_URL is set) a fresh PostgreSQL schema per test."""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from canvas_store.repository import Store

PG_URL = os.environ.get("DESIGNER_TEST_PG_URL")

BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=[
        pytest.mark.postgres,
        pytest.mark.skipif(not PG_URL, reason="DESIGNER_TEST_PG_URL is not set "
                                              "(export DESIGNER_TEST_PG_URL=$(scripts/start-postgres.sh))"),
    ]),
]


@pytest.fixture(scope="session")
def pg_admin():
    """An autocommit engine on the test database, for creating and dropping per-test schemas."""
    engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """An empty database: a new SQLite file, or a new PostgreSQL schema first on the search path."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'designer.db'}"
        return
    admin = request.getfixturevalue("pg_admin")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = sa.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def store(db_url):
    with Store(db_url) as store:
        yield store


@pytest.fixture
def make_document():
    return graph_document


@pytest.fixture
def dump_database():
    return table_dump


def graph_document(name="Iris classification", **extra) -> dict:
    """A small designer-graph/1 document ending in an evaluation node."""
    return {
        "format": "designer-graph/1",
        "name": name,
        "description": "split, train, score, evaluate",
        "parameters": [{"name": "test_fraction", "type": "float", "default": 0.3}],
        "nodes": [
            {"id": "iris", "component": "sample-dataset", "params": {"name": "iris"},
             "position": {"x": 40, "y": 40}},
            {"id": "split", "component": "split-data",
             "params": {"test_fraction": {"$param": "test_fraction"}, "seed": 7}},
            {"id": "eval", "component": "evaluate-model", "params": {}},
        ],
        "edges": [
            {"source": "iris", "source_port": "dataset", "target": "split", "target_port": "dataset"},
        ],
        **extra,
    }


def table_dump(url: str) -> str:
    """Every value of every table of the store's database, as one text (to search for secrets)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            tables = sa.MetaData()
            tables.reflect(connection)
            return "\n".join(repr(row) for table in tables.sorted_tables
                             for row in connection.execute(sa.select(table)))
    finally:
        engine.dispose()
