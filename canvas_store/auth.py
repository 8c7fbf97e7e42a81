"""Users and API tokens in the store: passwords kept as werkzeug hashes, tokens as their sha256."""
from __future__ import annotations

import hashlib
import secrets
import uuid

from sqlalchemy import delete, exists, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from canvas_store.auth_models import ApiToken, User
from canvas_store.db import Database, iso, utcnow
from canvas_store.errors import NotFound

#: Roles from the least to the most trusted; each may do what the ones before it may.
ROLES = ("viewer", "editor", "admin")
TOKEN_PREFIX = "dsn_"
#: Characters of a token shown in listings so its owner can recognise it.
SHOWN_PREFIX = 10
#: A password check costs the same whether or not the user exists (no user-name oracle by timing).
_DUMMY_HASH = generate_password_hash("not a password")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    return role


class AccessRecords:
    _db: Database

    # ------------------------------------------------------------ either
    def has_credentials(self) -> bool:
        """Whether any user or token exists (then the server asks everyone to sign in)."""
        with self._db.read() as session:
            return bool(session.scalar(select(exists(select(User.name)) | exists(select(ApiToken.id)))))

    # ------------------------------------------------------------ users
    def add_user(self, name: str, role: str, password: str) -> dict:
        now = utcnow()
        user = User(name=name, role=check_role(role), password_hash=generate_password_hash(password),
                    session_epoch=0, created_at=now, updated_at=now)
        self._db.add_named(user, "user")
        return _user_dict(user)

    def list_users(self) -> list[dict]:
        with self._db.read() as session:
            return [_user_dict(u) for u in session.scalars(select(User).order_by(User.name))]

    def get_user(self, name: str) -> dict:
        with self._db.read() as session:
            user = session.get(User, name)
            if user is None:
                raise NotFound("user", name)
            return _user_dict(user)

    def remove_user(self, name: str) -> None:
        with self._db.write() as session:
            if not session.execute(delete(User).where(User.name == name)).rowcount:
                raise NotFound("user", name)

    def update_user(self, name: str, *, role: str | None = None, password: str | None = None) -> dict:
        values = {"updated_at": utcnow(), "session_epoch": User.session_epoch + 1}
        if role is not None:
            values["role"] = check_role(role)
        if password is not None:
            values["password_hash"] = generate_password_hash(password)
        with self._db.write() as session:
            if not session.execute(update(User).where(User.name == name).values(**values)).rowcount:
                raise NotFound("user", name)
        return self.get_user(name)

    def check_password(self, name: str, password: str) -> dict | None:
        """The user when `password` is theirs, else None."""
        with self._db.read() as session:
            user = session.get(User, name)
            stored = user.password_hash if user is not None else _DUMMY_HASH
            matches = check_password_hash(stored, password)
            return _user_dict(user) if user is not None and matches else None

    # ------------------------------------------------------------ tokens
    def create_token(self, name: str, role: str) -> tuple[dict, str]:
        """A new token: its record and the token itself (shown this once, stored only as a hash)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = ApiToken(id=uuid.uuid4().hex, name=name, role=check_role(role), token_hash=token_hash(token),
                       prefix=token[:SHOWN_PREFIX], created_at=utcnow())
        self._db.add_named(row, "token")
        return _token_dict(row), token

    def list_tokens(self) -> list[dict]:
        with self._db.read() as session:
            return [_token_dict(t) for t in session.scalars(select(ApiToken).order_by(ApiToken.created_at))]

    def revoke_token(self, name_or_id: str) -> None:
        with self._db.write() as session:
            removed = session.execute(delete(ApiToken).where(
                or_(ApiToken.name == name_or_id, ApiToken.id == name_or_id))).rowcount
        if not removed:
            raise NotFound("token", name_or_id)

    def token_identity(self, token: str) -> dict | None:
        """The token's record when `token` is a live token, else None; notes when it was last used."""
        digest = token_hash(token)
        with self._db.read() as session:
            row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
            if row is None:
                return None
            found = _token_dict(row)
            last_used = row.last_used_at
        now = utcnow()
        if last_used is None or (now - last_used).total_seconds() > 60:  # not one write per request
            with self._db.write() as session:
                session.execute(update(ApiToken).where(ApiToken.id == found["id"]).values(last_used_at=now))
        return found


def _user_dict(user: User) -> dict:
    return {"name": user.name, "role": user.role, "session_epoch": user.session_epoch,
            "created_at": iso(user.created_at), "updated_at": iso(user.updated_at)}


def _token_dict(token: ApiToken) -> dict:
    return {"id": token.id, "name": token.name, "role": token.role, "prefix": token.prefix,
            "created_at": iso(token.created_at), "last_used_at": iso(token.last_used_at)}
