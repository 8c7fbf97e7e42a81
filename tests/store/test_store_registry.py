"""Compute targets and the model registry."""
from __future__ import annotations

import threading

import pytest

from canvas_store.repository import Conflict, NotFound

DIGESTS = [f"{n:02x}" * 32 for n in range(1, 5)]


def test_compute_targets_are_added_listed_and_removed(store):
    added = store.add_compute_target("cluster", "dask", {"scheduler": "tcp://10.0.0.5:8786"})
    store.add_compute_target("local", "local", {})

    assert added["name"] == "cluster" and added["kind"] == "dask"
    assert added["settings"] == {"scheduler": "tcp://10.0.0.5:8786"}
    assert [t["name"] for t in store.list_compute_targets()] == ["cluster", "local"]
    assert store.get_compute_target("cluster")["settings"]["scheduler"].startswith("tcp://")

    store.remove_compute_target("cluster")

    assert [t["name"] for t in store.list_compute_targets()] == ["local"]
    with pytest.raises(NotFound):
        store.get_compute_target("cluster")
    with pytest.raises(NotFound):
        store.remove_compute_target("cluster")


def test_duplicate_compute_target_is_a_conflict(store):
    store.add_compute_target("local", "local", {})
    with pytest.raises(Conflict):
        store.add_compute_target("local", "process", {"workers": 2})
    assert store.get_compute_target("local")["kind"] == "local"


def test_compute_status_is_updated(store):
    store.add_compute_target("cluster", "dask", {})
    store.set_compute_status("cluster", "unreachable")
    assert store.get_compute_target("cluster")["status"] == "unreachable"
    with pytest.raises(NotFound):
        store.set_compute_status("nowhere", "ready")


def test_registering_a_model_name_again_adds_the_next_version(store):
    first = store.register_model("iris-classifier", DIGESTS[0], run_id="r" * 32, node_id="train",
                                 tags={"accuracy": "0.93"})
    second = store.register_model("iris-classifier", DIGESTS[1])
    other = store.register_model("wine-forest", DIGESTS[2])

    assert (first["version"], second["version"], other["version"]) == (1, 2, 1)
    assert first == {"name": "iris-classifier", "version": 1, "digest": DIGESTS[0],
                     "tags": {"accuracy": "0.93"}, "run_id": "r" * 32, "node_id": "train",
                     "created_at": first["created_at"], "description": "", "flavor": "designer",
                     "port": None, "graph_id": None, "revision": None, "properties": {}}
    assert store.get_model("iris-classifier")["digest"] == DIGESTS[1]
    assert store.get_model("iris-classifier", 1)["tags"] == {"accuracy": "0.93"}
    assert [(m["name"], m["version"]) for m in store.list_models()] == [
        ("iris-classifier", 2), ("iris-classifier", 1), ("wine-forest", 1)]
    with pytest.raises(NotFound):
        store.get_model("iris-classifier", 3)
    with pytest.raises(NotFound):
        store.get_model("never-registered")


def test_concurrent_registrations_get_distinct_versions(store):
    start = threading.Barrier(4)
    versions = []

    def register(n):
        start.wait()
        versions.append(store.register_model("shared", DIGESTS[n])["version"])

    threads = [threading.Thread(target=register, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(versions) == [1, 2, 3, 4]
