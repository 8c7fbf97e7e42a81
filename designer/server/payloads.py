"""Reading requests: JSON-only state changes, same-origin writes, and typed access to JSON bodies and query args."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, request

from components.spec import json_kind
from designer.server.errors import ApiError

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_MISSING = object()
#: Routes authenticated by a Bearer key (no cookies), so any web page holding the key may call them.
KEY_ROUTES = ("/endpoints/", "/pipelines/")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Max-Age": "600",
}


def install_request_guards(app: Flask) -> None:
    @app.before_request
    def _guard_state_changes():
        _check_host(app)
        if request.method == "OPTIONS" and request.path.startswith(KEY_ROUTES):
            return "", 204  # a browser's CORS preflight before a keyed call
        if request.method not in STATE_CHANGING:
            return None
        _check_origin(app)
        mimetype = request.mimetype
        has_body = bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")
        if mimetype == "multipart/form-data" and request.path in app.config.get("DESIGNER_UPLOAD_PATHS", ()):
            return None
        if (mimetype or has_body) and not _is_json(mimetype):
            raise ApiError(415, "unsupported-media-type",
                           f"send JSON with 'Content-Type: application/json' (got '{mimetype or 'none'}')",
                           {"content_type": mimetype or None})
        return None


    @app.after_request
    def _allow_keyed_calls_from_any_origin(response):
        if request.path.startswith(KEY_ROUTES):
            response.headers.update(CORS_HEADERS)
        return response


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def _check_host(app: Flask) -> None:
    # A server on 127.0.0.1 answers only to loopback names, so a web page whose DNS name was rebound
    # to 127.0.0.1 cannot read or drive it.
    allowed = app.config.get("DESIGNER_ALLOWED_HOSTS")
    if allowed and urlsplit(f"//{request.host}").hostname not in allowed:
        raise ApiError(403, "unknown-host", f"this server does not answer to the host name '{request.host}'",
                       {"host": request.host})


def _check_origin(app: Flask) -> None:
    # Browsers send Origin on every cross-site write (form posts and no-cors fetches included), so
    # refusing foreign origins keeps other web pages from driving a designer on localhost.
    origin = request.headers.get("Origin")
    if not origin or request.headers.get("Authorization", "").startswith("Bearer "):
        # Key-authenticated calls (scoring, published pipelines) may come from any origin: a browser
        # only sends an Authorization header cross-site after a CORS preflight this server never grants.
        return
    if urlsplit(origin).netloc == request.host or origin in app.config.get("DESIGNER_ALLOWED_ORIGINS", ()):
        return
    raise ApiError(403, "cross-origin", f"requests from origin '{origin}' may not change state here",
                   {"origin": origin})


def json_body(*, required: bool = True) -> Any:
    """The parsed JSON body; None for an empty body when not `required`."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if required:
            raise ApiError(400, "missing-body", "this request needs a JSON body")
        return None
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise ApiError(400, "invalid-json", "the request body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ApiError(400, "invalid-json",
                       f"the request body is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                       {"line": exc.lineno, "column": exc.colno}) from None


def json_object(*, required: bool = True) -> dict:
    """The JSON body, which must be an object; {} for an empty body when not `required`."""
    body = json_body(required=required)
    if body is None and not required:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, "invalid-body", f"the body must be a JSON object, not {json_kind(body)}")
    return body


def field(body: dict, name: str, kind: type | tuple, *, default: Any = _MISSING, nullable: bool = False) -> Any:
    """`body[name]` checked against `kind` (bool is never taken for int); a missing field gets `default`."""
    if name not in body:
        if default is _MISSING:
            raise ApiError(400, "missing-field", f"'{name}' is required", {"field": name})
        return default
    value = body[name]
    if value is None and nullable:
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        expected = " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)
        raise ApiError(400, "invalid-field", f"'{name}' must be {expected}, not {json_kind(value)}",
                       {"field": name})
    return value


def query_int(name: str, default: int, *, minimum: int, maximum: int) -> int:
    text = request.args.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise ApiError(400, "invalid-query", f"query parameter '{name}' must be a whole number, got {text!r}",
                       {"parameter": name}) from None
    if not minimum <= value <= maximum:
        raise ApiError(400, "invalid-query", f"query parameter '{name}' must be between {minimum} and {maximum}",
                       {"parameter": name, "min": minimum, "max": maximum})
    return value


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
               dict: "an object", list: "an array"}


