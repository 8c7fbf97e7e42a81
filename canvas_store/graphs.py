"""Graph records: every save is a new numbered revision, updated by compare-and-set on the revision."""
from __future__ import annotations

import uuid

from sqlalchemy import func, select, update

from canvas_store.db import Database, iso, utcnow
from canvas_store.errors import NotFound, StaleRevision
from canvas_store.models import Graph, GraphRevision, Run

NAME_LENGTH = 255


def new_id() -> str:
    return uuid.uuid4().hex


def document_name(document: dict, fallback: str = "Untitled graph") -> str:
    if not isinstance(document, dict):
        raise TypeError("a graph document must be a JSON object (dict)")
    name = document.get("name")
    name = name.strip() if isinstance(name, str) else ""
    return (name or fallback)[:NAME_LENGTH]


def document_kind(document) -> str:
    """What a graph is for, as the pipelines list shows it: "training", "realtime" or "batch"."""
    metadata = document.get("metadata") if isinstance(document, dict) else None
    inference = metadata.get("inference") if isinstance(metadata, dict) else None
    kind = inference.get("kind") if isinstance(inference, dict) else None
    if kind in ("realtime", "batch"):
        return kind
    nodes = document.get("nodes") if isinstance(document, dict) else None
    if any(isinstance(n, dict) and n.get("component") == "web-service-input" for n in nodes or ()):
        return "realtime"
    return "training"


def document_description(document: dict) -> str:
    description = document.get("description")
    return description if isinstance(description, str) else ""


class GraphRecords:
    _db: Database

    def create_graph(self, document: dict) -> dict:
        name = document_name(document)
        now = utcnow()
        graph_id = new_id()
        with self._db.write() as session:
            session.add(Graph(id=graph_id, name=name, description=document_description(document),
                              revision=1, created_at=now, updated_at=now))
            session.flush()
            session.add(GraphRevision(graph_id=graph_id, revision=1, name=name,
                                      description=document_description(document),
                                      document=document, created_at=now))
        return _graph_dict(graph_id, 1, name, document_description(document), document, now, now)

    def get_graph(self, graph_id: str, revision: int | None = None) -> dict:
        with self._db.read() as session:
            graph = _live_graph(session, graph_id)
            wanted = graph.revision if revision is None else revision
            row = session.get(GraphRevision, (graph_id, wanted))
            if row is None:
                raise NotFound("graph revision", f"{graph_id}@{revision}")
            return _graph_dict(graph_id, row.revision, row.name, row.description, row.document,
                               graph.created_at, row.created_at)

    def update_graph(self, graph_id: str, document: dict, expected_revision: int) -> dict:
        expected_revision = int(expected_revision)
        name = document_name(document)
        description = document_description(document)
        now = utcnow()
        with self._db.write() as session:
            # Compare-and-set in one statement: of two writers holding the same
            # revision, the database lets exactly one UPDATE match the row.
            claimed = session.execute(
                update(Graph)
                .where(Graph.id == graph_id, Graph.revision == expected_revision,
                       Graph.deleted_at.is_(None))
                .values(revision=Graph.revision + 1, name=name, description=description,
                        updated_at=now)
            ).rowcount
            graph = _live_graph(session, graph_id)
            if not claimed:
                raise StaleRevision(graph.revision, graph_id=graph_id,
                                    expected_revision=expected_revision)
            revision, created_at = expected_revision + 1, graph.created_at
            session.add(GraphRevision(graph_id=graph_id, revision=revision, name=name,
                                      description=description, document=document, created_at=now))
        return _graph_dict(graph_id, revision, name, description, document, created_at, now)

    def list_graphs(self) -> list[dict]:
        with self._db.read() as session:
            graphs = session.execute(
                select(Graph.id, Graph.name, Graph.description, Graph.revision, Graph.updated_at,
                       Graph.created_at, GraphRevision.document)
                .join(GraphRevision, (GraphRevision.graph_id == Graph.id)
                      & (GraphRevision.revision == Graph.revision))
                .where(Graph.deleted_at.is_(None))
                .order_by(Graph.updated_at.desc(), Graph.id)
            ).all()
            newest = (
                select(Run.graph_id, Run.id, Run.status, Run.finished_at,
                       func.row_number().over(partition_by=Run.graph_id,
                                              order_by=(Run.created_at.desc(), Run.id.desc()))
                       .label("rank"))
                .where(Run.graph_id.is_not(None))
                .subquery()
            )
            last_runs = {
                row.graph_id: {"run_id": row.id, "status": row.status,
                               "finished_at": iso(row.finished_at)}
                for row in session.execute(select(newest).where(newest.c.rank == 1))
            }
        return [
            {"id": g.id, "name": g.name, "description": g.description, "revision": g.revision,
             "updated_at": iso(g.updated_at), "created_at": iso(g.created_at), "last_run": last_runs.get(g.id),
             "kind": document_kind(g.document), "nodes": len((g.document or {}).get("nodes") or [])}
            for g in graphs
        ]

    def delete_graph(self, graph_id: str) -> None:
        # Soft delete: runs, published pipelines and endpoints may still point at its revisions.
        with self._db.write() as session:
            deleted = session.execute(
                update(Graph).where(Graph.id == graph_id, Graph.deleted_at.is_(None))
                .values(deleted_at=utcnow())
            ).rowcount
        if not deleted:
            raise NotFound("graph", graph_id)

    def list_revisions(self, graph_id: str) -> list[dict]:
        with self._db.read() as session:
            _live_graph(session, graph_id)
            rows = session.execute(
                select(GraphRevision.revision, GraphRevision.created_at, GraphRevision.name)
                .where(GraphRevision.graph_id == graph_id)
                .order_by(GraphRevision.revision.desc())
            ).all()
        return [{"revision": r.revision, "created_at": iso(r.created_at), "name": r.name}
                for r in rows]

    def find_graph_by_name(self, name: str) -> dict | None:
        """The most recently saved live graph called `name`, or None."""
        with self._db.read() as session:
            graph_id = session.scalar(
                select(Graph.id).where(Graph.name == name, Graph.deleted_at.is_(None))
                .order_by(Graph.updated_at.desc()).limit(1)
            )
        if graph_id is None:
            return None
        try:
            return self.get_graph(graph_id)
        except NotFound:  # deleted in between
            return None


def _live_graph(session, graph_id: str) -> Graph:
    graph = session.get(Graph, graph_id)
    if graph is None or graph.deleted_at is not None:
        raise NotFound("graph", graph_id)
    return graph


def _graph_dict(graph_id, revision, name, description, document, created_at, updated_at) -> dict:
    return {"id": graph_id, "revision": revision, "name": name, "description": description,
            "document": document, "created_at": iso(created_at), "updated_at": iso(updated_at)}
