"""The lean WSGI app `designer serve-endpoint` runs: only the scoring routes, no Flask, no designer.

Routes (the same URLs and answers as `designer serve`):
    POST    /endpoints/<name>/score         score rows (Authorization: Bearer KEY)
    GET     /endpoints/<name>/swagger.json  the endpoint's OpenAPI description
    GET     /endpoints/<name>/health        200 when the endpoint is loaded and answering
    GET     /api/health                     200 with the endpoints this server serves
    GET     /metrics                        Prometheus text: requests and latency of every worker, runs
    OPTIONS /endpoints/...                  a browser's CORS preflight

Given an EndpointMonitor, every scoring request is counted, timed, sampled and
its rows kept for drift, as `designer serve` does (designer/serving/monitoring.py).
"""
from __future__ import annotations

import logging
import os
from typing import Callable, Iterable
from urllib.parse import urlsplit

from canvas_store.errors import NotFound
from designer.serving.endpoint import DeploymentError

from designer.serving.openapi import served_document
from designer.serving.scoring import ScoreResponse, Refused, error, json_bytes, loaded_endpoint, score_request

#: Bodies larger than this are refused (as `designer serve` does).
MAX_BODY_BYTES = 64 << 20
CORS_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Headers", "Authorization, Content-Type"),
    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
    ("Access-Control-Max-Age", "600"),
)
log = logging.getLogger("designer.serving")
_REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            404: "Not Found", 405: "Method Not Allowed", 413: "Payload Too Large", 415: "Unsupported Media Type",
            500: "Internal Server Error", 503: "Service Unavailable"}


class ScoringApp:
    """A WSGI callable over `runtimes` (SharedRuntimes), serving the endpoints in `names` (None: any)."""

    def __init__(self, runtimes, names: Iterable[str] | None = None, *, rows: bool = True,
                 max_body_bytes: int = MAX_BODY_BYTES, monitor=None):
        self.runtimes = runtimes
        self.names = frozenset(names) if names is not None else None
        self.rows = rows
        self.max_body_bytes = max_body_bytes
        self.monitor = monitor
        self._on_inputs = monitor.scored_inputs if monitor is not None else None
        self._answer = monitor.wsgi(self._respond) if monitor is not None else self._respond
        #: Which process answered: lets a load balancer's operator (and the tests) tell workers apart.
        self.worker_header = ("X-Designer-Worker", str(os.getpid()))

    def warm(self) -> None:
        """Load every served endpoint now, so the first request does not pay for it."""
        for name in sorted(self.names or ()):
            try:
                self.runtimes.get(name)
            except (DeploymentError, NotFound) as exc:  # answered as 503 / 404 per request, as `designer serve` does
                log.warning("endpoint %s is not loaded: %s", name, getattr(exc, "message", exc))

    def close(self) -> None:
        """Write what the monitor still holds and stop the entry scripts' processes (the worker is exiting)."""
        if self.monitor is not None:
            self.monitor.stop()
        self.runtimes.close()

    def __call__(self, environ: dict, start_response: Callable):
        return self._answer(environ, start_response)

    def _respond(self, environ: dict, start_response: Callable):
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/metrics" and self.monitor is not None and method == "GET":
            from designer.serving.shared_metrics import prometheus_text

            body, content_type = prometheus_text(self.monitor)
            start_response("200 OK", [("Content-Type", content_type), self.worker_header,
                                      ("Content-Length", str(len(body)))])
            return [body]
        try:
            response = self._route(environ, path, method)
        except Refused as refusal:
            response = refusal.response
        headers = [("Content-Type", "application/json"), self.worker_header]
        if path.startswith("/endpoints/"):
            headers.extend(CORS_HEADERS)
        headers.extend(response.headers.items())
        if response.status == 204:
            body = b""
        else:
            body = response.json_bytes()
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{response.status} {_REASONS.get(response.status, '')}", headers)
        return [body]

    def _route(self, environ: dict, path: str, method: str) -> ScoreResponse:
        if path == "/api/health":
            if method not in ("GET", "HEAD"):
                return _not_allowed("GET")
            return ScoreResponse(200, {"status": "ok", "endpoints": sorted(self.names or ())})
        parts = path.split("/")
        if len(parts) != 4 or parts[1] != "endpoints" or not parts[2]:
            return error(404, "not-found", f"nothing is served at {path}")
        name, leaf = parts[2], parts[3]
        if leaf not in ("score", "swagger.json", "health"):
            return error(404, "not-found", f"nothing is served at {path}")
        if method == "OPTIONS":
            return ScoreResponse(204, {})
        if self.names is not None and name not in self.names:
            return error(404, "not-found", f"endpoint '{name}' is not served here", {"what": "endpoint", "id": name})
        if leaf == "score":
            if method != "POST":
                return _not_allowed("POST, OPTIONS")
            refused = _refuse_foreign_origin(environ) or _refuse_body(environ, self.max_body_bytes)
            if refused is not None:
                return refused
            return score_request(self.runtimes, name, environ.get("HTTP_AUTHORIZATION"), _body(environ),
                                 rows=self.rows, on_inputs=self._on_inputs)
        if method not in ("GET", "HEAD"):
            return _not_allowed("GET, OPTIONS")
        endpoint = loaded_endpoint(self.runtimes, name)
        if leaf == "health":
            return ScoreResponse(200, {"status": "ok", "endpoint": name})
        return ScoreResponse(200, served_document(endpoint, name, f"{_base_url(environ)}/endpoints/{name}/score"))


def _refuse_foreign_origin(environ: dict) -> ScoreResponse | None:
    # As `designer serve`: a cross-site write without a key is refused before anything else.
    origin = environ.get("HTTP_ORIGIN")
    if not origin or (environ.get("HTTP_AUTHORIZATION") or "").startswith("Bearer "):
        return None
    if urlsplit(origin).netloc == environ.get("HTTP_HOST"):
        return None
    return error(403, "cross-origin", f"requests from origin '{origin}' may not change state here",
                 {"origin": origin})


def _refuse_body(environ: dict, limit: int) -> ScoreResponse | None:
    """415 for a body that is not JSON and 413 for one too large, as `designer serve`'s request guards answer."""
    mimetype = (environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
    length = _content_length(environ)
    has_body = bool(length) or "chunked" in (environ.get("HTTP_TRANSFER_ENCODING") or "").lower()
    json_type = mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))
    if (mimetype or has_body) and not json_type:
        return error(415, "unsupported-media-type",
                     f"send JSON with 'Content-Type: application/json' (got '{mimetype or 'none'}')",
                     {"content_type": mimetype or None})
    if length is not None and length > limit:
        return error(413, "payload-too-large", f"the body is larger than {limit} bytes")
    return None


def _content_length(environ: dict) -> int | None:
    try:
        return int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def _body(environ: dict) -> bytes:
    stream = environ["wsgi.input"]
    length = _content_length(environ)
    return stream.read(length) if length is not None else stream.read()


def _not_allowed(allowed: str) -> ScoreResponse:
    return error(405, "method-not-allowed", f"use {allowed.split(',')[0]} here", headers={"Allow": allowed})


def _base_url(environ: dict) -> str:
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST")
    if not host:
        host = environ.get("SERVER_NAME", "localhost")
        port = environ.get("SERVER_PORT")
        if port and port not in ("80", "443"):
            host = f"{host}:{port}"
    return f"{scheme}://{urlsplit('//' + host).netloc}"


__all__ = ["ScoringApp", "json_bytes"]
