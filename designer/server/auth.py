"""Who may enter: one before_request hook decides, for every /api route, who is asking and whether their role may.

Credentials are `Authorization: Bearer TOKEN` (scripts, the CLI) or the session
cookie `/login` sets (browsers; state changes also need the `X-CSRF-Token` header
holding the session's CSRF token, which the browser app reads from the
`designer_csrf` cookie). Missing or bad credentials are a 401, a role that may
not do it a 403.

Default policy by method: GET/HEAD/OPTIONS need `viewer`, other methods `editor`.
A route that needs more says so:

    from designer.server.auth import requires_role

    @blueprint.post("/api/compute")
    @requires_role("admin")
    def add_target(): ...

When credentials are asked for is `DESIGNER_AUTH` in the app config: "auto"
(the default: as soon as any user or token exists), "required" (always; `serve`
sets it on a non-loopback address) or "off". Scoring (`/endpoints/...`) and
published pipelines (`/pipelines/...`) keep their own keys and are not checked here.
"""
from __future__ import annotations

import hmac
import os
import secrets
import time
from dataclasses import asdict, dataclass
from functools import wraps
from pathlib import Path
from typing import Callable

from flask import Flask, current_app, g, request, session

from canvas_store.auth import ROLES
from designer.server.app_state import current_designer
from designer.server.errors import ApiError

AUTH_MODES = ("auto", "required", "off")
CSRF_HEADER = "X-CSRF-Token"
CSRF_COOKIE = "designer_csrf"
SESSION_COOKIE = "designer_session"
SECRET_FILE = "secret_key"
#: Paths that need no sign-in: the sign-in page itself, the browser app's files, keyed routes.
OPEN_ENDPOINTS = frozenset({"login.login_page", "login.login_submit", "login.logout", "site.index",
                            "site.assets"})
KEY_PREFIXES = ("/endpoints/", "/pipelines/")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Seconds a server remembers that users or tokens exist.
CREDENTIALS_MEMORY = 2.0
_CREDENTIALS_SEEN = "designer.credentials_seen_until"
SOCKET_GATE = "designer.socket_gate"


@dataclass(frozen=True)
class Identity:
    """Who a request comes from: a signed-in user, a token, or the local user of an open server."""

    name: str
    role: str
    kind: str  # "user" | "token" | "local"

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    def to_json(self) -> dict:
        return asdict(self)


LOCAL = Identity("local", "admin", "local")


def requires_role(role: str) -> Callable:
    """Mark a view as needing at least `role` (instead of the default for its method)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")

    def mark(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args, **kwargs):
            return view(*args, **kwargs)

        checked.required_role = role
        return checked

    return mark


def auth_required(app: Flask | None = None) -> bool:
    """Whether this server asks for credentials now."""
    app = app or current_app
    mode = app.config.get("DESIGNER_AUTH", "auto")
    if mode == "off":
        return False
    if mode == "required":
        return True
    # Once someone exists the answer rarely changes back: remember a yes briefly (a no is asked each time,
    # so the first token made by the CLI takes effect at once).
    now = time.monotonic()
    if app.extensions.get(_CREDENTIALS_SEEN, 0.0) > now:
        return True
    if app.extensions["designer"].store.has_credentials():
        app.extensions[_CREDENTIALS_SEEN] = now + CREDENTIALS_MEMORY
        return True
    return False


def current_identity() -> Identity:
    """The identity of the request being served (LOCAL on a server that asks for no credentials)."""
    return g.get("identity") or LOCAL


def install_auth(app: Flask) -> None:
    mode = app.config.setdefault("DESIGNER_AUTH", "auto")
    if mode not in AUTH_MODES:
        raise ValueError(f"DESIGNER_AUTH must be one of {', '.join(AUTH_MODES)}, not {mode!r}")
    if not app.secret_key:
        app.secret_key = app.config.get("DESIGNER_SECRET_KEY") or _home_secret(app)
    app.config["SESSION_COOKIE_NAME"] = app.config.get("DESIGNER_SESSION_COOKIE", SESSION_COOKIE)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"

    @app.before_request
    def _authenticate():
        if request.path.startswith(KEY_PREFIXES) or request.endpoint in OPEN_ENDPOINTS:
            return None
        if not auth_required(app):
            g.identity = LOCAL
            return None
        g.identity = identity = authenticate()
        if identity.kind == "user" and request.method not in SAFE_METHODS:
            check_csrf()
        needed = required_role(app)
        if not identity.may(needed):
            raise ApiError(403, "forbidden", f"this needs the {needed} role; {identity.name} is {identity.role}",
                           {"required_role": needed, "role": identity.role})
        return None


def required_role(app: Flask) -> str:
    view = app.view_functions.get(request.endpoint) if request.endpoint else None
    marked = getattr(view, "required_role", None)
    if marked:
        return marked
    return "viewer" if request.method in SAFE_METHODS else "editor"


def authenticate() -> Identity:
    """The identity of the request's credentials; ApiError 401 when there are none or they are not valid."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise _unauthorized("invalid-credentials", "send 'Authorization: Bearer TOKEN'")
        record = current_designer().store.token_identity(token) if len(token) <= 200 else None
        if record is None:
            raise _unauthorized("invalid-token", "the token is not valid (revoked, or never issued)")
        return Identity(record["name"], record["role"], "token")
    user = session_user()
    if user is None:
        raise _unauthorized("unauthenticated", "sign in at /login, or send 'Authorization: Bearer TOKEN'")
    return Identity(user["name"], user["role"], "user")


