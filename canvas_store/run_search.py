"""Runs across the workspace: filtered, searched and sorted (by a metric too) in SQL; editing a run's labels; experiments."""
from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select, update

from canvas_store.db import Database, iso
from canvas_store.errors import NotFound
from canvas_store.graphs import NAME_LENGTH
from canvas_store.models import Run
from canvas_store.runs import _run_summary as summary_of, _tags
from canvas_store.workspace_models import RunMetric

#: Columns a run list may sort by, besides "metric:NODE.METRIC".
SORT_COLUMNS = {"created_at": Run.created_at, "started_at": Run.started_at, "finished_at": Run.finished_at,
                "name": Run.name, "display_name": Run.display_name, "status": Run.status,
                "experiment": Run.experiment}
METRIC_SORT = "metric:"
#: Up to this many runs kept by a filter are sorted by a metric directly; beyond it the metric's index is walked.
SORT_IN_MEMORY_RUNS = 1000
#: The columns a run list shows: never the document or the environment.
_SUMMARY_COLUMNS = [c for c in Run.__table__.c if c.key not in ("document", "environment", "evaluate_nodes")]


def parse_tag_filter(text: str) -> tuple[str, str | None]:
    """("team", None) from "team" (has the tag), ("team", "vision") from "team:vision"."""
    key, sep, value = text.partition(":")
    return key.strip(), (value.strip() if sep else None)


