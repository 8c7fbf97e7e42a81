"""Endpoint monitoring for any scoring app: count each request, time it, sample its payloads, feed drift.

`EndpointMonitor.wsgi(app)` wraps a WSGI app (the designer server, or a
production scoring server) and sees every `/endpoints/<name>/score` call: its
status class and latency go to in-memory per-minute rollups and to Prometheus
metrics; a request of an endpoint whose owner turned logging on may be sampled
with its answer. The scoring handler hands over the parsed rows with
`scored_inputs(name, tables)` for drift. Nothing touches the database on the
request path: a background thread flushes rollups, input histograms and logs
to the store every few seconds and prunes what is older than 30 days. A flush
the store refuses (busy, unreachable) keeps its rollups for the next one, so
nothing counted is lost while the database is away.
"""
from __future__ import annotations

import bisect
import io
import logging
import random
import re
import threading
import time
from collections import deque
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily

log = logging.getLogger(__name__)
#: Where requests for endpoints that do not exist (404) are counted; no endpoint can have this name.
UNKNOWN_ENDPOINT = "(unknown)"

#: Upper bounds (ms) of the latency buckets every rollup keeps: 0.1 ms to ~60 s in steps of 25%, then +inf.
LATENCY_BOUNDS_MS = tuple(round(0.1 * 1.25 ** k, 4) for k in range(60))
SCORE_PATH = re.compile(r"^/endpoints/([^/]+)/score/?$")
KEEP_DAYS = 30
FLUSH_SECONDS = 5.0
LOGGING_REFRESH_SECONDS = 5.0
MAX_PENDING_INPUTS = 2000
MAX_PENDING_LOGS = 5000
#: Characters of a logged request or answer that are kept.
MAX_LOGGED_CHARS = 20_000
LOGGING_DEFAULTS = {"enabled": False, "sample_rate": 1.0, "max_entries": 1000}


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def bucket_of(latency_ms: float) -> int:
    return bisect.bisect_left(LATENCY_BOUNDS_MS, latency_ms)


def percentile(buckets: list[int], fraction: float) -> float | None:
    """The latency (ms) below which `fraction` of requests fell, interpolated inside its bucket."""
    total = sum(buckets)
    if not total:
        return None
    wanted = fraction * total
    seen = 0
    for index, count in enumerate(buckets):
        if count and seen + count >= wanted:
            low = LATENCY_BOUNDS_MS[index - 1] if index > 0 else 0.0
            high = LATENCY_BOUNDS_MS[index] if index < len(LATENCY_BOUNDS_MS) else LATENCY_BOUNDS_MS[-1] * 1.25
            return round(low + (high - low) * (wanted - seen) / count, 3)
        seen += count
    return LATENCY_BOUNDS_MS[-1]


def latency_summary(buckets: list[int]) -> dict:
    return {"p50": percentile(buckets, 0.50), "p95": percentile(buckets, 0.95), "p99": percentile(buckets, 0.99)}


def minute_of(moment: float) -> datetime:
    return datetime.fromtimestamp(moment - moment % 60, timezone.utc)


class _Rollup:
    __slots__ = ("requests", "errors_4xx", "errors_5xx", "latency_ms_sum", "buckets")

    def __init__(self):
        self.requests = self.errors_4xx = self.errors_5xx = 0
        self.latency_ms_sum = 0.0
        self.buckets = [0] * (len(LATENCY_BOUNDS_MS) + 1)


