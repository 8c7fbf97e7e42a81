"""Datastore and dataset records: named datastores, numbered immutable dataset versions, and their lineage."""
from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from canvas_store.db import Database, iso, utcnow
from canvas_store.errors import NotFound
from canvas_store.dataset_models import DatasetRead, DatasetVersion, Datastore
from canvas_store.models import RegisteredModel, Run

#: Concurrent registrations of one name race for the next version; the loser retries.
REGISTER_ATTEMPTS = 8


class DatasetRecords:
    _db: Database

    # ------------------------------------------------------------ datastores
    def add_datastore(self, name: str, kind: str, settings: dict) -> dict:
        row = Datastore(name=name, kind=kind, settings=dict(settings), created_at=utcnow())
        self._db.add_named(row, "datastore")
        return _datastore_dict(row)

    def list_datastores(self) -> list[dict]:
        with self._db.read() as session:
            return [_datastore_dict(d) for d in session.scalars(select(Datastore).order_by(Datastore.name))]

    def get_datastore(self, name: str) -> dict:
        with self._db.read() as session:
            row = session.get(Datastore, name)
            if row is None:
                raise NotFound("datastore", name)
            return _datastore_dict(row)

    def remove_datastore(self, name: str) -> None:
        with self._db.write() as session:
            if not session.execute(delete(Datastore).where(Datastore.name == name)).rowcount:
                raise NotFound("datastore", name)

    # ------------------------------------------------------------ dataset versions
    def register_dataset_version(self, name: str, *, kind: str, digest: str, schema, rows: int | None,
                                 source: dict, description: str = "", tags: dict | None = None) -> dict:
        """Record the next version of dataset `name` (1 for a new name); racing writers never share a number."""
        for attempt in range(REGISTER_ATTEMPTS):
            try:
                with self._db.write() as session:
                    latest = session.scalar(select(func.max(DatasetVersion.version))
                                            .where(DatasetVersion.name == name))
                    row = DatasetVersion(name=name, version=(latest or 0) + 1, kind=kind, digest=digest,
                                         description=description or "", tags=dict(tags or {}),
                                         source=dict(source), schema=schema, rows=rows, created_at=utcnow())
                    session.add(row)
                return _version_dict(row)
            except IntegrityError:
                if attempt == REGISTER_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def get_dataset_version(self, name: str, version: int | None = None) -> dict:
        """One version of a dataset, the newest when `version` is None."""
        query = select(DatasetVersion).where(DatasetVersion.name == name)
        if version is None:
            query = query.order_by(DatasetVersion.version.desc()).limit(1)
        else:
            query = query.where(DatasetVersion.version == int(version))
        with self._db.read() as session:
            row = session.scalars(query).first()
            if row is None:
                raise NotFound("dataset", name if version is None else f"{name}:{version}")
            return _version_dict(row)

    def list_dataset_versions(self, name: str) -> list[dict]:
        """Every version of `name`, newest first (NotFound for a name never registered)."""
        with self._db.read() as session:
            rows = list(session.scalars(select(DatasetVersion).where(DatasetVersion.name == name)
                                        .order_by(DatasetVersion.version.desc())))
        if not rows:
            raise NotFound("dataset", name)
        return [_version_dict(r) for r in rows]

    def list_datasets(self) -> list[dict]:
        """One entry per dataset name: its newest version's facts plus how many versions it has."""
        with self._db.read() as session:
            newest = (select(DatasetVersion.name, func.max(DatasetVersion.version).label("latest"),
                             func.count().label("versions"))
                      .group_by(DatasetVersion.name).subquery())
            rows = session.execute(
                select(DatasetVersion, newest.c.versions)
                .join(newest, (DatasetVersion.name == newest.c.name) & (DatasetVersion.version == newest.c.latest))
                .order_by(DatasetVersion.name)).all()
        return [{**_version_dict(row), "latest_version": row.version, "versions": count} for row, count in rows]

    # ------------------------------------------------------------ lineage
    def record_dataset_reads(self, run_id: str, reads: list[tuple[str, str, int]]) -> None:
        """Remember that run `run_id` read (node_id, dataset name, version) for each entry, in one transaction."""
        if not reads:
            return
        now = utcnow()
        with self._db.write() as session:
            for node_id, name, version in sorted(set(reads)):
                session.merge(DatasetRead(run_id=run_id, node_id=node_id, name=name, version=int(version),
                                          created_at=now))

    def dataset_lineage(self, name: str, version: int) -> dict:
        """The runs that read this version (newest first) and the registered models those runs trained."""
        with self._db.read() as session:
            reads = session.execute(
                select(DatasetRead, Run.status, Run.name, Run.graph_id)
                .join(Run, Run.id == DatasetRead.run_id, isouter=True)
                .where(DatasetRead.name == name, DatasetRead.version == int(version))
                .order_by(DatasetRead.created_at.desc(), DatasetRead.run_id)).all()
            runs: dict[str, dict] = {}
            for read, status, run_name, graph_id in reads:
                entry = runs.setdefault(read.run_id, {"run_id": read.run_id, "status": status, "name": run_name,
                                                      "graph_id": graph_id, "nodes": [],
                                                      "created_at": iso(read.created_at)})
                entry["nodes"].append(read.node_id)
            models = []
            if runs:
                models = [{"name": m.name, "version": m.version, "run_id": m.run_id, "node_id": m.node_id,
                           "created_at": iso(m.created_at)}
                          for m in session.scalars(select(RegisteredModel)
                                                   .where(RegisteredModel.run_id.in_(list(runs)))
                                                   .order_by(RegisteredModel.name, RegisteredModel.version))]
        return {"runs": list(runs.values()), "models": models}

    def datasets_read_by_run(self, run_id: str) -> list[dict]:
        with self._db.read() as session:
            return [{"node": r.node_id, "name": r.name, "version": r.version}
                    for r in session.scalars(select(DatasetRead).where(DatasetRead.run_id == run_id)
                                             .order_by(DatasetRead.node_id))]


def _datastore_dict(row: Datastore) -> dict:
    return {"name": row.name, "kind": row.kind, "settings": dict(row.settings or {}),
            "created_at": iso(row.created_at)}


def _version_dict(row: DatasetVersion) -> dict:
    return {"name": row.name, "version": row.version, "kind": row.kind, "digest": row.digest,
            "description": row.description or "", "tags": dict(row.tags or {}), "source": dict(row.source or {}),
            "schema": row.schema, "rows": row.rows, "created_at": iso(row.created_at)}
