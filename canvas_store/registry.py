"""Compute targets and the model registry: named things a run uses or produces."""
from __future__ import annotations

import random
import time

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from canvas_store.db import Database, iso, utcnow
from canvas_store.errors import NotFound
from canvas_store.models import ComputeTarget, RegisteredModel
from canvas_store.run_search import parse_tag_filter
from canvas_store.runs import _tags

#: Concurrent registrations of one name race for the next version; the loser retries.
REGISTER_ATTEMPTS = 50


class ComputeTargetRecords:
    _db: Database

    def list_compute_targets(self) -> list[dict]:
        with self._db.read() as session:
            return [_target_dict(t) for t in
                    session.scalars(select(ComputeTarget).order_by(ComputeTarget.name))]

    def get_compute_target(self, name: str) -> dict:
        with self._db.read() as session:
            target = session.get(ComputeTarget, name)
            if target is None:
                raise NotFound("compute target", name)
            return _target_dict(target)

    def add_compute_target(self, name: str, kind: str, settings: dict,
                           status: str = "unknown") -> dict:
        now = utcnow()
        target = ComputeTarget(name=name, kind=kind, settings=dict(settings or {}), status=status,
                               created_at=now, updated_at=now)
        self._db.add_named(target, "compute target")
        return _target_dict(target)

    def remove_compute_target(self, name: str) -> None:
        with self._db.write() as session:
            removed = session.execute(
                delete(ComputeTarget).where(ComputeTarget.name == name)).rowcount
        if not removed:
            raise NotFound("compute target", name)

    def set_compute_status(self, name: str, status: str) -> None:
        with self._db.write() as session:
            changed = session.execute(
                update(ComputeTarget).where(ComputeTarget.name == name)
                .values(status=status, updated_at=utcnow())).rowcount
        if not changed:
            raise NotFound("compute target", name)


class ModelRegistry:
    _db: Database

    def register_model(self, name: str, artifact_digest: str, *, run_id: str | None = None,
                       node_id: str | None = None, tags: dict | None = None, description: str = "",
                       flavor: str = "designer", port: str | None = None, graph_id: str | None = None,
                       revision: int | None = None, properties: dict | None = None) -> dict:
        """Record the next version of model `name` (1 for a new name); racing registrations never share one."""
        for attempt in range(REGISTER_ATTEMPTS):
            try:
                with self._db.write() as session:
                    latest = session.scalar(select(func.max(RegisteredModel.version))
                                            .where(RegisteredModel.name == name))
                    model = RegisteredModel(name=name, version=(latest or 0) + 1,
                                            digest=artifact_digest, tags=_tags(tags),
                                            run_id=run_id, node_id=node_id, created_at=utcnow(),
                                            description=description or "", flavor=flavor, port=port,
                                            graph_id=graph_id, revision=revision, properties=properties)
                    session.add(model)
                return _model_dict(model)
            except IntegrityError:
                if attempt == REGISTER_ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
        raise AssertionError("unreachable")

    def get_model(self, name: str, version: int | None = None) -> dict:
        """One version of a model, the latest when `version` is None."""
        query = select(RegisteredModel).where(RegisteredModel.name == name)
        if version is None:
            query = query.order_by(RegisteredModel.version.desc()).limit(1)
        else:
            query = query.where(RegisteredModel.version == int(version))
        with self._db.read() as session:
            model = session.scalars(query).first()
            if model is None:
                raise NotFound("model", name if version is None else f"{name}:{version}")
            return _model_dict(model)

    def list_models(self) -> list[dict]:
        """Every version of every model, by name, newest version first."""
        with self._db.read() as session:
            return [_model_dict(m) for m in session.scalars(
                select(RegisteredModel)
                .order_by(RegisteredModel.name, RegisteredModel.version.desc()))]

    def list_model_versions(self, name: str) -> list[dict]:
        """The versions of one model, newest first (NotFound for a name never registered)."""
        with self._db.read() as session:
            versions = [_model_dict(m) for m in session.scalars(
                select(RegisteredModel).where(RegisteredModel.name == name)
                .order_by(RegisteredModel.version.desc()))]
        if not versions:
            raise NotFound("model", name)
        return versions

    def search_models(self, search: str | None = None, tag: str | None = None) -> list[dict]:
        """One entry per model name (its latest version's tags and description, its version count).

        `search` matches the name (case-insensitive); `tag` is "KEY" or "KEY:VALUE" and
        matches when any version carries it.
        """
        by_name: dict[str, dict] = {}
        for version in self.list_models():
            entry = by_name.get(version["name"])
            if entry is None:
                entry = by_name[version["name"]] = {
                    "name": version["name"], "latest_version": version["version"], "versions": 0,
                    "tags": version["tags"], "description": version["description"],
                    "flavor": version["flavor"], "updated_at": version["created_at"], "matches_tag": False}
            entry["versions"] += 1
            entry["matches_tag"] = entry["matches_tag"] or _has_tag(version["tags"], tag)
        found = []
        for entry in by_name.values():
            if search and search.lower() not in entry["name"].lower():
                continue
            if tag and not entry.pop("matches_tag"):
                continue
            entry.pop("matches_tag", None)
            found.append(entry)
        return found

    def update_model_version(self, name: str, version: int, *, tags: dict | None = None,
                             description: str | None = None) -> dict:
        """Edit a version's tags or description (None leaves it); its files never change."""
        with self._db.write() as session:
            model = session.get(RegisteredModel, (name, int(version)))
            if model is None:
                raise NotFound("model", f"{name}:{version}")
            if tags is not None:
                model.tags = _tags(tags)
            if description is not None:
                model.description = str(description)
            return _model_dict(model)


def _has_tag(tags: dict, wanted: str | None) -> bool:
    if not wanted:
        return True
    key, value = parse_tag_filter(wanted)
    return key in (tags or {}) and (value is None or str(tags[key]) == value)


def _target_dict(target: ComputeTarget) -> dict:
    return {"name": target.name, "kind": target.kind, "settings": target.settings or {},
            "status": target.status, "created_at": iso(target.created_at),
            "updated_at": iso(target.updated_at)}


def _model_dict(model: RegisteredModel) -> dict:
    return {"name": model.name, "version": model.version, "digest": model.digest,
            "tags": model.tags or {}, "run_id": model.run_id, "node_id": model.node_id,
            "created_at": iso(model.created_at), "description": model.description or "",
            "flavor": model.flavor or "designer", "port": model.port, "graph_id": model.graph_id,
            "revision": model.revision, "properties": model.properties or {}}