def session_user() -> dict | None:
    """The user the session cookie names, while it is still valid (same password and role)."""
    name = session.get("user")
    if not isinstance(name, str):
        return None
    try:
        user = current_designer().store.get_user(name)
    except LookupError:
        return None
    if user["session_epoch"] != session.get("epoch"):
        return None
    return user


def start_session(user: dict) -> str:
    """Sign `user` in on this response: a fresh session and CSRF token; returns the token."""
    session.clear()
    session["user"] = user["name"]
    session["epoch"] = user["session_epoch"]
    session["csrf"] = token = secrets.token_urlsafe(32)
    session.permanent = False
    return token


def csrf_token() -> str | None:
    return session.get("csrf")


def check_csrf() -> None:
    expected = session.get("csrf")
    sent = request.headers.get(CSRF_HEADER) or ""
    if not expected or not hmac.compare_digest(str(expected), sent):
        raise ApiError(403, "csrf-failed", f"this change needs the '{CSRF_HEADER}' header your sign-in gave "
                       f"(the '{CSRF_COOKIE}' cookie); reload the page and try again", {"header": CSRF_HEADER})


def _unauthorized(code: str, message: str) -> ApiError:
    return ApiError(401, code, message, headers={"WWW-Authenticate": 'Bearer realm="designer"'})


def _home_secret(app: Flask) -> str:
    # Kept in the home so sessions survive a restart and every worker of one home agrees.
    home = Path(app.extensions["designer"].home.path)
    path = home / SECRET_FILE
    try:
        text = path.read_text().strip()
        if len(text) >= 32:
            return text
    except OSError:
        pass
    secret = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret)
    return secret


# ---------------------------------------------------------------- Socket.IO

class SocketGate:
    """The same rules for Socket.IO: a connection needs credentials when HTTP does (a token in the
    handshake's `auth` or Authorization header, or the session cookie), and the Host allow-list holds.
    Joining a run's room re-checks that the credentials are still good."""

    def __init__(self, app: Flask):
        self.app = app
        self._who: dict[str, tuple[Identity, dict]] = {}

    def connect(self, auth=None) -> bool:
        from flask_socketio import ConnectionRefusedError

        from designer.server.payloads import host_allowed

        if not host_allowed(self.app):
            raise ConnectionRefusedError("this server does not answer to that host name")
        if not auth_required(self.app):
            self._who[request.sid] = (LOCAL, {})
            return True
        token = auth.get("token") if isinstance(auth, dict) and isinstance(auth.get("token"), str) else None
        try:
            identity, proof = self._authenticate(token)
        except ApiError as exc:
            raise ConnectionRefusedError(exc.message) from None
        self._who[request.sid] = (identity, proof)
        return True

    def disconnect(self, *_args) -> None:
        self._who.pop(request.sid, None)

    def connected(self) -> list[Identity]:
        """Who holds a Socket.IO connection now."""
        return [identity for identity, _ in list(self._who.values())]

    def permitted(self, sid: str) -> bool:
        """Whether the client `sid` may still read runs (viewer or better, credentials still valid)."""
        entry = self._who.get(sid)
        if entry is None:
            return False
        identity, proof = entry
        if identity.kind == "local":
            return not auth_required(self.app)
        store = current_designer().store
        if identity.kind == "token":
            record = store.token_identity(proof["token"])
            return record is not None and Identity(record["name"], record["role"], "token").may("viewer")
        try:
            user = store.get_user(identity.name)
        except LookupError:
            return False
        return user["session_epoch"] == proof.get("epoch")

    def _authenticate(self, token: str | None) -> tuple[Identity, dict]:
        if token is not None:
            record = current_designer().store.token_identity(token) if len(token) <= 200 else None
            if record is None:
                raise _unauthorized("invalid-token", "the token is not valid")
            return Identity(record["name"], record["role"], "token"), {"token": token}
        header = request.headers.get("Authorization", "")
        if header:
            identity = authenticate()
            return identity, {"token": header.partition(" ")[2].strip()}
        user = session_user()
        if user is None:
            raise _unauthorized("unauthenticated", "sign in first")
        return Identity(user["name"], user["role"], "user"), {"epoch": user["session_epoch"]}


def install_socket_gate(app: Flask, socketio) -> SocketGate:
    gate = app.extensions[SOCKET_GATE] = SocketGate(app)
    socketio.on_event("connect", gate.connect)
    socketio.on_event("disconnect", gate.disconnect)
    return gate
