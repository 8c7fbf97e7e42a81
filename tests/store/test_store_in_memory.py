"""An in-memory SQLite store (one shared connection) used from many threads at once."""
from __future__ import annotations

import threading


def test_an_in_memory_store_takes_writers_from_many_threads():
    from canvas_store.repository import Store

    store = Store("sqlite://")
    errors = []

    def work(n):
        try:
            for i in range(20):
                store.create_token(f"t{n}-{i}", "viewer")
                store.list_tokens()
        except Exception as exc:  # noqa: BLE001 - the test reports any
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    assert errors == []
