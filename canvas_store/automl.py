"""Automated-ML records: a job, its leaderboard of candidate learners as they finish, and what a restart does."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from canvas_store.automl_models import AutomlCandidate, AutomlJob
from canvas_store.db import Database, iso, to_utc, utcnow
from canvas_store.errors import NotFound
from canvas_store.graphs import NAME_LENGTH, new_id

JOB_FINISHED = ("completed", "failed", "cancelled")
CANDIDATE_FINISHED = ("completed", "failed", "cancelled", "interrupted")
CANDIDATE_FIELDS = ("status", "parameters", "sweep_id", "run_id", "metric", "error", "started_at", "finished_at")


class AutomlRecords:
    _db: Database

    def create_automl_job(self, *, task: str, label: str, data: str, config: dict, primary_metric: str,
                          candidates: list[tuple[str, dict]], dataset_version: int | None = None) -> str:
        """The job and one queued candidate per (learner, settings), in the order given, in one transaction."""
        automl_id = new_id()
        now = utcnow()
        with self._db.write() as session:
            session.add(AutomlJob(id=automl_id, status="running", task=task, label=label[:NAME_LENGTH],
                                  data=data[:NAME_LENGTH], config=dict(config), dataset_version=dataset_version,
                                  primary_metric=primary_metric, created_at=now, updated_at=now))
            session.flush()
            for position, (learner, settings) in enumerate(candidates):
                session.add(AutomlCandidate(automl_id=automl_id, position=position, learner=learner,
                                            settings=dict(settings), status="queued"))
        return automl_id

    def update_automl_candidate(self, automl_id: str, position: int, **fields) -> None:
        unknown = set(fields) - set(CANDIDATE_FIELDS)
        if unknown:
            raise ValueError(f"unknown candidate field(s) {sorted(unknown)}")
        for key in ("started_at", "finished_at"):
            if key in fields:
                fields[key] = to_utc(fields[key])
        with self._db.write() as session:
            changed = session.execute(update(AutomlCandidate).where(AutomlCandidate.automl_id == automl_id,
                                                                    AutomlCandidate.position == int(position))
                                      .values(**fields)).rowcount
            if not changed:
                raise NotFound("automl candidate", f"{automl_id}#{position}")
            session.execute(update(AutomlJob).where(AutomlJob.id == automl_id).values(updated_at=utcnow()))

    def finish_automl_job(self, automl_id: str, status: str, *, error: str | None = None,
                          winner_learner: str | None = None, winner_graph_id: str | None = None) -> None:
        """The job's outcome; candidates it never finished become cancelled with it (one transaction)."""
        now = utcnow()
        values: dict[str, Any] = {"status": status, "error": error, "updated_at": now,
                                  "finished_at": now if status in JOB_FINISHED else None,
                                  "winner_learner": winner_learner, "winner_graph_id": winner_graph_id}
        with self._db.write() as session:
            if not session.execute(update(AutomlJob).where(AutomlJob.id == automl_id).values(**values)).rowcount:
                raise NotFound("automl job", automl_id)
            if status in JOB_FINISHED:
                session.execute(update(AutomlCandidate)
                                .where(AutomlCandidate.automl_id == automl_id,
                                       AutomlCandidate.status.not_in(CANDIDATE_FINISHED))
                                .values(status="cancelled", finished_at=now))

    def get_automl_job(self, automl_id: str) -> dict:
        """The job with every candidate, in the order they were tried."""
        with self._db.read() as session:
            job = session.get(AutomlJob, automl_id)
            if job is None:
                raise NotFound("automl job", automl_id)
            rows = session.scalars(select(AutomlCandidate).where(AutomlCandidate.automl_id == automl_id)
                                   .order_by(AutomlCandidate.position)).all()
            return {**_job_dict(job), "candidates": [_candidate_dict(c) for c in rows]}

    def list_automl_jobs(self, limit: int = 100, status: str | None = None) -> list[dict]:
        """Newest first, each with its candidates."""
        query = select(AutomlJob).order_by(AutomlJob.created_at.desc(), AutomlJob.id.desc()).limit(limit)
        if status is not None:
            query = query.where(AutomlJob.status == status)
        with self._db.read() as session:
            jobs = session.scalars(query).all()
            by_job: dict[str, list[dict]] = {job.id: [] for job in jobs}
            if by_job:
                for row in session.scalars(select(AutomlCandidate).where(AutomlCandidate.automl_id.in_(by_job))
                                           .order_by(AutomlCandidate.automl_id, AutomlCandidate.position)):
                    by_job[row.automl_id].append(_candidate_dict(row))
            return [{**_job_dict(job), "candidates": by_job[job.id]} for job in jobs]

    def mark_unfinished_automl_jobs_interrupted(self) -> list[dict]:
        """After a restart: running jobs and their unfinished candidates become interrupted (one transaction);
        returns the candidates that were in a sweep ({"automl_id", "position", "sweep_id"}): no job follows it now."""
        now = utcnow()
        with self._db.write() as session:
            ids = list(session.scalars(select(AutomlJob.id).where(AutomlJob.status == "running")))
            if not ids:
                return []
            unfinished = (AutomlCandidate.automl_id.in_(ids), AutomlCandidate.status.not_in(CANDIDATE_FINISHED))
            in_sweeps = [{"automl_id": a, "position": p, "sweep_id": s} for a, p, s in session.execute(
                select(AutomlCandidate.automl_id, AutomlCandidate.position, AutomlCandidate.sweep_id)
                .where(*unfinished, AutomlCandidate.sweep_id.is_not(None)))]
            session.execute(update(AutomlCandidate).where(*unfinished).values(status="interrupted"))
            session.execute(update(AutomlJob).where(AutomlJob.id.in_(ids))
                            .values(status="interrupted", updated_at=now,
                                    error="the server stopped while the job ran"))
        return in_sweeps


def _job_dict(job: AutomlJob) -> dict:
    return {"automl_id": job.id, "status": job.status, "task": job.task, "label": job.label, "data": job.data,
            "config": job.config or {}, "dataset_version": job.dataset_version,
            "primary_metric": job.primary_metric, "error": job.error, "winner_learner": job.winner_learner,
            "winner_graph_id": job.winner_graph_id, "created_at": iso(job.created_at),
            "updated_at": iso(job.updated_at), "finished_at": iso(job.finished_at)}


def _candidate_dict(row: AutomlCandidate) -> dict:
    return {"position": row.position, "learner": row.learner, "settings": row.settings or {},
            "status": row.status, "parameters": row.parameters, "sweep_id": row.sweep_id, "run_id": row.run_id,
            "metric": row.metric, "error": row.error, "started_at": iso(row.started_at),
            "finished_at": iso(row.finished_at)}
