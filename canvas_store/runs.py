"""Run records: a run's status and document, and the per-node rows the executor updates in batches."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from canvas_store.db import Database, UTCDateTime, iso, to_utc, utcnow
from canvas_store.errors import NotFound
from canvas_store.graphs import NAME_LENGTH, document_name, new_id
from canvas_store.models import Graph, Pipeline, Run, RunNode, RunNodeLog, RunNodeMetricEvent

#: Once a run or node reaches one of these, it is over.
RUN_FINISHED = ("completed", "failed", "cancelled")
NODE_FINISHED = ("completed", "cached", "failed", "skipped", "cancelled")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _mapping(value: Any) -> dict | None:
    if value is not None and not isinstance(value, dict):
        raise TypeError(f"expected a dict, got {type(value).__name__}")
    return value


#: The node fields an update may set, each with how its value is normalised.
NODE_FIELDS: dict[str, Callable[[Any], Any]] = {
    "status": str,
    "cached": bool,
    "started_at": to_utc,
    "finished_at": to_utc,
    "seconds": _number,
    "error": _text,
    "traceback": _text,
    "outputs": _mapping,
    "metrics": _mapping,
    "progress": _number,
    "progress_message": _text,
    "compute": _text,
    "cache_key": _text,
}

NODES = RunNode.__table__
UPSERT_DIALECTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


TRIGGER_LENGTH = 80


def _tags(tags: Any) -> dict:
    """Tags are a flat mapping of text to text, as in Azure ML and MLflow."""
    if tags is None:
        return {}
    if not isinstance(tags, dict):
        raise TypeError(f"tags must be a mapping, got {type(tags).__name__}")
    return {str(k): "" if v is None else str(v) for k, v in tags.items()}


class RunRecords:
    _db: Database

    def create_run(self, document: dict, *, graph_id: str | None = None, revision: int | None = None,
                   compute: str = "local", parameters: dict | None = None, kind: str = "manual",
                   pipeline_id: str | None = None, pipeline_version: int | None = None,
                   trigger: str | None = None, experiment: str | None = None, display_name: str | None = None,
                   description: str | None = None, tags: dict | None = None,
                   environment: dict | None = None, evaluation_nodes: Iterable[str] = ()) -> str:
        """A queued run; `experiment` defaults to the graph's name and `trigger` to the run's kind;
        `evaluation_nodes` are the nodes whose metrics summarise it in run lists."""
        name = document_name(document, fallback="")
        evaluate_nodes = list(evaluation_nodes)
        run_id = new_id()
        with self._db.write() as session:
            if graph_id is not None and session.get(Graph, graph_id) is None:
                raise NotFound("graph", graph_id)
            if pipeline_id is not None and session.get(Pipeline, pipeline_id) is None:
                raise NotFound("pipeline", pipeline_id)
            session.add(Run(
                id=run_id, graph_id=graph_id, revision=revision, name=name, status="queued",
                compute=(compute or "local")[:NAME_LENGTH], parameters=dict(parameters or {}),
                kind=kind, pipeline_id=pipeline_id, pipeline_version=pipeline_version,
                evaluate_nodes=evaluate_nodes, document=document, created_at=utcnow(),
                experiment=(experiment or name or "Default")[:NAME_LENGTH],
                display_name=(display_name or "")[:NAME_LENGTH], description=description or "",
                tags=dict(_tags(tags)), trigger=(trigger or kind or "manual")[:TRIGGER_LENGTH],
                environment=environment,
            ))
        return run_id

    def set_run_status(self, run_id: str, status: str, *, error: str | None = None,
                       started_at=None, finished_at=None) -> None:
        """Set a run's status; `running` stamps started_at and a finished status stamps finished_at unless given."""
        now = literal(utcnow(), UTCDateTime())
        values: dict[str, Any] = {"status": status}
        if error is not None:
            values["error"] = str(error)
        if started_at is not None:
            values["started_at"] = to_utc(started_at)
        elif status == "running":
            values["started_at"] = func.coalesce(Run.started_at, now)
        if finished_at is not None:
            values["finished_at"] = to_utc(finished_at)
        elif status in RUN_FINISHED:
            values["finished_at"] = func.coalesce(Run.finished_at, now)
        with self._db.write() as session:
            changed = session.execute(update(Run).where(Run.id == run_id).values(**values)).rowcount
        if not changed:
            raise NotFound("run", run_id)

    def apply_node_updates(self, run_id: str, updates: list[dict]) -> None:
        """Upsert a batch of node updates in one transaction: one statement per node, plus one per append kind."""
        fields_by_node: dict[str, dict[str, Any]] = {}
        logs: list[dict] = []
        events: list[dict] = []
        for update_ in updates:
            node_id = str(update_["node_id"])
            fields = fields_by_node.setdefault(node_id, {})
            for key, value in update_.items():
                if key == "node_id":
                    continue
                if key == "append_log":
                    if value:
                        logs.append({"run_id": run_id, "node_id": node_id, "text": str(value)})
                elif key == "append_metric_event":
                    events.append({"run_id": run_id, "node_id": node_id, "event": _mapping(value)})
                elif key in NODE_FIELDS:
                    fields[key] = NODE_FIELDS[key](value)
                else:
                    raise ValueError(f"unknown node field {key!r}")
        if not fields_by_node:
            return
        try:
            with self._db.write() as session:
                upsert = UPSERT_DIALECTS.get(self._db.dialect)
                if upsert is not None:
                    self._upsert_nodes_grouped(session, upsert, run_id, fields_by_node)
                else:
                    for node_id, fields in fields_by_node.items():
                        self._upsert_node(session, run_id, node_id, fields)
                if logs:
                    session.execute(insert(RunNodeLog.__table__), logs)
                if events:
                    session.execute(insert(RunNodeMetricEvent.__table__), events)
        except IntegrityError as error:
            # The only reference a node row has is its run.
            raise NotFound("run", run_id) from error

    @staticmethod
    def _upsert_nodes_grouped(session, upsert, run_id: str, fields_by_node: dict[str, dict]) -> None:
        """One executemany upsert per distinct set of fields: a 500-node batch is a handful of statements."""
        groups: dict[tuple, list[dict]] = {}
        for node_id, fields in fields_by_node.items():
            groups.setdefault(tuple(sorted(fields)), []).append({"run_id": run_id, "node_id": node_id, **fields})
        keys = [NODES.c.run_id, NODES.c.node_id]
        for names, rows in groups.items():
            statement = upsert(NODES)
            if names:
                statement = statement.on_conflict_do_update(
                    index_elements=keys, set_={k: statement.excluded[k] for k in names})
            else:
                statement = statement.on_conflict_do_nothing(index_elements=keys)
            session.execute(statement, rows)

    def _upsert_node(self, session, run_id: str, node_id: str, fields: dict[str, Any]) -> None:
        upsert = UPSERT_DIALECTS.get(self._db.dialect)
        if upsert is not None:
            statement = upsert(NODES).values(run_id=run_id, node_id=node_id, **fields)
            keys = [NODES.c.run_id, NODES.c.node_id]
            if fields:
                statement = statement.on_conflict_do_update(
                    index_elements=keys, set_={k: statement.excluded[k] for k in fields})
            else:
                statement = statement.on_conflict_do_nothing(index_elements=keys)
            session.execute(statement)
            return
        # Other databases: update, and insert when there was nothing to update.
        match = (NODES.c.run_id == run_id) & (NODES.c.node_id == node_id)
        if fields:
            found = session.execute(update(NODES).where(match).values(**fields)).rowcount
        else:
            found = session.execute(select(NODES.c.node_id).where(match)).first() is not None
        if not found:
            session.execute(insert(NODES).values(run_id=run_id, node_id=node_id, **fields))

    def get_run(self, run_id: str) -> dict:
        with self._db.read() as session:
            run = session.get(Run, run_id)
            if run is None:
                raise NotFound("run", run_id)
            nodes = session.execute(select(NODES).where(NODES.c.run_id == run_id)).all()
            events: dict[str, list] = {}
            for node_id, event in session.execute(
                select(RunNodeMetricEvent.node_id, RunNodeMetricEvent.event)
                .where(RunNodeMetricEvent.run_id == run_id).order_by(RunNodeMetricEvent.id)
            ):
                events.setdefault(node_id, []).append(event)
            record = _run_summary(run)
            record["document"] = run.document
            record["environment"] = run.environment
        record["nodes"] = {node.node_id: _node_dict(node, events.get(node.node_id, []))
                           for node in nodes}
        return record

    def get_node_log(self, run_id: str, node_id: str) -> str:
        with self._db.read() as session:
            chunks = session.scalars(
                select(RunNodeLog.text)
                .where(RunNodeLog.run_id == run_id, RunNodeLog.node_id == node_id)
                .order_by(RunNodeLog.id)
            ).all()
            if not chunks and session.get(Run, run_id) is None:
                raise NotFound("run", run_id)
        return "".join(chunks)

    def list_runs(self, graph_id: str | None = None, limit: int = 100) -> list[dict]:
        """Newest first, without document or nodes, with the metrics of each run's evaluation nodes."""
        # Load only what a listing shows, never the documents.
        query = (select(*[c for c in Run.__table__.c if c.key not in ("document", "environment")])
                 .order_by(Run.created_at.desc(), Run.id.desc()).limit(limit))
        if graph_id is not None:
            query = query.where(Run.graph_id == graph_id)
        with self._db.read() as session:
            runs = session.execute(query).all()
            wanted = {(r.id, node_id) for r in runs for node_id in (r.evaluate_nodes or [])}
            metrics: dict[str, dict] = {}
            if wanted:
                for run_id, node_id, values in session.execute(
                    select(NODES.c.run_id, NODES.c.node_id, NODES.c.metrics)
                    .where(NODES.c.run_id.in_(sorted({run_id for run_id, _ in wanted})),
                           NODES.c.metrics.is_not(None))
                ):
                    if (run_id, node_id) in wanted:
                        metrics.setdefault(run_id, {})[node_id] = values
        return [{**_run_summary(r), "metrics": metrics.get(r.id, {})} for r in runs]

    def mark_unfinished_runs_failed(self, reason: str = "server stopped") -> int:
        """After a restart: runs still queued or running can never finish, so they fail (and their nodes stop)."""
        now = literal(utcnow(), UTCDateTime())
        unfinished = select(Run.id).where(Run.status.not_in(RUN_FINISHED)).scalar_subquery()
        with self._db.write() as session:
            session.execute(
                update(NODES)
                .where(NODES.c.run_id.in_(unfinished), NODES.c.status == "running")
                .values(status="failed", error=reason, finished_at=now)
            )
            session.execute(
                update(NODES)
                .where(NODES.c.run_id.in_(unfinished), NODES.c.status.not_in(NODE_FINISHED))
                .values(status="cancelled")
            )
            return session.execute(
                update(Run).where(Run.status.not_in(RUN_FINISHED))
                .values(status="failed", error=func.coalesce(Run.error, reason),
                        finished_at=func.coalesce(Run.finished_at, now))
            ).rowcount


def _run_summary(run) -> dict:
    return {
        "run_id": run.id, "graph_id": run.graph_id, "revision": run.revision, "name": run.name,
        "status": run.status, "compute": run.compute, "parameters": run.parameters or {},
        "kind": run.kind, "pipeline_id": run.pipeline_id, "pipeline_version": run.pipeline_version,
        "created_at": iso(run.created_at), "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at), "error": run.error,
        "experiment": run.experiment, "display_name": run.display_name, "description": run.description,
        "tags": run.tags or {}, "trigger": run.trigger,
    }


def _node_dict(node, metric_events: list) -> dict:
    return {
        "status": node.status, "cached": bool(node.cached), "seconds": node.seconds,
        "started_at": iso(node.started_at), "finished_at": iso(node.finished_at),
        "error": node.error, "traceback": node.traceback, "outputs": node.outputs or {},
        "metrics": node.metrics, "metric_events": metric_events, "progress": node.progress,
        "progress_message": node.progress_message, "compute": node.compute,
        "cache_key": node.cache_key,
    }
