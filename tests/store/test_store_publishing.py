"""Published pipelines and real-time endpoints: versions, defaults, and keys stored only as hashes."""
from __future__ import annotations

import pytest

from canvas_store.repository import Conflict, NotFound


@pytest.fixture
def graph(store, make_document):
    return store.create_graph(make_document("Batch scoring"))


def test_publishing_creates_version_one_and_shows_the_key_once(store, graph):
    published = store.publish_pipeline(graph["id"], 1, graph["document"])

    assert published["version"] == 1 and published["name"] == "Batch scoring"
    assert len(published["key"]) >= 43
    pipeline = store.get_pipeline(published["pipeline_id"])
    assert pipeline["default_version"] == 1 and pipeline["enabled"] is True
    assert pipeline["versions"] == [{"version": 1, "graph_id": graph["id"], "revision": 1,
                                     "created_at": pipeline["versions"][0]["created_at"]}]
    assert "key" not in pipeline and "key_hash" not in pipeline
    assert store.check_pipeline_key(published["pipeline_id"], published["key"])
    assert not store.check_pipeline_key(published["pipeline_id"], published["key"] + "x")
    assert not store.check_pipeline_key(published["pipeline_id"], "")
    assert not store.check_pipeline_key("0" * 32, published["key"])


def test_publishing_again_adds_a_version_without_a_new_key(store, graph, make_document):
    first = store.publish_pipeline(graph["id"], 1, graph["document"], name="scoring")
    store.update_graph(graph["id"], make_document("Batch scoring v2"), expected_revision=1)
    second = store.publish_pipeline(graph["id"], 2, make_document("Batch scoring v2"),
                                    pipeline_id=first["pipeline_id"])

    assert second == {"pipeline_id": first["pipeline_id"], "version": 2, "name": "scoring"}
    assert store.check_pipeline_key(first["pipeline_id"], first["key"])
    assert store.get_pipeline_version(first["pipeline_id"])["version"] == 1  # default unchanged
    latest = store.get_pipeline_version(first["pipeline_id"], 2)
    assert latest["document"]["name"] == "Batch scoring v2" and latest["revision"] == 2

    store.set_default_pipeline_version(first["pipeline_id"], 2)

    assert store.get_pipeline_version(first["pipeline_id"])["version"] == 2
    assert [v["version"] for v in store.get_pipeline(first["pipeline_id"])["versions"]] == [1, 2]
    with pytest.raises(NotFound):
        store.set_default_pipeline_version(first["pipeline_id"], 9)
    with pytest.raises(NotFound):
        store.get_pipeline_version(first["pipeline_id"], 9)
    with pytest.raises(NotFound):
        store.publish_pipeline(graph["id"], 2, graph["document"], pipeline_id="0" * 32)


def test_pipelines_can_be_disabled_listed_and_rekeyed(store, graph):
    published = store.publish_pipeline(graph["id"], 1, graph["document"])
    store.set_pipeline_enabled(published["pipeline_id"], False)
    listed = store.list_pipelines()
    assert [(p["pipeline_id"], p["enabled"], p["latest_version"]) for p in listed] == [
        (published["pipeline_id"], False, 1)]

    new_key = store.rotate_pipeline_key(published["pipeline_id"])

    assert new_key != published["key"]
    assert store.check_pipeline_key(published["pipeline_id"], new_key)
    assert not store.check_pipeline_key(published["pipeline_id"], published["key"])
    with pytest.raises(NotFound):
        store.rotate_pipeline_key("0" * 32)
    with pytest.raises(NotFound):
        store.get_pipeline("0" * 32)


def test_pipeline_runs_point_at_their_pipeline(store, graph):
    published = store.publish_pipeline(graph["id"], 1, graph["document"])
    run_id = store.create_run(graph["document"], graph_id=graph["id"], revision=1, kind="pipeline",
                              pipeline_id=published["pipeline_id"], pipeline_version=1)
    run = store.get_run(run_id)
    assert (run["pipeline_id"], run["pipeline_version"], run["kind"]) == (
        published["pipeline_id"], 1, "pipeline")


def test_endpoint_lifecycle_with_key_check_and_rotation(store, graph):
    created = store.create_endpoint("iris-scorer", graph["id"], 1, graph["document"])

    assert created["name"] == "iris-scorer" and created["key"]
    endpoint = store.get_endpoint("iris-scorer")
    assert "key" not in endpoint and "key_hash" not in endpoint
    assert endpoint["document"] == graph["document"] and endpoint["revision"] == 1
    assert store.check_endpoint_key("iris-scorer", created["key"])
    assert not store.check_endpoint_key("iris-scorer", "wrong")
    assert not store.check_endpoint_key("nope", created["key"])

    store.set_endpoint_status("iris-scorer", "unhealthy")
    rotated = store.rotate_endpoint_key("iris-scorer")

    assert store.list_endpoints()[0]["status"] == "unhealthy"
    assert not store.check_endpoint_key("iris-scorer", created["key"])
    assert store.check_endpoint_key("iris-scorer", rotated)

    store.delete_endpoint("iris-scorer")

    assert store.list_endpoints() == []
    for call in (lambda: store.get_endpoint("iris-scorer"),
                 lambda: store.delete_endpoint("iris-scorer"),
                 lambda: store.rotate_endpoint_key("iris-scorer"),
                 lambda: store.set_endpoint_status("iris-scorer", "healthy")):
        with pytest.raises(NotFound):
            call()


def test_duplicate_endpoint_name_is_a_conflict(store, graph):
    first = store.create_endpoint("scorer", graph["id"], 1, graph["document"])
    with pytest.raises(Conflict):
        store.create_endpoint("scorer", graph["id"], 1, graph["document"])
    assert store.check_endpoint_key("scorer", first["key"])


def test_plaintext_keys_are_stored_nowhere(store, graph, db_url, dump_database, tmp_path):
    keys = [store.publish_pipeline(graph["id"], 1, graph["document"])["key"],
            store.create_endpoint("scorer", graph["id"], 1, graph["document"])["key"]]
    pipeline_id = store.list_pipelines()[0]["pipeline_id"]
    keys.append(store.rotate_pipeline_key(pipeline_id))
    keys.append(store.rotate_endpoint_key("scorer"))

    dump = dump_database(db_url)
    assert "scorer" in dump and pipeline_id in dump  # the dump does see the records
    raw_files = b"".join(p.read_bytes() for p in tmp_path.glob("designer.db*"))
    for key in keys:
        assert key not in dump
        assert key.encode() not in raw_files
