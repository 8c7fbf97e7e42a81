"""The schema comes only from the Alembic migrations, on every supported database."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import main as alembic_main
from alembic.migration import MigrationContext

import canvas_store
from canvas_store.db import Database
from canvas_store.models import Base
from canvas_store.repository import Store

TABLES = set(Base.metadata.tables)
ALEMBIC_INI = Path(canvas_store.__file__).with_name("alembic.ini")


def _head_revision() -> str:
    from alembic.script import ScriptDirectory
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(Path(canvas_store.__file__).with_name("migrations")))
    return ScriptDirectory.from_config(config).get_current_head()


HEAD = _head_revision()


def tables_and_version(url: str) -> tuple[set[str], str | None]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            names = set(sa.inspect(connection).get_table_names())
            version = None
            if "alembic_version" in names:
                version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            return names - {"alembic_version"}, version
    finally:
        engine.dispose()


def test_store_migrates_an_empty_database_to_exactly_the_models(db_url):
    assert tables_and_version(db_url)[0] == set()

    Store(db_url).close()

    assert tables_and_version(db_url) == (TABLES, HEAD)
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_downgrade_to_base_removes_everything_and_upgrade_restores_it(db_url):
    Store(db_url).close()
    database = Database(db_url)
    try:
        database.downgrade("base")
        assert tables_and_version(db_url)[0] == set()
        database.migrate("head")
        assert tables_and_version(db_url) == (TABLES, HEAD)
    finally:
        database.dispose()


def test_reopening_keeps_the_data(db_url, make_document):
    with Store(db_url) as store:
        graph = store.create_graph(make_document())
    with Store(db_url) as store:
        assert store.get_graph(graph["id"])["document"] == make_document()


def test_stores_opened_at_once_on_a_fresh_database_both_work(db_url, make_document):
    stores, errors = [], []
    start = threading.Barrier(3)

    def open_store():
        start.wait()
        try:
            stores.append(Store(db_url))
        except Exception as error:  # noqa: BLE001 - collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=open_store) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        graph = stores[0].create_graph(make_document())
        assert stores[2].get_graph(graph["id"])["revision"] == 1
    finally:
        for store in stores:
            store.close()


def test_alembic_command_line_upgrades_and_downgrades(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def alembic(*args):
        alembic_main(["-c", str(ALEMBIC_INI), "-x", f"url={url}", *args])

    alembic("upgrade", "head")
    assert tables_and_version(url) == (TABLES, HEAD)
    alembic("downgrade", "base")
    assert tables_and_version(url) == (set(), None)


def test_for_home_keeps_a_sqlite_file_in_the_home(tmp_path):
    home = tmp_path / "new-home"
    with Store.for_home(home) as store:
        assert store.url == f"sqlite:///{home / 'designer.db'}"
        store.add_compute_target("local", "local", {})
    assert (home / "designer.db").is_file()
    with Store.for_home(home, url=f"sqlite:///{tmp_path / 'elsewhere.db'}") as store:
        assert store.list_compute_targets() == []


def test_sqlite_connections_use_wal_normal_sync_foreign_keys_and_a_busy_timeout(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'designer.db'}")
    try:
        with database.engine.connect() as connection:
            pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("synchronous") == 1  # NORMAL
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") >= 5000
    finally:
        database.dispose()


def test_a_crash_in_the_middle_of_a_batch_leaves_no_part_of_it(tmp_path, make_document):
    url = f"sqlite:///{tmp_path / 'designer.db'}"
    with Store(url) as store:
        run_id = store.create_run(make_document())
    # A child process dies (os._exit: no rollback, no cleanup) after the node rows
    # of a batch are written and before its log chunk is.
    script = textwrap.dedent(f"""
        import os
        from sqlalchemy import event
        from canvas_store.repository import Store
        store = Store({url!r})

        @event.listens_for(store._db.engine, "before_cursor_execute")
        def die(conn, cursor, statement, *args):
            if statement.startswith("INSERT INTO run_node_logs"):
                os._exit(17)

        store.apply_node_updates({run_id!r}, [
            {{"node_id": "iris", "status": "completed"}},
            {{"node_id": "split", "status": "running", "append_log": "started"}},
        ])
    """)
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60,
                           env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert child.returncode == 17, child.stderr.decode()

    with Store(url) as store:
        assert store.get_run(run_id)["nodes"] == {}
        assert store.get_node_log(run_id, "split") == ""
        with store._db.read() as session:
            assert session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"


def test_upgrading_to_the_workspace_migration_fills_run_metrics_from_recorded_node_metrics(db_url, make_document):
    with Store(db_url) as store:
        run_id = store.create_run(make_document())
        store.apply_node_updates(run_id, [{"node_id": "eval", "status": "completed",
                                           "metrics": {"accuracy": 0.75, "task": "classification"}}])
        store._db.downgrade("0002")
        store._db.migrate("head")
        assert store.run_metrics(run_id) == {"eval.accuracy": 0.75}
        assert store.search_runs(sort="metric:eval.accuracy")["runs"][0]["run_id"] == run_id
