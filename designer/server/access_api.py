"""Who am I, and (for admins) the users and API tokens of this server, over HTTP."""
from __future__ import annotations

from flask import Blueprint, Response

from canvas_store.auth import ROLES
from designer.server.app_state import current_designer
from designer.server.auth import auth_required, csrf_token, current_identity, requires_role
from designer.server.errors import ApiError
from designer.server.payloads import field, json_object

blueprint = Blueprint("access_api", __name__)
NAME_LIMIT = 100
PASSWORD_MIN, PASSWORD_MAX = 8, 1000


@blueprint.get("/api/me")
def me():
    identity = current_identity()
    body = {**identity.to_json(), "auth_required": auth_required()}
    if identity.kind == "user":
        body["csrf_token"] = csrf_token()
    return body


def _name(body: dict, what: str) -> str:
    name = field(body, "name", str).strip()
    if not name or len(name) > NAME_LIMIT or any(c.isspace() or not c.isprintable() for c in name):
        raise ApiError(400, "invalid-field", f"a {what} name is 1-{NAME_LIMIT} printable characters without spaces",
                       {"field": "name"})
    return name


def _role(body: dict, default: str | None = None) -> str | None:
    role = field(body, "role", str, default=default)
    if role is not None and role not in ROLES:
        raise ApiError(400, "invalid-field", f"'role' must be one of {', '.join(ROLES)}", {"field": "role"})
    return role


def _password(body: dict, required: bool) -> str | None:
    password = field(body, "password", str) if required else field(body, "password", str, default=None)
    if password is None:
        return None
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ApiError(400, "invalid-field", f"a password is {PASSWORD_MIN} to {PASSWORD_MAX} characters long",
                       {"field": "password"})
    return password


def _public(user: dict) -> dict:
    return {k: v for k, v in user.items() if k != "session_epoch"}


# ---------------------------------------------------------------- users

@blueprint.get("/api/users")
@requires_role("admin")
def list_users():
    return {"users": [_public(u) for u in current_designer().store.list_users()], "roles": list(ROLES)}


@blueprint.post("/api/users")
@requires_role("admin")
def add_user():
    body = json_object()
    name, role = _name(body, "user"), _role(body)
    if role is None:
        raise ApiError(400, "missing-field", "'role' is required", {"field": "role"})
    user = current_designer().store.add_user(name, role, _password(body, required=True))
    return _public(user), 201


@blueprint.patch("/api/users/<name>")
@requires_role("admin")
def update_user(name: str):
    body = json_object()
    unknown = sorted(set(body) - {"role", "password"})
    if unknown:
        raise ApiError(400, "unknown-field", f"unknown field(s): {', '.join(unknown)} (known: role, password)",
                       {"fields": unknown})
    role = _role(body)
    if role is not None and role != "admin":
        _keep_an_admin(name)
    user = current_designer().store.update_user(name, role=role, password=_password(body, required=False))
    return _public(user)


@blueprint.delete("/api/users/<name>")
@requires_role("admin")
def remove_user(name: str):
    _keep_an_admin(name)
    current_designer().store.remove_user(name)
    return Response(status=204)


def _keep_an_admin(name: str) -> None:
    """Refuse to take the admin role from the last admin there is (nobody could manage access then)."""
    store = current_designer().store
    user = store.get_user(name)
    others = [u for u in store.list_users() if u["role"] == "admin" and u["name"] != name]
    tokens = [t for t in store.list_tokens() if t["role"] == "admin"]
    if user["role"] == "admin" and not others and not tokens:
        raise ApiError(409, "last-admin", f"'{name}' is the last admin; make another admin first",
                       {"name": name})


# ---------------------------------------------------------------- tokens

@blueprint.get("/api/tokens")
@requires_role("admin")
def list_tokens():
    return {"tokens": current_designer().store.list_tokens(), "roles": list(ROLES)}


@blueprint.post("/api/tokens")
@requires_role("admin")
def create_token():
    body = json_object()
    record, token = current_designer().store.create_token(_name(body, "token"), _role(body, default="editor"))
    return {**record, "token": token}, 201


@blueprint.delete("/api/tokens/<name>")
@requires_role("admin")
def revoke_token(name: str):
    current_designer().store.revoke_token(name)
    return Response(status=204)
