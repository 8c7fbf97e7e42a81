"""`designer tokens` and `designer users`: who may sign in, managed on a home from the command line."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from designer.cli import main
from designer.server import close_app, create_app

DESIGNER = Path(sys.executable).with_name("designer")


def console(*args, stdin: str = "") -> subprocess.CompletedProcess:
    """The real console script, in its own process."""
    return subprocess.run([str(DESIGNER), *args], input=stdin, capture_output=True, text=True, timeout=120)


@pytest.fixture
def cli(capsys, monkeypatch):
    """`designer ARGS` in this process (fast): a CompletedProcess-like result."""

    def run(*args, stdin: str = ""):
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse refusing an argument
            code = exit_.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return run


def test_tokens_create_prints_the_token_last_and_it_opens_the_api(tmp_path):
    home = str(tmp_path / "home")
    created = console("tokens", "create", "ci", "--role", "viewer", "--home", home)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("dsn_") and len(token) > 40
    app = create_app(home=home, config={"STATIC_DIST": str(tmp_path / "no-dist")})
    try:
        client = app.test_client()
        assert client.get("/api/graphs").status_code == 401
        me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json
        assert me["name"] == "ci" and me["role"] == "viewer"
    finally:
        close_app(app)


def test_tokens_list_shows_names_and_roles_but_never_a_token_and_revoke_removes_it(tmp_path, cli):
    home = str(tmp_path / "home")
    token = cli("tokens", "create", "ci", "--home", home).stdout.strip().splitlines()[-1]
    listed = cli("tokens", "list", "--home", home)
    assert "ci" in listed.stdout and "editor" in listed.stdout and token not in listed.stdout
    as_json = json.loads(cli("tokens", "list", "--json", "--home", home).stdout)
    assert [t["name"] for t in as_json["tokens"]] == ["ci"]
    assert cli("tokens", "revoke", "ci", "--home", home).returncode == 0
    assert cli("tokens", "list", "--json", "--home", home).stdout.count('"name"') == 0
    missing = cli("tokens", "revoke", "ci", "--home", home)
    assert missing.returncode == 2 and "no token named" in missing.stderr


def test_a_second_token_of_the_same_name_and_an_unknown_role_are_refused(tmp_path, cli):
    home = str(tmp_path / "home")
    assert cli("tokens", "create", "ci", "--home", home).returncode == 0
    again = cli("tokens", "create", "ci", "--home", home)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert cli("tokens", "create", "x", "--role", "owner", "--home", home).returncode == 2


def test_users_add_reads_the_password_from_stdin_and_the_user_can_sign_in(tmp_path, cli):
    home = str(tmp_path / "home")
    added = cli("users", "add", "ann", "--role", "admin", "--home", home, stdin="a long password\n")
    assert added.returncode == 0, added.stderr
    assert "ann" in cli("users", "list", "--home", home).stdout
    app = create_app(home=home, config={"STATIC_DIST": str(tmp_path / "no-dist")})
    try:
        response = app.test_client().post("/login", json={"name": "ann", "password": "a long password"})
        assert response.status_code == 200 and response.json["role"] == "admin"
    finally:
        close_app(app)
    assert cli("users", "remove", "ann", "--home", home).returncode == 0
    assert json.loads(cli("users", "list", "--json", "--home", home).stdout) == {"users": []}


def test_users_add_refuses_a_short_password_a_missing_role_and_a_duplicate(tmp_path, cli):
    home = str(tmp_path / "home")
    short = cli("users", "add", "ann", "--role", "editor", "--home", home, stdin="short\n")
    assert short.returncode == 2 and "at least 8" in short.stderr
    assert cli("users", "add", "ann", "--home", home, stdin="a long password\n").returncode == 2
    assert cli("users", "add", "ann", "--role", "editor", "--home", home, stdin="a long password\n").returncode == 0
    duplicate = cli("users", "add", "ann", "--role", "editor", "--home", home, stdin="a long password\n")
    assert duplicate.returncode == 2 and "already exists" in duplicate.stderr
    assert cli("users", "remove", "nobody", "--home", home).returncode == 2
