"""`designer tokens ...` and `designer users ...`: who may sign in to a server, managed on its home."""
from __future__ import annotations

import getpass
import json
import sys

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
ROLE_CHOICES = ("viewer", "editor", "admin")
PASSWORD_MIN = 8


def add_commands(sub, state_options) -> None:
    tokens = sub.add_parser("tokens", help="API tokens for scripts and the CLI (Authorization: Bearer TOKEN)")
    tokens_sub = tokens.add_subparsers(dest="tokens_command")
    create = tokens_sub.add_parser("create", help="make a token; it is printed once, as the last line")
    create.add_argument("name")
    create.add_argument("--role", choices=ROLE_CHOICES, default="editor")
    state_options(create)
    create.set_defaults(handler=_tokens_create)
    listing = tokens_sub.add_parser("list", help="the tokens (never the tokens themselves)")
    listing.add_argument("--json", action="store_true")
    state_options(listing)
    listing.set_defaults(handler=_tokens_list)
    revoke = tokens_sub.add_parser("revoke", help="stop a token from working")
    revoke.add_argument("name", help="the token's name (or id)")
    state_options(revoke)
    revoke.set_defaults(handler=_tokens_revoke)
    tokens.set_defaults(handler=lambda args: (tokens.print_help(), EXIT_INVALID)[1])

    users = sub.add_parser("users", help="people who sign in at /login")
    users_sub = users.add_subparsers(dest="users_command")
    add = users_sub.add_parser("add", help="make a login; the password is read from stdin")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLE_CHOICES, required=True)
    state_options(add)
    add.set_defaults(handler=_users_add)
    u_list = users_sub.add_parser("list")
    u_list.add_argument("--json", action="store_true")
    state_options(u_list)
    u_list.set_defaults(handler=_users_list)
    remove = users_sub.add_parser("remove")
    remove.add_argument("name")
    state_options(remove)
    remove.set_defaults(handler=_users_remove)
    users.set_defaults(handler=lambda args: (users.print_help(), EXIT_INVALID)[1])


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _store(args):
    from canvas_store.repository import Store
    from designer.home import Home

    home = Home.resolve(args.home, args.db)
    return Store.for_home(home.path, home.db_url)


def _valid_name(name: str, what: str) -> bool:
    if not name or len(name) > 100 or any(c.isspace() or not c.isprintable() for c in name):
        _err(f"error: a {what} name is 1-100 printable characters without spaces")
        return False
    return True


# ---------------------------------------------------------------- tokens

def _tokens_create(args) -> int:
    from canvas_store.repository import Conflict

    if not _valid_name(args.name, "token"):
        return EXIT_INVALID
    with _store(args) as store:
        try:
            record, token = store.create_token(args.name, args.role)
        except Conflict:
            _err(f"error: a token named '{args.name}' already exists (revoke it first, or pick another name)")
            return EXIT_INVALID
    print(f"created token '{record['name']}' with role {record['role']}; it is shown only now:")
    print(token)
    return EXIT_OK


def _tokens_list(args) -> int:
    with _store(args) as store:
        tokens = store.list_tokens()
    if args.json:
        print(json.dumps({"tokens": tokens}, indent=2))
        return EXIT_OK
    if not tokens:
        print("no tokens")
    for t in tokens:
        print(f"{t['name']:<24} {t['role']:<7} {t['prefix']}…  created {t['created_at'][:19]}"
              f"  last used {(t['last_used_at'] or 'never')[:19]}")
    return EXIT_OK


def _tokens_revoke(args) -> int:
    from canvas_store.repository import NotFound

    with _store(args) as store:
        try:
            store.revoke_token(args.name)
        except NotFound:
            _err(f"error: no token named '{args.name}'")
            return EXIT_INVALID
    print(f"revoked token {args.name}")
    return EXIT_OK


# ---------------------------------------------------------------- users

def _read_password() -> str | None:
    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            _err("error: the passwords differ")
            return None
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < PASSWORD_MIN:
        _err(f"error: the password must be at least {PASSWORD_MIN} characters (read from stdin)")
        return None
    return password


def _users_add(args) -> int:
    from canvas_store.repository import Conflict

    if not _valid_name(args.name, "user"):
        return EXIT_INVALID
    password = _read_password()
    if password is None:
        return EXIT_INVALID
    with _store(args) as store:
        try:
            user = store.add_user(args.name, args.role, password)
        except Conflict:
            _err(f"error: a user named '{args.name}' already exists")
            return EXIT_INVALID
    print(f"added user {user['name']} ({user['role']}); they sign in at /login")
    return EXIT_OK


def _users_list(args) -> int:
    with _store(args) as store:
        users = [{k: v for k, v in u.items() if k != "session_epoch"} for u in store.list_users()]
    if args.json:
        print(json.dumps({"users": users}, indent=2))
        return EXIT_OK
    if not users:
        print("no users")
    for u in users:
        print(f"{u['name']:<24} {u['role']:<7} added {u['created_at'][:19]}")
    return EXIT_OK


def _users_remove(args) -> int:
    from canvas_store.repository import NotFound

    with _store(args) as store:
        try:
            store.remove_user(args.name)
        except NotFound:
            _err(f"error: no user named '{args.name}'")
            return EXIT_INVALID
    print(f"removed user {args.name}")
    return EXIT_OK
