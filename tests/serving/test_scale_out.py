"""Scale-out: several serve-endpoint processes on one PostgreSQL share keys and endpoints, each within a second."""
from __future__ import annotations

import os
import time
import uuid

import pytest
import sqlalchemy as sa

from serving_support import IRIS_ROW, Home, serve_endpoint_command

PG_URL = os.environ.get("DESIGNER_TEST_PG_URL")
pytestmark = [
    pytest.mark.postgres, pytest.mark.timeout(240),
    pytest.mark.skipif(not PG_URL, reason="DESIGNER_TEST_PG_URL is not set "
                                          "(export DESIGNER_TEST_PG_URL=$(scripts/start-postgres.sh))"),
]


@pytest.fixture
def pg_home(tmp_path):
    """A home whose store is a fresh PostgreSQL schema, with the iris endpoint trained and deployed."""
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    schema = f"serving_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = sa.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    state = Home(tmp_path / "home", db=url.render_as_string(hide_password=False))
    try:
        yield state
    finally:
        state.close()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def test_a_key_rotated_on_one_process_is_refused_by_all_within_a_second(pg_home, served):
    servers = [served(serve_endpoint_command(pg_home.path, pg_home.name, workers=1, db=pg_home.db))
               for _ in range(2)]
    old_key = pg_home.key
    expected = pg_home.in_process({"data": [IRIS_ROW]}).get_json()
    for server in servers:
        response = server.score(pg_home.name, {"data": [IRIS_ROW]}, old_key)
        assert response.status_code == 200 and response.json() == expected
    new_key = pg_home.client.post(f"/api/endpoints/{pg_home.name}/rotate-key").get_json()["key"]
    rotated = time.monotonic()
    refused_after = []
    for server in servers:
        while True:
            sent = time.monotonic() - rotated
            if server.score(pg_home.name, {"data": [IRIS_ROW]}, old_key).status_code != 200:
                break
            assert sent < 1.0, "a process still took the old key a second after it was rotated"
            time.sleep(0.02)
        refused_after.append(sent)
        assert server.score(pg_home.name, {"data": [IRIS_ROW]}, new_key).json() == expected
    assert max(refused_after) < 1.0

    pg_home.client.delete(f"/api/endpoints/{pg_home.name}")
    time.sleep(1.0)
    for server in servers:
        assert server.score(pg_home.name, {"data": [IRIS_ROW]}, new_key).status_code == 404


def test_two_processes_of_two_workers_each_count_every_request_once_in_postgresql(pg_home, served):
    import threading

    env = {**os.environ, "DESIGNER_MONITOR_FLUSH_SECONDS": "0.2"}  # flushes racing each other on the same rows
    servers = [served(serve_endpoint_command(pg_home.path, pg_home.name, workers=2, db=pg_home.db), env=env)
               for _ in range(2)]
    per_client, failures = 25, []

    def client(server):
        for _ in range(per_client):
            response = server.score(pg_home.name, {"data": [IRIS_ROW]}, pg_home.key)
            if response.status_code != 200:
                failures.append(response.text)

    threads = [threading.Thread(target=client, args=(server,)) for server in servers for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures
    wanted, deadline = len(threads) * per_client, time.monotonic() + 30

    def counted() -> int:
        return pg_home.client.get(f"/api/endpoints/{pg_home.name}/metrics?minutes=60").get_json()["totals"]["requests"]

    while counted() < wanted and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)  # more flushes from every worker: nothing is added twice
    assert counted() == wanted
