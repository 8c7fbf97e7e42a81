"""What every command group of the CLI shares: exit codes, --home/--db, opening the home, errors, KEY=VALUE lists."""
from __future__ import annotations

import json
import sys

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def state_options(parser) -> None:
    """--home and --db: where the workspace's state lives."""
    parser.add_argument("--home", help="state folder (default $DESIGNER_HOME, else ./.designer)")
    parser.add_argument("--db", help="SQLAlchemy database URL (default SQLite in the home; $DESIGNER_DB_URL)")


def err(message: str) -> None:
    print(message, file=sys.stderr)


def print_json(value) -> None:
    print(json.dumps(value, indent=2, sort_keys=True, default=str))


def open_designer(args):
    """The Designer over the home `--home` / `--db` name (the caller closes it)."""
    from designer.home import Home
    from designer.service import Designer

    return Designer(Home.resolve(args.home, args.db))


def with_designer(args, action):
    """action(designer) with the home's Designer open; a NotFound is printed and is exit status 2."""
    from canvas_store.repository import NotFound

    designer = open_designer(args)
    try:
        return action(designer)
    except NotFound as exc:
        err(f"error: {exc.what} '{exc.id}' does not exist")
        return EXIT_INVALID
    finally:
        designer.close()


def read_document(path: str):
    """The graph document in file `path`, or None after printing why it cannot be read."""
    from designer.graph.document import GraphFileError, read_graph_file

    try:
        return read_graph_file(path)
    except GraphFileError as exc:
        err(f"error: {exc}")
        return None


def parse_pairs(pairs: list[str], flag: str, shape: str = "NAME=VALUE") -> dict | None:
    """{name: value} from ["a=1", "b=x"]; None after printing which one is not NAME=VALUE."""
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            err(f"error: {flag} expects {shape}, got {pair!r}")
            return None
        values[name.strip()] = value
    return values


def parse_tags(pairs: list[str]) -> dict | None:
    return parse_pairs(pairs, "--tag", "KEY=VALUE")