class RunSearch:
    _db: Database

    def search_runs(self, *, experiment: str | None = None, graph_id: str | None = None,
                    status: str | None = None, tag: str | None = None, trigger: str | None = None,
                    search: str | None = None, sort: str | None = None, order: str = "desc",
                    limit: int = 50, offset: int = 0) -> dict:
        """{"runs": [summary + flat "metrics"], "total"}: one page, newest first unless `sort` says otherwise.

        `sort` is a column name (created_at, name, status, ...) or "metric:NODE.METRIC";
        runs without that metric come last either way. `tag` is "KEY" or "KEY:VALUE".
        Raises ValueError for an unknown sort or order.
        """
        if order not in ("asc", "desc"):
            raise ValueError(f"order must be 'asc' or 'desc', not {order!r}")
        conditions = []
        if experiment:
            conditions.append(Run.experiment == experiment)
        if graph_id:
            conditions.append(Run.graph_id == graph_id)
        if status:
            conditions.append(Run.status == status)
        if trigger:
            conditions.append(Run.trigger == trigger)
        if tag:
            key, value = parse_tag_filter(tag)
            element = Run.tags[key].as_string()
            conditions.append(element.is_not(None) if value is None else element == value)
        if search:
            pattern = f"%{search.lower()}%"
            conditions.append(or_(func.lower(Run.display_name).like(pattern), func.lower(Run.name).like(pattern),
                                  func.lower(Run.experiment).like(pattern), Run.id.like(f"{search.lower()}%")))
        # The page is chosen on narrow rows (id and the sort keys), then only its runs are read in full.
        query = select(Run.id).where(*conditions)
        sort = sort or "created_at"
        if sort.startswith(METRIC_SORT):
            key = sort[len(METRIC_SORT):]
            if not key:
                raise ValueError("sort by a metric names it: metric:NODE.METRIC")
            return self._by_metric(query, conditions, key, order, limit, offset)
        elif sort in SORT_COLUMNS:
            column = SORT_COLUMNS[sort]
            query = query.order_by(column.asc() if order == "asc" else column.desc(), Run.id.desc())
        else:
            raise ValueError(f"cannot sort runs by {sort!r}; use one of {', '.join(SORT_COLUMNS)} "
                             f"or metric:NODE.METRIC")
        with self._db.read() as session:
            total = session.scalar(select(func.count()).select_from(Run).where(*conditions))
            page = list(session.scalars(query.limit(limit).offset(offset)))
            return self._page(session, page, total)

    def _by_metric(self, query, conditions, key: str, order: str, limit: int, offset: int) -> dict:
        """Runs with the metric in its order, then the runs without it, newest first.

        A filter that keeps few runs sorts just those; one that keeps many walks the (key, value)
        index in order and stops after one page, so a page costs about the same either way.
        """
        measured = and_(RunMetric.run_id == Run.id, RunMetric.key == key, RunMetric.value.is_not(None))
        value = RunMetric.value.asc() if order == "asc" else RunMetric.value.desc()
        newest = (Run.created_at.desc(), Run.id.desc())
        with self._db.read() as session:
            total = session.scalar(select(func.count()).select_from(Run).where(*conditions))
            if total <= SORT_IN_MEMORY_RUNS:
                page = list(session.scalars(query.outerjoin(RunMetric, measured)
                                            .order_by(RunMetric.value.is_(None), value, *newest)
                                            .limit(limit).offset(offset)))
                return self._page(session, page, total)
            page = list(session.scalars(query.join(RunMetric, measured).order_by(value, *newest)
                                        .limit(limit).offset(offset)))
            if len(page) < limit:
                with_metric = session.scalar(select(func.count()).select_from(Run).join(RunMetric, measured)
                                             .where(*conditions))
                page += session.scalars(query.where(~select(RunMetric.run_id).where(measured).exists())
                                        .order_by(*newest).limit(limit - len(page))
                                        .offset(max(0, offset - with_metric)))
            return self._page(session, page, total)

    def _page(self, session, page: list[str], total: int) -> dict:
        rows = {r.id: r for r in session.execute(select(*_SUMMARY_COLUMNS).where(Run.id.in_(page)))} if page else {}
        metrics = self._metrics_of(session, page)
        return {"runs": [{**summary_of(rows[i]), "metrics": metrics.get(i, {})} for i in page if i in rows],
                "total": total}

    @staticmethod
    def _metrics_of(session, run_ids: list[str]) -> dict[str, dict]:
        found: dict[str, dict] = {}
        if run_ids:
            for run_id, key, value in session.execute(
                    select(RunMetric.run_id, RunMetric.key, RunMetric.value).where(RunMetric.run_id.in_(run_ids))):
                found.setdefault(run_id, {})[key] = value
        return found

    def run_summary(self, run_id: str) -> dict:
        """One run's summary as run lists show it (no document, nodes or environment)."""
        with self._db.read() as session:
            row = session.execute(select(*_SUMMARY_COLUMNS).where(Run.id == run_id)).first()
            if row is None:
                raise NotFound("run", run_id)
            return {**summary_of(row), "metrics": self._metrics_of(session, [run_id]).get(run_id, {})}

    def run_metrics(self, run_id: str) -> dict:
        """{"NODE.METRIC": value} of one run's final metrics."""
        with self._db.read() as session:
            return self._metrics_of(session, [run_id]).get(run_id, {})

    def update_run(self, run_id: str, *, display_name: str | None = None, description: str | None = None,
                   tags: dict | None = None) -> dict:
        """Change what a person wrote about a run (None leaves a field as it is); returns the run's summary."""
        values: dict[str, Any] = {}
        if display_name is not None:
            values["display_name"] = str(display_name)[:NAME_LENGTH]
        if description is not None:
            values["description"] = str(description)
        if tags is not None:
            values["tags"] = _tags(tags)
        if values:
            with self._db.write() as session:
                changed = session.execute(update(Run).where(Run.id == run_id).values(**values)).rowcount
            if not changed:
                raise NotFound("run", run_id)
        return self.run_summary(run_id)

    def list_experiments(self) -> list[dict]:
        """Every experiment with its number of runs and its newest run, most recently used first."""
        newest = (select(Run.experiment, Run.id, Run.status, Run.created_at,
                         func.count().over(partition_by=Run.experiment).label("runs"),
                         func.row_number().over(partition_by=Run.experiment,
                                                order_by=(Run.created_at.desc(), Run.id.desc())).label("rank"))
                  .subquery())
        with self._db.read() as session:
            rows = session.execute(select(newest).where(newest.c.rank == 1)
                                   .order_by(newest.c.created_at.desc())).all()
        return [{"name": r.experiment, "runs": r.runs, "run_count": r.runs,
                 "last_run": {"run_id": r.id, "status": r.status, "created_at": iso(r.created_at)}}
                for r in rows]

    def metric_keys(self, experiment: str | None = None) -> list[str]:
        """The NODE.METRIC keys runs have recorded (of one experiment), for sort menus."""
        query = select(RunMetric.key).distinct().order_by(RunMetric.key)
        if experiment:
            query = query.join(Run, Run.id == RunMetric.run_id).where(Run.experiment == experiment)
        with self._db.read() as session:
            return list(session.scalars(query))

