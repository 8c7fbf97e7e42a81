"""Every error the API returns is JSON `{"error": {"code", "message", "details"}}`, never an HTML page."""
from __future__ import annotations

import logging
import uuid

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from canvas_store.repository import Conflict, NotFound, StaleRevision
from designer.errors import CallerError

log = logging.getLogger("designer.server")

#: Codes for the HTTP errors Flask and Werkzeug raise on their own.
_HTTP_CODES = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "payload-too-large",
    415: "unsupported-media-type",
}


class ApiError(CallerError):
    """A caller mistake (or a refusal) with the status, code, details and headers the client will see."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None,
                 headers: dict | None = None):
        super().__init__(status, code, message, details)
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, details: dict | None = None, headers=None):
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CallerError)  # ApiError, and the data catalogue's and model registry's errors
    def _caller_error(error: CallerError):
        return error_response(error.status, error.code, error.message, error.details, getattr(error, "headers", None))

    @app.errorhandler(NotFound)
    def _not_found(error: NotFound):
        return error_response(404, "not-found", f"{error.what} '{error.id}' does not exist",
                              {"what": error.what, "id": str(error.id)})

    @app.errorhandler(StaleRevision)
    def _stale(error: StaleRevision):
        return error_response(409, "stale-revision",
                              f"the graph was saved meanwhile: it is at revision {error.current_revision}, "
                              f"not {error.expected_revision}; reload it and apply your change again",
                              {"current_revision": error.current_revision,
                               "expected_revision": error.expected_revision})

    @app.errorhandler(Conflict)
    def _conflict(error: Conflict):
        return error_response(409, "conflict", str(error))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        code = _HTTP_CODES.get(status, (error.name or "error").lower().replace(" ", "-"))
        message = error.description or error.name
        details: dict = {}
        if status == 404:
            message = "no such API route or resource"
        elif status == 405:
            allowed = sorted(getattr(error, "valid_methods", None) or [])
            message = f"method not allowed here (allowed: {', '.join(allowed) or 'none'})"
            details = {"allowed": allowed}
        elif status == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH")
            message = (f"the request body is larger than the server's limit of {_size(limit)}"
                       if limit else "the request body is too large")
            details = {"limit_bytes": limit}
        headers = {k: v for k, v in error.get_headers() if k.lower() == "allow"}
        return error_response(status, code, message, details, headers)

    @app.errorhandler(Exception)
    def _bug(error: Exception):
        # A 500 is always a bug: the traceback goes to the server log, the caller gets a reference.
        reference = uuid.uuid4().hex[:12]
        log.exception("internal error (reference %s)", reference)
        return error_response(500, "internal-error",
                              f"the server hit an internal error (reference {reference}); see the server log",
                              {"reference": reference})


def _size(limit: int) -> str:
    if limit >= 1 << 20 and limit % (1 << 20) == 0:
        return f"{limit >> 20} MiB"
    if limit >= 1 << 10 and limit % (1 << 10) == 0:
        return f"{limit >> 10} KiB"
    return f"{limit} bytes"
