"""Users and tokens in the store, on SQLite and PostgreSQL: hashed, unique, revocable, and racing writers safe."""
from __future__ import annotations

import threading

import pytest

from canvas_store.auth import token_hash
from canvas_store.repository import Conflict, NotFound

PASSWORD = "correct horse battery"


def test_a_token_is_found_by_itself_only_and_stored_as_its_sha256(store, dump_database):
    record, token = store.create_token("ci", "viewer")
    assert store.token_identity(token)["name"] == "ci"
    assert store.token_identity(token + "x") is None
    assert token not in dump_database(store.url) and token_hash(token) in dump_database(store.url)
    assert record["prefix"] == token[:10] and "token" not in record


def test_using_a_token_notes_when_it_was_last_used(store):
    _, token = store.create_token("ci", "viewer")
    assert store.list_tokens()[0]["last_used_at"] is None
    store.token_identity(token)
    assert store.list_tokens()[0]["last_used_at"] is not None


def test_a_token_is_revoked_by_name_or_id(store):
    record, token = store.create_token("ci", "viewer")
    _, other = store.create_token("other", "admin")
    store.revoke_token(record["id"])
    store.revoke_token("other")
    assert store.token_identity(token) is None and store.token_identity(other) is None
    with pytest.raises(NotFound):
        store.revoke_token("ci")


def test_passwords_are_checked_against_a_hash(store, dump_database):
    store.add_user("ann", "editor", PASSWORD)
    assert store.check_password("ann", PASSWORD)["role"] == "editor"
    assert store.check_password("ann", "wrong") is None
    assert store.check_password("nobody", PASSWORD) is None
    assert PASSWORD not in dump_database(store.url)


def test_changing_a_user_bumps_their_session_epoch(store):
    store.add_user("ann", "editor", PASSWORD)
    assert store.get_user("ann")["session_epoch"] == 0
    assert store.update_user("ann", role="admin")["session_epoch"] == 1
    store.update_user("ann", password="another password")
    assert store.check_password("ann", "another password")["session_epoch"] == 2
    with pytest.raises(NotFound):
        store.update_user("nobody", role="viewer")


def test_unknown_roles_are_refused(store):
    with pytest.raises(ValueError):
        store.add_user("ann", "owner", PASSWORD)
    with pytest.raises(ValueError):
        store.create_token("ci", "root")


def test_has_credentials_turns_true_with_the_first_user_or_token(store):
    assert store.has_credentials() is False
    store.create_token("ci", "viewer")
    assert store.has_credentials() is True
    store.revoke_token("ci")
    store.add_user("ann", "viewer", PASSWORD)
    assert store.has_credentials() is True


def test_two_writers_racing_for_one_name_make_one_token(store):
    results, barrier = [], threading.Barrier(2)

    def create():
        barrier.wait()
        try:
            results.append(store.create_token("ci", "viewer")[0]["name"])
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ci", "conflict"]
    assert [t["name"] for t in store.list_tokens()] == ["ci"]

