"""Sweep records: a sweep's settings and status, and its trials as the runner starts and finishes them."""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from canvas_store.db import Database, iso, to_utc, utcnow
from canvas_store.errors import NotFound
from canvas_store.graphs import NAME_LENGTH, document_name, new_id
from canvas_store.models import Graph
from canvas_store.sweep_models import Sweep, SweepTrial

SWEEP_FINISHED = ("completed", "failed", "cancelled")
TRIAL_FINISHED = ("completed", "early_terminated", "failed", "cancelled")
TRIAL_FIELDS = ("parameters", "sampler_state", "run_id", "status", "metric", "intermediate", "error",
                "started_at", "finished_at")


class SweepRecords:
    _db: Database

    def create_sweep(self, document: dict, config: dict, *, graph_id: str | None = None,
                     revision: int | None = None) -> str:
        sweep_id = new_id()
        now = utcnow()
        with self._db.write() as session:
            if graph_id is not None and session.get(Graph, graph_id) is None:
                raise NotFound("graph", graph_id)
            session.add(Sweep(id=sweep_id, graph_id=graph_id, revision=revision,
                              name=document_name(document, fallback="Sweep")[:NAME_LENGTH], status="running",
                              config=dict(config), document=document, created_at=now, updated_at=now))
        return sweep_id

    def set_sweep_status(self, sweep_id: str, status: str, *, error: str | None = None) -> None:
        values: dict[str, Any] = {"status": status, "updated_at": utcnow(), "error": error}
        values["finished_at"] = utcnow() if status in SWEEP_FINISHED else None
        with self._db.write() as session:
            if not session.execute(update(Sweep).where(Sweep.id == sweep_id).values(**values)).rowcount:
                raise NotFound("sweep", sweep_id)

    def add_trial(self, sweep_id: str, trial: int, parameters: dict, *, sampler_state: dict | None = None,
                  status: str = "queued") -> None:
        with self._db.write() as session:
            session.add(SweepTrial(sweep_id=sweep_id, trial=int(trial), parameters=dict(parameters),
                                   sampler_state=sampler_state, status=status, intermediate=[],
                                   started_at=utcnow()))
            session.execute(update(Sweep).where(Sweep.id == sweep_id).values(updated_at=utcnow()))

    def update_trial(self, sweep_id: str, trial: int, **fields) -> None:
        unknown = set(fields) - set(TRIAL_FIELDS)
        if unknown:
            raise ValueError(f"unknown trial field(s) {sorted(unknown)}")
        for key in ("started_at", "finished_at"):
            if key in fields:
                fields[key] = to_utc(fields[key])
        with self._db.write() as session:
            changed = session.execute(update(SweepTrial).where(SweepTrial.sweep_id == sweep_id,
                                                               SweepTrial.trial == int(trial))
                                      .values(**fields)).rowcount
            if not changed:
                raise NotFound("sweep trial", f"{sweep_id}#{trial}")
            session.execute(update(Sweep).where(Sweep.id == sweep_id).values(updated_at=utcnow()))

    def get_sweep(self, sweep_id: str) -> dict:
        """The sweep with its config, document and every trial (in trial order)."""
        with self._db.read() as session:
            sweep = session.get(Sweep, sweep_id)
            if sweep is None:
                raise NotFound("sweep", sweep_id)
            trials = session.scalars(select(SweepTrial).where(SweepTrial.sweep_id == sweep_id)
                                     .order_by(SweepTrial.trial)).all()
            record = _sweep_dict(sweep)
            record["document"] = sweep.document
            record["trials"] = [_trial_dict(t) for t in trials]
        return record

    def list_sweeps(self, graph_id: str | None = None, limit: int = 100) -> list[dict]:
        """Newest first, with trial counts (no documents)."""
        query = select(Sweep).order_by(Sweep.created_at.desc(), Sweep.id.desc()).limit(limit)
        if graph_id is not None:
            query = query.where(Sweep.graph_id == graph_id)
        with self._db.read() as session:
            sweeps = session.scalars(query).all()
            ids = [s.id for s in sweeps]
            counts: dict[str, dict] = {}
            if ids:
                for sweep_id, status in session.execute(select(SweepTrial.sweep_id, SweepTrial.status)
                                                        .where(SweepTrial.sweep_id.in_(ids))):
                    by_status = counts.setdefault(sweep_id, {})
                    by_status[status] = by_status.get(status, 0) + 1
            return [{**_sweep_dict(s), "trial_counts": counts.get(s.id, {})} for s in sweeps]

    def discard_unfinished_trials(self, sweep_id: str) -> list[dict]:
        """Trials a stopped server left half-done are dropped (their runs stay, failed); returns them."""
        with self._db.write() as session:
            rows = session.scalars(select(SweepTrial).where(SweepTrial.sweep_id == sweep_id,
                                                            SweepTrial.status.not_in(TRIAL_FINISHED))).all()
            dropped = [_trial_dict(t) for t in rows]
            session.execute(delete(SweepTrial).where(SweepTrial.sweep_id == sweep_id,
                                                     SweepTrial.status.not_in(TRIAL_FINISHED)))
        return dropped

    def mark_unfinished_sweeps_interrupted(self) -> list[str]:
        """After a restart: sweeps that were running are interrupted (resumable); returns their ids."""
        with self._db.write() as session:
            ids = list(session.scalars(select(Sweep.id).where(Sweep.status == "running")))
            if ids:
                session.execute(update(Sweep).where(Sweep.id.in_(ids))
                                .values(status="interrupted", updated_at=utcnow(),
                                        error="the server stopped while the sweep ran"))
        return ids


def _sweep_dict(sweep: Sweep) -> dict:
    return {"sweep_id": sweep.id, "graph_id": sweep.graph_id, "revision": sweep.revision, "name": sweep.name,
            "status": sweep.status, "config": sweep.config or {}, "error": sweep.error,
            "created_at": iso(sweep.created_at), "updated_at": iso(sweep.updated_at),
            "finished_at": iso(sweep.finished_at)}


def _trial_dict(trial: SweepTrial) -> dict:
    return {"trial": trial.trial, "parameters": trial.parameters or {}, "run_id": trial.run_id,
            "status": trial.status, "metric": trial.metric, "intermediate": list(trial.intermediate or []),
            "error": trial.error, "started_at": iso(trial.started_at), "finished_at": iso(trial.finished_at),
            "sampler_state": trial.sampler_state}