class EndpointMonitor:
    def __init__(self, store, *, clock: Callable[[], float] = time.time, flush_seconds: float = FLUSH_SECONDS,
                 profile_for: Callable[[str], dict | None] | None = None):
        #: profile_for(name): the endpoint's training profile (designer.serving.drift), None when unknown.
        self.store = store
        self.enabled = True
        self.clock = clock
        self.flush_seconds = flush_seconds
        self.profile_for = profile_for
        self.registry = CollectorRegistry()
        self.requests = Counter("designer_endpoint_requests", "Scoring requests by endpoint and status class",
                                ["endpoint", "status_class"], registry=self.registry)
        self.latency = Histogram("designer_endpoint_request_seconds", "Scoring request latency in seconds",
                                 ["endpoint"], registry=self.registry)
        self.registry.register(RunCounts(store))
        self._rollups: dict[tuple[str, datetime], _Rollup] = {}
        self._counters: dict[tuple[str, int], Any] = {}
        self._histograms: dict[str, Any] = {}
        self._inputs: deque = deque(maxlen=MAX_PENDING_INPUTS)
        self._logs: deque = deque(maxlen=MAX_PENDING_LOGS)
        self._logging: dict[str, dict] = {}
        self._logging_read_at = float("-inf")
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pruned_at = float("-inf")

    # ------------------------------------------------------------ the request path
    def observe(self, endpoint: str, status: int, seconds: float) -> None:
        """Count one scoring request (cheap: a dict update under a lock and two Prometheus updates)."""
        latency_ms = seconds * 1000.0
        key = (endpoint, minute_of(self.clock()))
        with self._lock:
            rollup = self._rollups.get(key)
            if rollup is None:
                rollup = self._rollups[key] = _Rollup()
            rollup.requests += 1
            if 400 <= status < 500:
                rollup.errors_4xx += 1
            elif status >= 500:
                rollup.errors_5xx += 1
            rollup.latency_ms_sum += latency_ms
            rollup.buckets[bucket_of(latency_ms)] += 1
        counter = self._counters.get((endpoint, status))
        if counter is None:  # labels() costs more than the update itself, so each child is looked up once
            counter = self._counters[(endpoint, status)] = self.requests.labels(endpoint, status_class(status))
        histogram = self._histograms.get(endpoint)
        if histogram is None:
            histogram = self._histograms[endpoint] = self.latency.labels(endpoint)
        counter.inc()
        histogram.observe(seconds)

    def scored_inputs(self, endpoint: str, tables: dict) -> None:
        """Keep the rows a request scored for the drift histograms (binned later, off the request path)."""
        if self.enabled:
            self._inputs.append((endpoint, self.clock(), tables))

    def logging_settings(self, endpoint: str) -> dict:
        if self._thread is None:  # no background thread to keep them fresh: the request path reads them
            self._refresh_logging()
        return self._logging.get(endpoint) or LOGGING_DEFAULTS

    def _refresh_logging(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._logging_read_at > LOGGING_REFRESH_SECONDS:
            self._logging_read_at = now  # first, so a slow store is asked once, not by every request
            try:
                self._logging = {name: {**LOGGING_DEFAULTS, **(value or {})}
                                 for name, value in self.store.all_logging_settings().items()}
            except Exception:
                log.exception("could not read request logging settings")

    def set_logging(self, endpoint: str, settings: dict) -> None:
        """Remember new settings at once in this process (other processes read them within seconds)."""
        self._logging[endpoint] = {**LOGGING_DEFAULTS, **settings}

    def wsgi(self, app):
        """Wrap a WSGI app so every scoring call is counted, timed and (when enabled and sampled) logged."""
        def monitored(environ, start_response):
            match = SCORE_PATH.match(environ.get("PATH_INFO") or "")
            if match is None or environ.get("REQUEST_METHOD") != "POST" or not self.enabled:
                return app(environ, start_response)
            name = match.group(1)
            settings = self.logging_settings(name)
            logged = settings["enabled"] and random.random() < settings["sample_rate"]
            if logged:
                body = environ["wsgi.input"].read(_content_length(environ))
                environ["wsgi.input"] = io.BytesIO(body)
            seen: dict[str, Any] = {}

            def starting(status, headers, exc_info=None):
                seen["status"] = int(status.split(" ", 1)[0])
                return start_response(status, headers, exc_info)

            started = time.perf_counter()
            try:
                chunks = app(environ, starting)
                if logged:
                    produced = chunks
                    chunks = [b"".join(produced)]
                    if hasattr(produced, "close"):  # the WSGI contract: whoever iterates closes
                        produced.close()
            except Exception:
                self.observe(name, 500, time.perf_counter() - started)
                raise
            seconds = time.perf_counter() - started
            status = seen.get("status", 500)
            if status == 404:  # no such endpoint here: one shared name, or any caller could make series at will
                name, logged = UNKNOWN_ENDPOINT, False
            self.observe(name, status, seconds)
            if logged:
                self._logs.append({"endpoint": name, "at": datetime.now(timezone.utc), "status": status,
                                   "latency_ms": seconds * 1000.0, "request": _text(body), "response": _text(chunks[0])})
            return chunks

        return monitored

    # ------------------------------------------------------------ off the request path
    def flush(self) -> None:
        """Write what was counted to the store (the background thread calls this every few seconds)."""
        with self._lock:
            rollups, self._rollups = self._rollups, {}
        if rollups:
            try:
                self.store.add_endpoint_minutes([
                    {"endpoint": name, "minute": minute, "requests": r.requests, "errors_4xx": r.errors_4xx,
                     "errors_5xx": r.errors_5xx, "latency_ms_sum": r.latency_ms_sum, "latency_buckets": r.buckets}
                    for (name, minute), r in rollups.items()])
            except Exception:
                self._keep(rollups)  # the store wrote none of them (one transaction): the next flush tries again
                raise
        self._flush_inputs()
        logs = [self._logs.popleft() for _ in range(len(self._logs))]
        if logs:
            caps = {e["endpoint"]: self.logging_settings(e["endpoint"])["max_entries"] for e in logs}
            self.store.add_request_logs(logs, caps)
        if rollups and self.clock() - self._pruned_at > 3600:  # an idle server never writes
            self._pruned_at = self.clock()
            self.store.prune_monitoring(datetime.now(timezone.utc) - timedelta(days=KEEP_DAYS))

    def _keep(self, rollups: dict) -> None:
        with self._lock:
            for key, rollup in rollups.items():
                kept = self._rollups.get(key)
                if kept is None:
                    self._rollups[key] = rollup
                    continue
                kept.requests += rollup.requests
                kept.errors_4xx += rollup.errors_4xx
                kept.errors_5xx += rollup.errors_5xx
                kept.latency_ms_sum += rollup.latency_ms_sum
                kept.buckets = [a + b for a, b in zip(kept.buckets, rollup.buckets)]

    def _flush_inputs(self) -> None:
        """Bin the scored rows into their training bins: one vectorised pass per endpoint, hour and feature."""
        import pandas as pd

        from designer.serving.drift import bin_counts

        queued = [self._inputs.popleft() for _ in range(len(self._inputs))]
        if self.profile_for is None or not queued:
            return
        frames_by: dict[tuple, list] = {}
        records_by: dict[tuple, list] = {}
        for name, moment, tables in queued:
            if tables:
                first = next(iter(tables.values()))  # drift watches the endpoint's first input
                key = (name, datetime.fromtimestamp(moment - moment % 3600, timezone.utc))
                if isinstance(first, pd.DataFrame):
                    frames_by.setdefault(key, []).append(first)
                elif first:  # the row path hands over the request's row objects: one table for all of them
                    records_by.setdefault(key, []).extend(first)
        tables_by = {key: frames_by.get(key, []) + ([pd.DataFrame.from_records(records_by[key])]
                                                    if key in records_by else [])
                     for key in frames_by.keys() | records_by.keys()}
        rollups = []
        profiles: dict[str, dict | None] = {}
        for (name, hour), tables in tables_by.items():
            if name not in profiles:
                try:
                    profiles[name] = self.profile_for(name)
                except Exception:
                    log.exception("no training profile for endpoint %s", name)
                    profiles[name] = None
            if not profiles[name]:
                continue
            rows = pd.concat(tables, ignore_index=True)  # one table per endpoint and hour: ~µs per request
            for feature, feature_profile in profiles[name].items():
                if feature in rows.columns:
                    counts = bin_counts(feature_profile, rows[feature])
                    rollups.append({"endpoint": name, "hour": hour, "feature": feature, "counts": counts})
        if rollups:
            try:
                self.store.add_feature_counts(rollups)
            except Exception:
                self._inputs.extendleft(reversed(queued))  # binned again by the next flush, counted once
                raise

    def start(self) -> None:
        if self._thread is None:
            self._refresh_logging(force=True)
            self._thread = threading.Thread(target=self._loop, name="endpoint-monitor", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        try:
            self.flush()
        except Exception:
            log.exception("last monitoring flush failed")

    def _loop(self) -> None:
        wait = min(self.flush_seconds, LOGGING_REFRESH_SECONDS)
        flushed_at = time.monotonic()
        while not self._stop.wait(wait):
            self._refresh_logging()
            if time.monotonic() - flushed_at < self.flush_seconds:
                continue
            flushed_at = time.monotonic()
            try:
                self.flush()
            except Exception:  # a busy or unreachable database: the next flush tries again
                log.exception("monitoring flush failed")


def _content_length(environ) -> int:
    try:
        return max(0, int(environ.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _text(data: bytes) -> str:
    return data[:MAX_LOGGED_CHARS].decode("utf-8", errors="replace")


class RunCounts:
    """Runs by status straight from the store, so every process reports the same totals."""

    def __init__(self, store):
        self.store = store

    def describe(self):
        return [CounterMetricFamily("designer_runs", "Runs by status", labels=["status"])]

    def collect(self):
        family = CounterMetricFamily("designer_runs", "Runs by status", labels=["status"])
        try:
            counts = self.store.count_runs_by_status()
        except Exception:
            counts = {}
        for status, count in sorted(counts.items()):
            family.add_metric([status], count)
        yield family


def metrics_rows(rows: list[dict], since: datetime, minutes: int) -> dict:
    """The API's answer for `GET /api/endpoints/<name>/metrics`: one row per minute (empty minutes included)."""
    by_minute = {row["minute"]: row for row in rows}
    answer, total_buckets = [], [0] * (len(LATENCY_BOUNDS_MS) + 1)
    totals = {"requests": 0, "errors_4xx": 0, "errors_5xx": 0}
    start = since.replace(second=0, microsecond=0)
    for step in range(minutes):
        minute = (start + timedelta(minutes=step + 1)).isoformat()
        row = by_minute.get(minute) or {"requests": 0, "errors_4xx": 0, "errors_5xx": 0, "latency_buckets": []}
        buckets = row["latency_buckets"]
        for index, count in enumerate(buckets):
            total_buckets[index] += count
        for key in totals:
            totals[key] += row[key]
        answer.append({"minute": minute, "requests": row["requests"], "errors_4xx": row["errors_4xx"],
                       "errors_5xx": row["errors_5xx"], "latency_ms": latency_summary(buckets)})
    return {"minutes": answer, "totals": {**totals, "latency_ms": latency_summary(total_buckets)}}


def monitor_scoring_app(wsgi_app, designer, *, flush_seconds: float = FLUSH_SECONDS, enabled: bool = True):
    """(wrapped app, started monitor) for any WSGI scoring app over `designer`'s store; the monitor's
    `scored_inputs(name, tables)` feeds drift, and `stop()` flushes what is left when the app shuts down."""
    from designer.serving.drift import TrainingProfiles

    monitor = EndpointMonitor(designer.store, flush_seconds=flush_seconds, profile_for=TrainingProfiles(designer))
    monitor.enabled = enabled
    monitor.start()
    return monitor.wsgi(wsgi_app), monitor
