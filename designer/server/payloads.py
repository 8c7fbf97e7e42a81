"""Reading requests: JSON-only state changes, same-origin writes, and typed access to JSON bodies and query args."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from components.spec import json_kind
from designer.server.errors import ApiError
from designer.server.json_limits import JsonRefused, check_text, parse_json

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_MISSING = object()
#: Routes authenticated by a Bearer key (no cookies), so any web page holding the key may call them.
KEY_ROUTES = ("/endpoints/", "/pipelines/")
#: Endpoints that take an HTML form post rather than JSON.
FORM_ENDPOINTS = frozenset({"login.login_submit", "login.logout"})
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
        _check_url_values()
        if request.method == "OPTIONS" and request.path.startswith(KEY_ROUTES):
            return "", 204  # a browser's CORS preflight before a keyed call
        if request.method not in STATE_CHANGING:
            return None
        _check_origin(app)
        if request.endpoint in FORM_ENDPOINTS:
            return None  # the sign-in form posts a form and checks its own token
        mimetype = request.mimetype
        has_body = bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")
        if mimetype == "multipart/form-data" and _takes_uploads(app):
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


def takes_uploads(view):
    """Mark a view that reads a multipart/form-data body (file uploads) instead of JSON."""
    view.takes_uploads = True
    return view


def _takes_uploads(app: Flask) -> bool:
    view = app.view_functions.get(request.endpoint) if request.endpoint else None
    return bool(getattr(view, "takes_uploads", False))


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def host_allowed(app: Flask) -> bool:
    """Whether the request's Host is one this server answers to (HTTP and Socket.IO alike)."""
    # A server on 127.0.0.1 answers only to loopback names, so a web page whose DNS name was rebound
    # to 127.0.0.1 cannot read or drive it.
    allowed = app.config.get("DESIGNER_ALLOWED_HOSTS")
    if not allowed:
        return True
    try:
        return urlsplit(f"//{request.host}").hostname in allowed
    except ValueError:  # a Host header that is not a host at all
        return False


def _check_host(app: Flask) -> None:
    if not host_allowed(app):
        raise ApiError(403, "unknown-host", f"this server does not answer to the host name '{request.host}'",
                       {"host": request.host})


def _check_origin(app: Flask) -> None:
    # Browsers send Origin on every cross-site write (form posts and no-cors fetches included), so
    # refusing foreign origins keeps other web pages from driving a designer on localhost.
    origin = request.headers.get("Origin")
    if not origin or request.path.startswith(KEY_ROUTES):
        # Key-authenticated calls (scoring, published pipelines) may come from any origin. Everything else
        # is checked whatever headers it carries: a Bearer header is no proof of where a request came from.
        return
    if urlsplit(origin).netloc == request.host or origin in app.config.get("DESIGNER_ALLOWED_ORIGINS", ()):
        return
    raise ApiError(403, "cross-origin", f"requests from origin '{origin}' may not change state here",
                   {"origin": origin})


def _check_url_values() -> None:
    # Path parameters and query arguments reach the store and the file system: refuse NUL bytes and
    # absurd lengths here rather than as a database or OS error later.
    for name, number in (request.view_args or {}).items():
        if isinstance(number, int) and not -INT64 <= number < INT64:
            # No revision or version is that large; the store's integer columns could not even hold it.
            raise ApiError(404, "not-found", f"there is no {name} {number}", {name: str(number)})
    values = [("path", v) for v in (request.view_args or {}).values() if isinstance(v, str)]
    values += [("query", v) for v in request.args.values()]
    for where, value in values:
        try:
            check_text(value, limit=URL_VALUE_LIMIT)
        except JsonRefused as exc:
            raise ApiError(400, "invalid-url", f"a {where} value of this URL is refused: {exc}",
                           {"where": where}) from None


#: Integer path parameters (revisions, versions) are stored as signed 64-bit numbers.
INT64 = 1 << 63
#: The longest path parameter or query value accepted (ids and names are far shorter).
URL_VALUE_LIMIT = 2000


def _body_bytes() -> bytes:
    """The raw body; a streamed (chunked) body longer than the limit is a 413, not a cut-off text."""
    cached = g.get("_designer_body")
    if cached is not None:
        return cached
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    environ = request.environ
    if request.content_length is not None or "wsgi.input_terminated" not in environ or not limit:
        raw = request.get_data(cache=True)
    else:
        stream, parts, size = environ["wsgi.input"], [], 0
        while True:
            part = stream.read(min(1 << 16, limit + 1 - size))
            if not part:
                break
            parts.append(part)
            size += len(part)
            if size > limit:
                raise RequestEntityTooLarge()
        raw = b"".join(parts)
    g._designer_body = raw
    return raw


def json_body(*, required: bool = True) -> Any:
    """The parsed JSON body; None for an empty body when not `required`.

    Refused with a 400 (see json_limits): NaN and infinities, nesting deeper than a document needs,
    integer literals too long to be a number, lone surrogates, NUL bytes and over-long strings.
    """
    raw = _body_bytes()
    if not raw.strip():
        if required:
            raise ApiError(400, "missing-body", "this request needs a JSON body")
        return None
    try:
        return parse_json(raw)
    except UnicodeDecodeError:
        raise ApiError(400, "invalid-json", "the request body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ApiError(400, "invalid-json",
                       f"the request body is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                       {"line": exc.lineno, "column": exc.colno}) from None
    except JsonRefused as exc:
        raise ApiError(400, "invalid-json", f"the request body is refused: {exc}", exc.details) from None


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
    if isinstance(value, int) and not isinstance(value, bool):
        low, high = RECORD_NUMBER if name in RECORD_NUMBER_FIELDS else WHOLE_NUMBER
        if not low <= value <= high:
            # Numbers reach database integer columns; a larger one cannot name a record or be stored.
            raise ApiError(400, "invalid-field", f"'{name}' is out of range ({low} to {high})",
                           {"field": name, "min": low, "max": high})
    return value


#: What a whole-number field may hold: a signed 64-bit integer (SQLite's), and for the fields that
#: name a revision or version, a signed 32-bit one (the size of those columns).
WHOLE_NUMBER = (-(2**63), 2**63 - 1)
RECORD_NUMBER = (-(2**31), 2**31 - 1)
RECORD_NUMBER_FIELDS = frozenset({"revision", "version", "pipeline_version", "default_version"})


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


