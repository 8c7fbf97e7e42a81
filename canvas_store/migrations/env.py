"""Alembic environment for the designer database: run by Store through a given connection, or by the alembic CLI.

CLI use: alembic -c canvas_store/alembic.ini -x url=sqlite:///.designer/designer.db upgrade head
(the URL may also come from $DESIGNER_DB_URL).
"""
from __future__ import annotations

import logging.config
import os

from alembic import context

from canvas_store.db import WRITE, create_store_engine
from canvas_store.models import Base

config = context.config
target_metadata = Base.metadata

# Two servers starting at once against one PostgreSQL database must not both migrate.
POSTGRES_MIGRATION_LOCK = 0x64657369  # "desi"


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,       # SQLite can only ALTER by rebuilding tables
        transactional_ddl=True,     # SQLite and PostgreSQL both roll DDL back
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({POSTGRES_MIGRATION_LOCK})")
        context.run_migrations()


def cli_url() -> str:
    url = (context.get_x_argument(as_dictionary=True).get("url")
           or os.environ.get("DESIGNER_DB_URL")
           or config.get_main_option("sqlalchemy.url"))
    if not url:
        raise SystemExit("give the database as -x url=URL or $DESIGNER_DB_URL")
    return url


given = config.attributes.get("connection")
if given is not None:
    run_migrations(given)
elif context.is_offline_mode():
    context.configure(url=cli_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    if config.config_file_name and not logging.getLogger().handlers:
        # Only a bare `alembic` process gets the ini's logging; a host application keeps its own.
        logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)
    engine = create_store_engine(cli_url())
    try:
        with engine.connect() as connection:
            connection.execution_options(**{WRITE: True})
            run_migrations(connection)
    finally:
        engine.dispose()
