"""The tables of who may enter: users (with a password hash) and API tokens (stored as their sha256)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from canvas_store.db import UTCDateTime
from canvas_store.models import ID, KEY_HASH, NAME, STATUS, Base

#: A werkzeug password hash ("scrypt:32768:8:1$salt$hex") fits comfortably.
PASSWORD_HASH = String(255)


class User(Base):
    """A person who signs in at /login with a password and holds one role."""

    __tablename__ = "users"

    name: Mapped[str] = mapped_column(NAME, primary_key=True)
    role: Mapped[str] = mapped_column(STATUS)
    password_hash: Mapped[str] = mapped_column(PASSWORD_HASH)
    #: Bumped when the password or role changes, so older session cookies stop working.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A bearer token for scripts and the CLI; only its sha256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    role: Mapped[str] = mapped_column(STATUS)
    token_hash: Mapped[str] = mapped_column(KEY_HASH, unique=True)
    #: The first characters of the token, so a person can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_api_tokens_created_at", "created_at"),)
