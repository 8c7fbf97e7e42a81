"""Published pipelines and real-time endpoints: versioned, key-protected ways to run a graph from outside.

A key is shown to its owner once and stored only as its sha256: keys are 32
random bytes, so a plain hash is as good as a slow one and lets every check be
a single constant-time comparison.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import delete, func, select, update

from canvas_store.db import Database, iso, utcnow
from canvas_store.errors import NotFound
from canvas_store.graphs import document_name, new_id
from canvas_store.models import Endpoint, Pipeline, PipelineVersion


def new_key() -> str:
    return secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_matches(stored_hash: str | None, key: object) -> bool:
    if not stored_hash or not isinstance(key, str) or not key:
        return False
    return hmac.compare_digest(stored_hash, key_hash(key))


class PipelineRecords:
    _db: Database

    def publish_pipeline(self, graph_id: str, revision: int, document: dict, *,
                         name: str | None = None, pipeline_id: str | None = None,
                         make_default: bool = False) -> dict:
        """Publish a new pipeline (its key is returned this once) or version N+1 of `pipeline_id`.

        A new version of an existing pipeline becomes its default only with
        `make_default`, so callers of the pipeline URL are not switched silently.
        """
        now = utcnow()
        if pipeline_id is None:
            key = new_key()
            pipeline = Pipeline(id=new_id(), name=(name or document_name(document, "Pipeline")),
                                key_hash=key_hash(key), enabled=True, default_version=1,
                                created_at=now, updated_at=now)
            with self._db.write() as session:
                session.add(pipeline)
                session.flush()
                session.add(PipelineVersion(pipeline_id=pipeline.id, version=1, graph_id=graph_id,
                                            revision=revision, document=document, created_at=now))
            return {"pipeline_id": pipeline.id, "version": 1, "name": pipeline.name, "key": key}

        with self._db.write() as session:
            # The row lock (PostgreSQL) serialises publishers of one pipeline; SQLite writers queue anyway.
            pipeline = session.scalars(
                select(Pipeline).where(Pipeline.id == pipeline_id).with_for_update()).first()
            if pipeline is None:
                raise NotFound("pipeline", pipeline_id)
            version = 1 + (session.scalar(select(func.max(PipelineVersion.version))
                                          .where(PipelineVersion.pipeline_id == pipeline_id)) or 0)
            session.add(PipelineVersion(pipeline_id=pipeline_id, version=version, graph_id=graph_id,
                                        revision=revision, document=document, created_at=now))
            if name:
                pipeline.name = name
            if make_default:
                pipeline.default_version = version
            pipeline.updated_at = now
            return {"pipeline_id": pipeline_id, "version": version, "name": pipeline.name}

    def get_pipeline(self, pipeline_id: str) -> dict:
        with self._db.read() as session:
            pipeline = _pipeline(session, pipeline_id)
            versions = session.execute(
                select(PipelineVersion.version, PipelineVersion.graph_id, PipelineVersion.revision,
                       PipelineVersion.created_at)
                .where(PipelineVersion.pipeline_id == pipeline_id)
                .order_by(PipelineVersion.version)
            ).all()
            record = _pipeline_dict(pipeline)
        record["versions"] = [{"version": v.version, "graph_id": v.graph_id,
                               "revision": v.revision, "created_at": iso(v.created_at)}
                              for v in versions]
        return record

    def get_pipeline_version(self, pipeline_id: str, version: int | None = None) -> dict:
        """One version with its document; the default version when `version` is None."""
        with self._db.read() as session:
            pipeline = _pipeline(session, pipeline_id)
            wanted = pipeline.default_version if version is None else int(version)
            row = session.get(PipelineVersion, (pipeline_id, wanted))
            if row is None:
                raise NotFound("pipeline version", f"{pipeline_id}:{version}")
            return {"pipeline_id": pipeline_id, "version": row.version, "name": pipeline.name,
                    "enabled": pipeline.enabled, "default_version": pipeline.default_version,
                    "graph_id": row.graph_id, "revision": row.revision, "document": row.document,
                    "created_at": iso(row.created_at)}

    def list_pipelines(self) -> list[dict]:
        with self._db.read() as session:
            latest = dict(session.execute(
                select(PipelineVersion.pipeline_id, func.max(PipelineVersion.version))
                .group_by(PipelineVersion.pipeline_id)).all())
            pipelines = session.scalars(
                select(Pipeline).order_by(Pipeline.created_at.desc(), Pipeline.id)).all()
        return [{**_pipeline_dict(p), "latest_version": latest.get(p.id)} for p in pipelines]

    def set_pipeline_enabled(self, pipeline_id: str, enabled: bool) -> None:
        self._update_pipeline(pipeline_id, enabled=bool(enabled))

    def set_default_pipeline_version(self, pipeline_id: str, version: int) -> None:
        with self._db.write() as session:
            _pipeline(session, pipeline_id)
            if session.get(PipelineVersion, (pipeline_id, int(version))) is None:
                raise NotFound("pipeline version", f"{pipeline_id}:{version}")
            session.execute(update(Pipeline).where(Pipeline.id == pipeline_id)
                            .values(default_version=int(version), updated_at=utcnow()))

    def rotate_pipeline_key(self, pipeline_id: str) -> str:
        key = new_key()
        self._update_pipeline(pipeline_id, key_hash=key_hash(key))
        return key

    def check_pipeline_key(self, pipeline_id: str, key: str) -> bool:
        """True when `key` is this pipeline's key; False for a wrong key or an unknown pipeline."""
        with self._db.read() as session:
            stored = session.scalar(select(Pipeline.key_hash).where(Pipeline.id == pipeline_id))
        return key_matches(stored, key)

    def _update_pipeline(self, pipeline_id: str, **values) -> None:
        with self._db.write() as session:
            changed = session.execute(update(Pipeline).where(Pipeline.id == pipeline_id)
                                      .values(**values, updated_at=utcnow())).rowcount
        if not changed:
            raise NotFound("pipeline", pipeline_id)


