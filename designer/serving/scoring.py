"""One scoring request from start to end: key, endpoint, JSON body, shape, score, answer, as status and JSON.

Both servers call `score_request`: the designer's Flask route and the lean WSGI
app of `designer serve-endpoint`; so they answer alike, to the byte, for every
kind of endpoint: a real-time graph, a model with its entry script, and several
deployments behind a traffic split (the one picked is named in `X-Deployment`).
It is also the one place a request starts and ends: `observers` (per-request
monitoring) are called there with the endpoint name, the status and the seconds it took.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from canvas_store.errors import NotFound
from components.row_forms import NotForRows
from components.spec import ComponentError
from components.web_service import PayloadError
from designer.serving.endpoint import DeploymentError
from designer.serving.entry_script import EndpointRetired, EntryScriptFailed, is_entry_script
from designer.serving.fast_rows import row_path_of
from designer.serving.payloads import answer, read_request
from designer.serving.traffic import is_split

#: Called as observer(endpoint name, HTTP status, seconds) when a scoring request ends (monitoring hooks here).
observers: list[Callable[[str, int, float], None]] = []
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="designer"'}


@dataclass
class ScoreResponse:
    status: int
    body: Any
    headers: dict = field(default_factory=dict)

    def json_bytes(self) -> bytes:
        return json_bytes(self.body)


def score_request(runtimes, name: str, authorization: str | None, raw: bytes, *, rows: bool = True,
                  on_inputs: Callable[[str, dict], None] | None = None) -> ScoreResponse:
    """Answer `POST /endpoints/<name>/score` with body `raw`; `rows=False` keeps every request on the table path.

    `on_inputs(name, {input: rows})` is told what a successful request scored (drift monitoring).
    """
    started = time.perf_counter()
    try:
        response = _score(runtimes, name, authorization, raw, rows, on_inputs)
    except Refused as refusal:
        response = refusal.response
    seconds = time.perf_counter() - started
    for observer in observers:
        observer(name, response.status, seconds)
    return response


def _score(runtimes, name: str, authorization: str | None, raw: bytes, rows: bool, on_inputs) -> ScoreResponse:
    key = bearer_key(authorization)
    if not runtimes.check_key(name, key):
        try:
            runtimes.store.get_endpoint(name)  # an unknown endpoint is a 404, not a 401
        except NotFound as missing:
            raise Refused(not_found(missing)) from None
        has_key = key is not None
        return error(401, "invalid-key" if has_key else "missing-key",
                     "the key is not valid for this endpoint" if has_key
                     else "this endpoint needs its key: send 'Authorization: Bearer KEY'", headers=CHALLENGE)
    return score_endpoint(runtimes, name, raw, rows=rows, on_inputs=on_inputs)


def score_endpoint(runtimes, name: str, raw: bytes, *, rows: bool = True, on_inputs=None) -> ScoreResponse:
    """Score `raw` with endpoint `name` once the caller is let in (its key, or the workspace's sign-in)."""
    deployment, endpoint = serving(runtimes, name)
    body = read_json(raw)
    if is_entry_script(endpoint.document):
        response = _run_entry_script(runtimes, name, endpoint, raw, body, rows, on_inputs)
    else:
        response = _score_graph(endpoint, name, body, rows, on_inputs)
    if deployment is not None:
        response.headers["X-Deployment"] = deployment
    return response


def serving(runtimes, name: str):
    """(deployment name or None, the runtime that answers this request): a split picks one by its traffic shares."""
    endpoint = loaded_endpoint(runtimes, name)
    if is_split(endpoint.document):
        return endpoint.pick()
    return None, endpoint


def _score_graph(endpoint, name: str, body: Any, rows: bool, on_inputs) -> ScoreResponse:
    try:
        request = read_request(body, endpoint)
        results = None
        path = row_path_of(endpoint) if rows else None
        if path is not None:
            try:
                results = path.score(request.rows)
            except NotForRows:
                results = None
        if results is None:
            results = endpoint.score(endpoint.tables_from_rows(request.rows))
    except PayloadError as exc:
        details = {k: v for k, v in (("column", exc.column), ("row", exc.row)) if v is not None}
        return error(400, exc.code, str(exc), details)
    except ComponentError as exc:
        return error(400, "scoring-failed", f"the rows could not be scored: {exc}")
    if on_inputs is not None:
        on_inputs(name, request.rows)
    return ScoreResponse(200, answer(request, endpoint, results))


#: Times a request follows an entry-script endpoint that was swapped while it waited, before it gives up.
RETIRED_RETRIES = 3


def _run_entry_script(runtimes, name: str, endpoint, raw: bytes, body: Any, rows: bool, on_inputs) -> ScoreResponse:
    """Azure ML's run(raw_data): the body as text to the warm child, its JSON back as the answer."""
    text = raw.decode("utf-8", errors="replace")  # as Flask hands it over: the body is JSON already
    for _ in range(RETIRED_RETRIES):
        try:
            return ScoreResponse(200, endpoint.run(text))
        except EndpointRetired:  # swapped after this request picked it up: the current one answers
            endpoint = serving(runtimes, name)[1]
            if not is_entry_script(endpoint.document):
                return _score_graph(endpoint, name, body, rows, on_inputs)
        except EntryScriptFailed as exc:  # 400 for the script's own error; 5xx when its process failed
            message = f"the entry script's run() failed:\n{exc.message}" if exc.status == 400 else exc.message
            return error(exc.status, exc.code, message, {"traceback": exc.traceback})
    return error(503, "endpoint-unavailable", f"endpoint '{name}' is being redeployed; try again")


def loaded_endpoint(runtimes, name: str):
    """The warm runtime (a refusal when it is unknown, or when its graph no longer loads: then it is marked)."""
    try:
        return runtimes.get(name)
    except NotFound as missing:
        raise Refused(not_found(missing)) from None
    except DeploymentError as exc:
        try:
            runtimes.store.set_endpoint_status(name, "unhealthy")
        except NotFound:
            pass
        raise Refused(error(503, "endpoint-unavailable", f"endpoint '{name}' cannot be loaded: {exc.message}",
                             exc.details)) from None


# ---------------------------------------------------------------- request and answer bytes

def bearer_key(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def read_json(raw: bytes) -> Any:
    """The parsed body: orjson when it can, else the standard library (which also takes NaN and huge integers)."""
    if not raw.strip():
        raise Refused(error(400, "missing-body", "this request needs a JSON body"))
    try:
        return _orjson_loads(raw)
    except ValueError:
        pass
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise Refused(error(400, "invalid-json", "the request body is not UTF-8 text")) from None
    except json.JSONDecodeError as exc:
        raise Refused(error(400, "invalid-json", f"the request body is not valid JSON (line {exc.lineno}, "
                             f"column {exc.colno}: {exc.msg})", {"line": exc.lineno, "column": exc.colno})) from None
    except ValueError as exc:  # an integer literal of thousands of digits
        raise Refused(error(400, "invalid-json", f"the request body is refused: {exc}")) from None
    except RecursionError:
        raise Refused(error(400, "invalid-json", "the request body is refused: it nests deeper than any "
                             "request needs")) from None


def json_bytes(value: Any) -> bytes:
    try:
        return _orjson_dumps(value)
    except TypeError:
        from designer.server.json_values import dumps

        return dumps(value, separators=(",", ":")).encode("utf-8")


def error(status: int, code: str, message: str, details: dict | None = None, headers: dict | None = None):
    return ScoreResponse(status, {"error": {"code": code, "message": message, "details": details or {}}},
                         dict(headers or {}))


def not_found(missing: NotFound) -> ScoreResponse:
    return error(404, "not-found", f"{missing.what} '{missing.id}' does not exist",
                 {"what": missing.what, "id": str(missing.id)})


class Refused(Exception):
    def __init__(self, response: ScoreResponse):
        self.response = response


try:
    import orjson

    def _orjson_loads(raw: bytes) -> Any:
        return orjson.loads(raw)

    def _orjson_dumps(value: Any) -> bytes:
        return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)
except ImportError:  # pragma: no cover - orjson is a dependency; the standard library still answers the same
    def _orjson_loads(raw: bytes) -> Any:
        raise ValueError("no orjson")

    def _orjson_dumps(value: Any) -> bytes:
        raise TypeError("no orjson")
