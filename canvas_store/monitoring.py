"""Endpoint monitoring records: merge per-minute rollups and feature histograms, request logs, settings, pruning.

Rollups from several server processes land on the same (endpoint, minute)
row, so writes add to what is there: read-modify-write under the row's write
lock (SQLite: the database's, taken by BEGIN IMMEDIATE; PostgreSQL: SELECT ...
FOR UPDATE), all rows of a flush in one transaction, retried whole when two
processes insert the same new row at once, so a rollup is added once or not at
all. Rows are locked in key order, so two processes' flushes never deadlock.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from canvas_store.db import Database, iso, to_utc, utcnow
from canvas_store.monitoring_models import EndpointFeatureHour, EndpointMinute, EndpointMonitoring, EndpointRequestLog

MERGE_ATTEMPTS = 5


def _add_lists(old: list | None, new: list) -> list:
    old = list(old or [])
    if len(old) < len(new):
        old += [0] * (len(new) - len(old))
    return [a + b for a, b in zip(old, new)] + old[len(new):]


def _add_maps(old: dict | None, new: dict) -> dict:
    merged = dict(old or {})
    for key, value in new.items():
        merged[key] = merged.get(key, 0) + value
    return merged


class MonitoringRecords:
    _db: Database

    def add_endpoint_minutes(self, rollups: list[dict]) -> None:
        """Add rollups {endpoint, minute, requests, errors_4xx, errors_5xx, latency_ms_sum, latency_buckets}."""
        for attempt in range(MERGE_ATTEMPTS):
            try:
                with self._db.write() as session:
                    for rollup in sorted(rollups, key=lambda r: (r["endpoint"], to_utc(r["minute"]))):
                        key = (rollup["endpoint"], to_utc(rollup["minute"]))
                        row = session.get(EndpointMinute, key, with_for_update=True)
                        if row is None:
                            session.add(EndpointMinute(endpoint=key[0], minute=key[1], requests=rollup["requests"],
                                                       errors_4xx=rollup["errors_4xx"], errors_5xx=rollup["errors_5xx"],
                                                       latency_ms_sum=rollup["latency_ms_sum"],
                                                       latency_buckets=list(rollup["latency_buckets"])))
                            continue
                        row.requests += rollup["requests"]
                        row.errors_4xx += rollup["errors_4xx"]
                        row.errors_5xx += rollup["errors_5xx"]
                        row.latency_ms_sum += rollup["latency_ms_sum"]
                        row.latency_buckets = _add_lists(row.latency_buckets, rollup["latency_buckets"])
                return
            except IntegrityError:
                if attempt == MERGE_ATTEMPTS - 1:
                    raise

    def endpoint_minutes(self, endpoint: str, since: datetime) -> list[dict]:
        with self._db.read() as session:
            rows = session.scalars(select(EndpointMinute).where(EndpointMinute.endpoint == endpoint,
                                                                EndpointMinute.minute >= to_utc(since))
                                   .order_by(EndpointMinute.minute)).all()
            return [{"minute": iso(r.minute), "requests": r.requests, "errors_4xx": r.errors_4xx,
                     "errors_5xx": r.errors_5xx, "latency_ms_sum": r.latency_ms_sum,
                     "latency_buckets": list(r.latency_buckets or [])} for r in rows]

    def add_feature_counts(self, rollups: list[dict]) -> None:
        """Add rollups {endpoint, hour, feature, counts: {bin: n}}."""
        for attempt in range(MERGE_ATTEMPTS):
            try:
                with self._db.write() as session:
                    for rollup in sorted(rollups, key=lambda r: (r["endpoint"], to_utc(r["hour"]), r["feature"])):
                        key = (rollup["endpoint"], to_utc(rollup["hour"]), rollup["feature"])
                        row = session.get(EndpointFeatureHour, key, with_for_update=True)
                        if row is None:
                            session.add(EndpointFeatureHour(endpoint=key[0], hour=key[1], feature=key[2],
                                                            counts=dict(rollup["counts"])))
                        else:
                            row.counts = _add_maps(row.counts, rollup["counts"])
                return
            except IntegrityError:
                if attempt == MERGE_ATTEMPTS - 1:
                    raise

    def feature_counts(self, endpoint: str, since: datetime) -> dict[str, dict]:
        """{feature: {bin: n}} summed over the hours since `since`."""
        totals: dict[str, dict] = {}
        with self._db.read() as session:
            for feature, counts in session.execute(
                    select(EndpointFeatureHour.feature, EndpointFeatureHour.counts)
                    .where(EndpointFeatureHour.endpoint == endpoint, EndpointFeatureHour.hour >= to_utc(since))):
                totals[feature] = _add_maps(totals.get(feature), counts or {})
        return totals

    # ------------------------------------------------------------ request logs
    def add_request_logs(self, entries: list[dict], caps: dict[str, int]) -> None:
        """Append logged requests, then keep only the newest `caps[endpoint]` entries of each endpoint."""
        with self._db.write() as session:
            for entry in entries:
                session.add(EndpointRequestLog(endpoint=entry["endpoint"], at=to_utc(entry["at"]),
                                               status=int(entry["status"]), latency_ms=float(entry["latency_ms"]),
                                               request=entry["request"], response=entry["response"]))
            session.flush()
            for endpoint in {e["endpoint"] for e in entries}:
                cap = max(0, int(caps.get(endpoint, 0)))
                keep_from = session.scalar(select(EndpointRequestLog.id).where(EndpointRequestLog.endpoint == endpoint)
                                           .order_by(EndpointRequestLog.id.desc()).offset(cap).limit(1))
                if keep_from is not None:
                    session.execute(delete(EndpointRequestLog).where(EndpointRequestLog.endpoint == endpoint,
                                                                     EndpointRequestLog.id <= keep_from))

    def request_logs(self, endpoint: str, limit: int = 100) -> list[dict]:
        with self._db.read() as session:
            rows = session.scalars(select(EndpointRequestLog).where(EndpointRequestLog.endpoint == endpoint)
                                   .order_by(EndpointRequestLog.id.desc()).limit(limit)).all()
            return [{"id": r.id, "at": iso(r.at), "status": r.status, "latency_ms": r.latency_ms,
                     "request": r.request, "response": r.response} for r in rows]

    # ------------------------------------------------------------ settings
    def endpoint_monitoring(self, endpoint: str) -> dict:
        """The endpoint's monitoring settings ({} fields when never set)."""
        with self._db.read() as session:
            row = session.get(EndpointMonitoring, endpoint)
            if row is None:
                return {"logging": None, "drift_threshold": None, "training_profile": None}
            return {"logging": row.logging, "drift_threshold": row.drift_threshold,
                    "training_profile": row.training_profile}

    def all_logging_settings(self) -> dict[str, dict]:
        with self._db.read() as session:
            return {name: value for name, value in session.execute(
                select(EndpointMonitoring.endpoint, EndpointMonitoring.logging)
                .where(EndpointMonitoring.logging.is_not(None)))}

    def set_endpoint_monitoring(self, endpoint: str, **values) -> None:
        """Set some of `logging`, `drift_threshold`, `training_profile` (keeping the others)."""
        for attempt in range(MERGE_ATTEMPTS):
            try:
                with self._db.write() as session:
                    row = session.get(EndpointMonitoring, endpoint, with_for_update=True)
                    if row is None:
                        row = EndpointMonitoring(endpoint=endpoint, updated_at=utcnow())
                        session.add(row)
                    for name, value in values.items():
                        setattr(row, name, value)
                    row.updated_at = utcnow()
                return
            except IntegrityError:
                if attempt == MERGE_ATTEMPTS - 1:
                    raise

    def forget_endpoint_monitoring(self, endpoint: str) -> None:
        """Drop everything monitoring kept about an endpoint (it was deleted)."""
        with self._db.write() as session:
            for table in (EndpointMinute, EndpointFeatureHour, EndpointRequestLog, EndpointMonitoring):
                session.execute(delete(table).where(table.endpoint == endpoint))

    def prune_monitoring(self, before: datetime) -> int:
        """Delete rollups older than `before` (the 30-day window); returns how many rows went."""
        with self._db.write() as session:
            removed = session.execute(delete(EndpointMinute).where(EndpointMinute.minute < to_utc(before))).rowcount
            removed += session.execute(delete(EndpointFeatureHour)
                                       .where(EndpointFeatureHour.hour < to_utc(before))).rowcount
            removed += session.execute(delete(EndpointRequestLog)
                                       .where(EndpointRequestLog.at < to_utc(before))).rowcount
        return removed

    def count_runs_by_status(self) -> dict[str, int]:
        from canvas_store.models import Run

        with self._db.read() as session:
            return dict(session.execute(select(Run.status, func.count()).group_by(Run.status)).all())
