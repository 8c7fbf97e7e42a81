"""Persistence: SQLAlchemy models and sessions, Alembic migrations, the content-addressed artifact store."""
