"""import-data from a sql datastore: a read-only query, on SQLite and on the real PostgreSQL."""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from data_support import wait_run

PG_URL = os.environ.get("DESIGNER_TEST_PG_URL")


def _sqlite(tmp_path):
    return f"sqlite:///{tmp_path / 'sales.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason="DESIGNER_TEST_PG_URL is not set")])])
def database(request, tmp_path):
    """A database holding table `sales_<random>` with three rows; yields (url, table)."""
    url = _sqlite(tmp_path) if request.param == "sqlite" else PG_URL
    table = f"sales_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE TABLE {table} (region VARCHAR(20), amount INTEGER)")
        connection.exec_driver_sql(f"INSERT INTO {table} VALUES ('north', 10), ('south', 20), ('north', 5)")
    yield url, table
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE {table}")
    engine.dispose()


def import_graph(query):
    return {"format": "designer-graph/1", "name": "sql", "nodes": [
        {"id": "read", "component": "import-data", "params": {"datastore": "warehouse", "query": query}}],
        "edges": []}


def run_import(client, query):
    graph = client.post("/api/graphs", json=import_graph(query)).get_json()["id"]
    return wait_run(client, client.post(f"/api/graphs/{graph}/runs", json={}).get_json()["run_id"])


def test_import_data_runs_a_query_on_a_sql_datastore(client, database):
    url, table = database
    assert client.post("/api/datastores", json={"name": "warehouse", "kind": "sql", "url": url}).status_code == 201
    run = run_import(client, f"SELECT region, SUM(amount) AS total FROM {table} GROUP BY region ORDER BY region")
    assert run["status"] == "completed", run
    rows = client.get(f"/api/runs/{run['run_id']}/nodes/read/outputs/dataset").get_json()["table"]["rows"]
    assert rows == [["north", 15], ["south", 20]]


def test_the_query_cannot_write(client, database):
    url, table = database
    client.post("/api/datastores", json={"name": "warehouse", "kind": "sql", "url": url})
    run = run_import(client, f"DELETE FROM {table}")
    assert run["status"] == "failed"
    assert "failed" in run["nodes"]["read"]["error"]
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar() == 3
    engine.dispose()


def test_a_sql_import_is_read_afresh_each_run(client, database):
    url, table = database
    client.post("/api/datastores", json={"name": "warehouse", "kind": "sql", "url": url})
    first = run_import(client, f"SELECT * FROM {table}")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"INSERT INTO {table} VALUES ('east', 1)")
    engine.dispose()
    second = run_import(client, f"SELECT * FROM {table}")
    assert second["nodes"]["read"]["cached"] is False
    sizes = [client.get(f"/api/runs/{r['run_id']}/nodes/read/outputs/dataset").get_json()["table"]["total_rows"]
             for r in (first, second)]
    assert sizes == [3, 4]


def test_a_sql_datastore_without_a_query_fails_the_node_clearly(client, database):
    url, _ = database
    client.post("/api/datastores", json={"name": "warehouse", "kind": "sql", "url": url})
    run = run_import(client, "")
    assert "needs the SELECT" in run["nodes"]["read"]["error"]


def test_import_data_reads_a_folder_datastore(client, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "t.csv").write_text("a,b\n1,2\n")
    client.post("/api/datastores", json={"name": "warehouse", "kind": "folder", "path": str(shared)})
    graph = {"format": "designer-graph/1", "name": "f", "nodes": [
        {"id": "read", "component": "import-data", "params": {"datastore": "warehouse", "path": "t.csv"}}],
        "edges": []}
    graph_id = client.post("/api/graphs", json=graph).get_json()["id"]
    run = wait_run(client, client.post(f"/api/graphs/{graph_id}/runs", json={}).get_json()["run_id"])
    assert run["status"] == "completed", run