class EndpointRecords:
    _db: Database

    def create_endpoint(self, name: str, graph_id: str | None, revision: int | None,
                        document: dict, status: str = "healthy") -> dict:
        """Record a real-time endpoint; the returned dict carries its key this once."""
        key = new_key()
        now = utcnow()
        endpoint = Endpoint(name=name, graph_id=graph_id, revision=revision, document=document,
                            key_hash=key_hash(key), status=status, created_at=now, updated_at=now)
        self._db.add_named(endpoint, "endpoint")
        return {**_endpoint_dict(endpoint, with_document=False), "key": key}

    def get_endpoint(self, name: str) -> dict:
        with self._db.read() as session:
            endpoint = session.get(Endpoint, name)
            if endpoint is None:
                raise NotFound("endpoint", name)
            return _endpoint_dict(endpoint, with_document=True)

    def list_endpoints(self) -> list[dict]:
        columns = [c for c in Endpoint.__table__.c if c.key not in ("document", "key_hash")]
        with self._db.read() as session:
            rows = session.execute(select(*columns).order_by(Endpoint.name)).all()
        return [_endpoint_dict(row, with_document=False) for row in rows]

    def delete_endpoint(self, name: str) -> None:
        with self._db.write() as session:
            removed = session.execute(delete(Endpoint).where(Endpoint.name == name)).rowcount
        if not removed:
            raise NotFound("endpoint", name)

    def rotate_endpoint_key(self, name: str) -> str:
        key = new_key()
        self._update_endpoint(name, key_hash=key_hash(key))
        return key

    def check_endpoint_key(self, name: str, key: str) -> bool:
        """True when `key` is this endpoint's key; False for a wrong key or an unknown endpoint."""
        with self._db.read() as session:
            stored = session.scalar(select(Endpoint.key_hash).where(Endpoint.name == name))
        return key_matches(stored, key)

    def replace_endpoint(self, name: str, graph_id: str | None, revision: int | None, document: dict) -> dict:
        """Point endpoint `name` at another deployment; its key, URL and creation time stay."""
        self._update_endpoint(name, graph_id=graph_id, revision=revision, document=document, status="healthy")
        return self.get_endpoint(name)

    def set_endpoint_status(self, name: str, status: str) -> None:
        self._update_endpoint(name, status=status)

    def _update_endpoint(self, name: str, **values) -> None:
        with self._db.write() as session:
            changed = session.execute(update(Endpoint).where(Endpoint.name == name)
                                      .values(**values, updated_at=utcnow())).rowcount
        if not changed:
            raise NotFound("endpoint", name)


def _pipeline(session, pipeline_id: str) -> Pipeline:
    pipeline = session.get(Pipeline, pipeline_id)
    if pipeline is None:
        raise NotFound("pipeline", pipeline_id)
    return pipeline


def _pipeline_dict(pipeline: Pipeline) -> dict:
    return {"pipeline_id": pipeline.id, "name": pipeline.name,
            "default_version": pipeline.default_version, "enabled": pipeline.enabled,
            "created_at": iso(pipeline.created_at), "updated_at": iso(pipeline.updated_at)}


def _endpoint_dict(endpoint, *, with_document: bool) -> dict:
    record = {"name": endpoint.name, "graph_id": endpoint.graph_id, "revision": endpoint.revision,
              "status": endpoint.status, "created_at": iso(endpoint.created_at),
              "updated_at": iso(endpoint.updated_at)}
    if with_document:
        record["document"] = endpoint.document
    return record
