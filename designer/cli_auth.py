"""`designer tokens ...` and `designer users ...`: who may sign in to a server, managed on its home."""
from __future__ import annotations

import getpass
import json
import sys
from designer.cli_common import EXIT_INVALID, EXIT_OK, err

ROLE_CHOICES = ("viewer", "editor", "admin")
PASSWORD_MIN = 8


def add_commands(sub, state_options) -> None:
    def group(name: str, help_text: str):
        parser = sub.add_parser(name, help=help_text)
        parser.set_defaults(handler=lambda args: (parser.print_help(), EXIT_INVALID)[1])
        return parser.add_subparsers(dest=f"{name}_command")

    def command(commands, name: str, handler, help_text: str | None = None, *, listing: bool = False):
        parser = commands.add_parser(name, help=help_text)
        if listing:
            parser.add_argument("--json", action="store_true")
        else:
            parser.add_argument("name")
        state_options(parser)
        parser.set_defaults(handler=handler)
        return parser

    tokens = group("tokens", "API tokens for scripts and the CLI (Authorization: Bearer TOKEN)")
    command(tokens, "create", _tokens_create, "make a token; it is printed once, as the last line") \
        .add_argument("--role", choices=ROLE_CHOICES, default="editor")
    command(tokens, "list", _tokens_list, "the tokens (never the tokens themselves)", listing=True)
    command(tokens, "revoke", _tokens_revoke, "stop a token from working (by name or id)")

    users = group("users", "people who sign in at /login")
    command(users, "add", _users_add, "make a login; the password is read from stdin") \
        .add_argument("--role", choices=ROLE_CHOICES, required=True)
    command(users, "list", _users_list, listing=True)
    command(users, "remove", _users_remove)



def _store(args):
    from canvas_store.repository import Store
    from designer.home import Home

    home = Home.resolve(args.home, args.db)
    return Store.for_home(home.path, home.db_url)


def _valid_name(name: str, what: str) -> bool:
    if not name or len(name) > 100 or any(c.isspace() or not c.isprintable() for c in name):
        err(f"error: a {what} name is 1-100 printable characters without spaces")
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
            err(f"error: a token named '{args.name}' already exists (revoke it first, or pick another name)")
            return EXIT_INVALID
    print(f"created token '{record['name']}' with role {record['role']}; it is shown only now:")
    print(token)
    return EXIT_OK


def _tokens_list(args) -> int:
    with _store(args) as store:
        tokens = store.list_tokens()
    return _listing(args, "tokens", tokens, lambda t: f"{t['name']:<24} {t['role']:<7} {t['prefix']}…  created "
                    f"{t['created_at'][:19]}  last used {(t['last_used_at'] or 'never')[:19]}")


def _tokens_revoke(args) -> int:
    return _remove(args, "token", lambda store: store.revoke_token(args.name), "revoked")


def _listing(args, what: str, rows: list[dict], line) -> int:
    if args.json:
        print(json.dumps({what: rows}, indent=2))
    elif not rows:
        print(f"no {what}")
    for row in rows if not args.json else ():
        print(line(row))
    return EXIT_OK


def _remove(args, what: str, remove, done: str) -> int:
    from canvas_store.repository import NotFound

    with _store(args) as store:
        try:
            remove(store)
        except NotFound:
            err(f"error: no {what} named '{args.name}'")
            return EXIT_INVALID
    print(f"{done} {what} {args.name}")
    return EXIT_OK


# ---------------------------------------------------------------- users

def _read_password() -> str | None:
    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            err("error: the passwords differ")
            return None
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < PASSWORD_MIN:
        err(f"error: the password must be at least {PASSWORD_MIN} characters (read from stdin)")
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
            err(f"error: a user named '{args.name}' already exists")
            return EXIT_INVALID
    print(f"added user {user['name']} ({user['role']}); they sign in at /login")
    return EXIT_OK


def _users_list(args) -> int:
    with _store(args) as store:
        users = [{k: v for k, v in u.items() if k != "session_epoch"} for u in store.list_users()]
    return _listing(args, "users", users, lambda u: f"{u['name']:<24} {u['role']:<7} added {u['created_at'][:19]}")


def _users_remove(args) -> int:
    return _remove(args, "user", lambda store: store.remove_user(args.name), "removed")
