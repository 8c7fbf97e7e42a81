"""Tables of the data catalogue: datastores, immutable dataset versions, and which runs read which versions."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from canvas_store.db import UTCDateTime
from canvas_store.models import DIGEST, ID, NAME, STATUS, Base, Document


class Datastore(Base):
    """A named place data lives: a folder (`settings.path`) or a database (`settings.url`).

    The workspace datastore (the home's datastore/ folder) is not a row: it always exists.
    """

    __tablename__ = "datastores"

    name: Mapped[str] = mapped_column(NAME, primary_key=True)
    kind: Mapped[str] = mapped_column(STATUS)
    settings: Mapped[Any] = mapped_column(Document)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DatasetVersion(Base):
    """One immutable version of a dataset: the content digest it pins and what was learned of it then."""

    __tablename__ = "dataset_versions"

    name: Mapped[str] = mapped_column(NAME, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(STATUS)  # "tabular" | "images"
    #: The artifact (DataFrame or ImageDirectory on-disk form) holding the pinned content.
    digest: Mapped[str] = mapped_column(DIGEST)
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[Any] = mapped_column(Document)
    #: Where it came from: {"datastore", "path"} or {"run_id", "node", "port"}.
    source: Mapped[Any] = mapped_column(Document)
    schema: Mapped[Any] = mapped_column(Document)
    rows: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_dataset_versions_digest", "digest"),)


class DatasetRead(Base):
    """Lineage: run `run_id` read version `version` of dataset `name` in node `node_id`."""

    __tablename__ = "dataset_reads"

    run_id: Mapped[str] = mapped_column(ID, primary_key=True)
    node_id: Mapped[str] = mapped_column(NAME, primary_key=True)
    name: Mapped[str] = mapped_column(NAME, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_dataset_reads_name_version", "name", "version"),)


