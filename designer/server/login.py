"""Signing in and out: the /login page (server-rendered, in the app's style), its form post, and /logout."""
from __future__ import annotations

import hmac
import secrets
import threading
import time

from flask import Blueprint, Response, current_app, jsonify, redirect, request, session
from markupsafe import escape

from designer.server.app_state import current_designer
from designer.server.auth import CSRF_COOKIE, CSRF_HEADER, auth_required, session_user, start_session
from designer.server.errors import ApiError
from designer.server.json_limits import JsonRefused, check_text
from designer.server.payloads import json_object

blueprint = Blueprint("login", __name__)
FIELD_LIMIT = 1000
THROTTLE = "designer.login_throttle"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in · Pipeline Designer</title>
<style>
:root{{--bg:#f5f6f8;--surface:#fff;--border:#e2e6ec;--text:#0f172a;--muted:#64748b;--primary:#4f46e5;
--primary-hover:#4338ca;--danger:#dc2626;--danger-soft:#fef2f2}}
*{{box-sizing:border-box}}
body{{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:var(--bg);
font:14px/1.45 Inter,'Segoe UI',system-ui,-apple-system,Roboto,Arial,sans-serif;color:var(--text)}}
.card{{width:100%;max-width:360px;background:var(--surface);border:1px solid var(--border);border-radius:10px;
padding:28px 28px 24px;box-shadow:0 4px 14px rgba(15,23,42,.08),0 1px 3px rgba(15,23,42,.06)}}
.brand{{display:flex;align-items:center;gap:10px;margin-bottom:18px;color:var(--primary);font-weight:600}}
.brand span{{color:var(--text);font-size:15px}}
h1{{font-size:20px;margin:0 0 4px;letter-spacing:-.01em}}
p.hint{{color:var(--muted);margin:0 0 18px}}
label{{display:block;font-weight:500;margin:12px 0 4px}}
input{{width:100%;padding:8px 10px;border:1px solid #cfd5de;border-radius:6px;font:inherit;background:#fff}}
input:focus{{outline:2px solid #c7d2fe;border-color:var(--primary)}}
button{{margin-top:18px;width:100%;padding:9px 12px;border:0;border-radius:6px;background:var(--primary);color:#fff;
font:inherit;font-weight:600;cursor:pointer}}
button:hover{{background:var(--primary-hover)}}
.error{{background:var(--danger-soft);color:var(--danger);border:1px solid #fecaca;border-radius:6px;padding:8px 10px;
margin-bottom:4px}}
.foot{{color:var(--muted);font-size:12px;margin-top:16px}}
code{{font-family:'JetBrains Mono',Menlo,Consolas,monospace;font-size:.92em;background:#f1f5f9;padding:1px 4px;
border-radius:4px}}
</style></head>
<body><main class="card">
<div class="brand"><svg viewBox="0 0 32 32" width="24" height="24" aria-hidden="true"><rect width="32" height="32"
rx="7" fill="currentColor"/><circle cx="10" cy="11" r="3.5" fill="#fff"/><circle cx="22" cy="21" r="3.5"
fill="#fff"/><path d="M12 13l8 6" stroke="#fff" stroke-width="2.4"/></svg><span>Pipeline Designer</span></div>
<h1>Sign in</h1>
<p class="hint">This designer is shared; sign in with the account your admin made for you.</p>
{error}
<form method="post" action="/login" data-testid="login-form">
<input type="hidden" name="csrf" value="{csrf}">
<input type="hidden" name="next" value="{next}">
<label for="name">User name</label>
<input id="name" name="name" autocomplete="username" required autofocus value="{name}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p class="foot">No account? An admin adds one with <code>designer users add NAME --role editor</code>.</p>
</main></body></html>
"""


def _safe_next(target: str | None) -> str:
    # Only a path on this server: never "//elsewhere" or "/\\elsewhere", which browsers treat as another host.
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or len(target) > FIELD_LIMIT:
        return "/"
    return target


def _page(error: str = "", name: str = "", next_url: str = "/", status: int = 200) -> Response:
    token = session.get("login_csrf") or secrets.token_urlsafe(24)
    session["login_csrf"] = token
    box = f'<div class="error" role="alert">{escape(error)}</div>' if error else ""
    html = PAGE.format(error=box, csrf=escape(token), next=escape(next_url), name=escape(name))
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    return response


@blueprint.get("/login")
def login_page():
    next_url = _safe_next(request.args.get("next"))
    if not auth_required() or session_user() is not None:
        return redirect(next_url)
    return _page(next_url=next_url)


@blueprint.post("/login")
def login_submit():
    """A form post from the page (redirects) or a JSON `{"name", "password"}` (answers JSON)."""
    if request.is_json:
        body = json_object()
        name, password = body.get("name"), body.get("password")
        if not isinstance(name, str) or not isinstance(password, str):
            raise ApiError(400, "invalid-body", "send {\"name\": ..., \"password\": ...} as strings")
        user = _check(name, password)
        if user is None:
            raise ApiError(401, "invalid-login", "that user name and password do not match")
        token = start_session(user)
        return _with_csrf_cookie(jsonify({"name": user["name"], "role": user["role"], "csrf_token": token}), token)
    form = request.form
    name, password = form.get("name", ""), form.get("password", "")
    next_url = _safe_next(form.get("next"))
    expected = session.get("login_csrf")
    if not expected or not hmac.compare_digest(str(expected), form.get("csrf", "")):
        return _page("The sign-in form expired; please try again.", name=_shown(name), next_url=next_url, status=400)
    try:
        user = _check(name, password)
    except ApiError as refused:
        return _page(refused.message[:1].upper() + refused.message[1:] + ".", name=_shown(name), next_url=next_url,
                     status=refused.status)
    if user is None:
        return _page("That user name and password do not match.", name=_shown(name), next_url=next_url, status=401)
    token = start_session(user)
    return _with_csrf_cookie(redirect(next_url, code=303), token)


@blueprint.post("/logout")
def logout():
    if session.get("user") is not None:
        sent = request.headers.get(CSRF_HEADER) or request.form.get("csrf", "")
        if not hmac.compare_digest(str(session.get("csrf") or ""), sent) or not sent:
            raise ApiError(403, "csrf-failed", f"signing out needs the '{CSRF_HEADER}' header your sign-in gave")
    session.clear()
    response = redirect("/login", code=303) if not request.is_json and request.form else Response(status=204)
    response.delete_cookie(CSRF_COOKIE)
    return response


class LoginThrottle:
    """Failed sign-ins per (client address, user name): past the limit within the window, refuse for a while."""

    def __init__(self, attempts: int = 10, window: float = 300.0):
        self.attempts, self.window = attempts, window
        self._failures: dict[tuple, list[float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, key: tuple) -> int:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(key, ()) if now - t < self.window]
            self._failures[key] = recent
            if len(recent) < self.attempts:
                return 0
            return max(1, int(self.window - (now - recent[0])))

    def failed(self, key: tuple) -> None:
        with self._lock:
            self._failures.setdefault(key, []).append(time.monotonic())
            if len(self._failures) > 10_000:  # forget the oldest keys rather than grow without end
                self._failures.pop(next(iter(self._failures)))

    def succeeded(self, key: tuple) -> None:
        with self._lock:
            self._failures.pop(key, None)


def _throttle() -> LoginThrottle:
    app = current_app
    throttle = app.extensions.get(THROTTLE)
    if throttle is None:
        throttle = app.extensions[THROTTLE] = LoginThrottle(app.config.get("DESIGNER_LOGIN_ATTEMPTS", 10))
    return throttle


def _check(name: str, password: str) -> dict | None:
    """The user if the password is theirs; ApiError 429 after too many failures from this address."""
    key = (request.remote_addr, name[:255])
    throttle = _throttle()
    wait = throttle.wait_seconds(key)
    if wait:
        raise ApiError(429, "too-many-attempts", f"too many failed sign-ins for '{name[:100]}'; "
                       f"try again in {wait} seconds", {"retry_after": wait}, headers={"Retry-After": str(wait)})
    try:
        check_text(name, limit=255)
        check_text(password, limit=FIELD_LIMIT)
    except JsonRefused:
        return None
    user = current_designer().store.check_password(name, password)
    if user is None:
        throttle.failed(key)
    else:
        throttle.succeeded(key)
    return user


def _shown(name: str) -> str:
    return name[:255].replace("\x00", "")


def _with_csrf_cookie(response: Response, token: str) -> Response:
    # Readable by the page's script (double submit): it sends it back as the X-CSRF-Token header.
    response.set_cookie(CSRF_COOKIE, token, httponly=False, samesite="Lax", secure=request.is_secure)
    return response

