"""Executor semantics: caching, failure isolation, cancellation, partial runs, parallelism."""
from __future__ import annotations

import threading
import time
import uuid

import pytest

import components
import toys
from canvas_store.artifacts import ArtifactStore
from designer.compute.local import LocalTarget
from designer.execution.executor import Executor
from designer.execution.plan import make_plan
from designer.graph.document import load_graph
from designer.graph.validation import ParameterError, validate


def graph(nodes, edges, parameters=()):
    document = {
        "format": "designer-graph/1", "name": "test", "parameters": list(parameters),
        "nodes": [{"id": i, "component": c, "params": p} for i, c, p in nodes],
        "edges": [{"source": s, "source_port": sp, "target": t, "target_port": tp} for s, sp, t, tp in edges],
    }
    assert validate(document, components.catalogue()) == []
    return document


@pytest.fixture
def executor(tmp_path):
    target = LocalTarget("local", workers=4)
    yield Executor(ArtifactStore(tmp_path / "store"), {"local": target})
    target.close()


def run(executor, document, events=None, **options):
    plan = make_plan(load_graph(document), components.catalogue(), **options)
    return executor.run(plan, uuid.uuid4().hex, (events.append if events is not None else None))


def diamond(offset=0):
    return graph(
        [("a", "toy-number", {"value": 2, "label": "a"}), ("b", "toy-number", {"value": 3, "label": "b"}),
         ("sum", "toy-add", {"label": "sum", "offset": offset}), ("double", "toy-add", {"label": "double"})],
        [("a", "value", "sum", "a"), ("b", "value", "sum", "b"),
         ("sum", "value", "double", "a"), ("sum", "value", "double", "b")])


def test_run_computes_outputs_in_dependency_order(executor):
    result = run(executor, diamond())
    assert result.status == "completed"
    assert executor.store.get(result.nodes["double"].outputs["value"]) == 10


def test_second_run_with_same_inputs_reruns_nothing(executor):
    run(executor, diamond())
    before = dict(toys.CALLS)
    result = run(executor, diamond())
    assert {n.status for n in result.nodes.values()} == {"cached"}
    assert all(n.cached for n in result.nodes.values())
    assert dict(toys.CALLS) == before


def test_cache_survives_a_restart(tmp_path):
    first = Executor(ArtifactStore(tmp_path / "store"), {"local": LocalTarget()})
    run(first, diamond())
    again = Executor(ArtifactStore(tmp_path / "store"), {"local": LocalTarget()})
    result = run(again, diamond())
    assert {n.status for n in result.nodes.values()} == {"cached"}


def test_changing_one_param_reruns_only_that_node_and_its_descendants(executor):
    run(executor, diamond())
    result = run(executor, diamond(offset=1))
    statuses = {n: r.status for n, r in result.nodes.items()}
    assert statuses == {"a": "cached", "b": "cached", "sum": "completed", "double": "completed"}
    assert executor.store.get(result.nodes["double"].outputs["value"]) == 12


def test_node_position_and_id_do_not_change_the_cache_key(executor):
    first = run(executor, diamond())
    document = diamond()
    document["nodes"][0]["position"] = {"x": 500, "y": 9}
    second = run(executor, document)
    assert second.nodes["a"].cache_key == first.nodes["a"].cache_key
    assert second.nodes["a"].status == "cached"


def test_failing_node_fails_only_its_descendants_and_other_branches_finish(executor):
    document = graph(
        [("bad", "toy-fail", {}), ("after", "toy-add", {"label": "after-bad"}),
         ("good", "toy-number", {"value": 5, "label": "good"}), ("good2", "toy-add", {"label": "good2"})],
        [("bad", "value", "after", "a"), ("good", "value", "good2", "a")])
    result = run(executor, document)
    assert result.status == "failed"
    assert result.nodes["bad"].status == "failed"
    assert result.nodes["bad"].error == "column 'x' does not exist"
    assert "ComponentError" in result.nodes["bad"].traceback
    assert result.nodes["after"].status == "skipped"
    assert result.nodes["good2"].status == "completed"


def test_a_component_bug_is_a_node_error_with_its_traceback(executor):
    result = run(executor, graph([("bad", "toy-fail", {"kind": "bug"})], []))
    assert result.nodes["bad"].status == "failed"
    assert result.nodes["bad"].error.startswith("KeyError")
    assert "toy_fail" in result.nodes["bad"].traceback


def test_cancel_stops_the_running_node_and_queued_ones(executor):
    document = graph([("slow", "toy-sleep", {"seconds": 5.0, "label": "cancel"}), ("next", "toy-add", {})],
                     [("slow", "value", "next", "a")])
    events = []
    plan = make_plan(load_graph(document), components.catalogue())
    holder = {}
    thread = threading.Thread(target=lambda: holder.update(result=executor.run(plan, "cancel-run", events.append)))
    thread.start()
    deadline = time.time() + 5
    while not any(e.get("event") == "node.progress" for e in events) and time.time() < deadline:
        time.sleep(0.01)
    assert executor.cancel("cancel-run")
    thread.join(10)
    result = holder["result"]
    assert result.status == "cancelled"
    assert result.nodes["slow"].status == "cancelled"
    assert result.nodes["next"].status == "cancelled"
    assert result.nodes["slow"].seconds < 4


def test_run_to_a_node_runs_only_what_it_needs(executor):
    result = run(executor, diamond(), to="sum")
    assert set(result.nodes) == {"a", "b", "sum"}


def test_rerun_ignores_the_cache_for_that_node(executor):
    run(executor, diamond())
    calls = toys.CALLS["add:sum"]
    result = run(executor, diamond(), rerun=("sum",))
    assert result.nodes["sum"].status == "completed"
    assert toys.CALLS["add:sum"] == calls + 1
    # Same output bytes, so its descendant is still served from cache.
    assert result.nodes["double"].status == "cached"


def test_independent_branches_overlap_in_time(executor):
    document = graph([("left", "toy-sleep", {"seconds": 0.4, "label": "left"}),
                      ("right", "toy-sleep", {"seconds": 0.4, "label": "right"})], [])
    result = run(executor, document)
    left, right = result.nodes["left"], result.nodes["right"]
    assert left.started_at < right.finished_at and right.started_at < left.finished_at


def test_events_follow_the_contract(executor):
    events = []
    document = graph([("slow", "toy-sleep", {"seconds": 0.1, "label": "events"}), ("m", "toy-metrics", {})],
                     [("slow", "value", "m", "a")])
    result = run(executor, document, events)
    kinds = [e["event"] for e in events]
    assert kinds[0] == "run.status" and kinds[-1] == "run.status"
    assert events[-1]["status"] == "completed"
    statuses = [e["status"] for e in events if e["event"] == "node.status" and e["node_id"] == "slow"]
    assert statuses == ["queued", "running", "completed"]
    assert any(e["event"] == "node.progress" and 0 <= e["fraction"] <= 1 for e in events)
    assert any(e["event"] == "node.log" and "slept" in e["text"] for e in events)
    assert all("run_id" in e for e in events)
    assert result.nodes["m"].metrics == {"value": 1.0}


def test_pipeline_parameters_reach_the_node_and_the_cache_key(executor):
    document = graph([("n", "toy-number", {"value": {"$param": "v"}})], [],
                     parameters=[{"name": "v", "type": "int", "default": 4}])
    first = run(executor, document)
    assert executor.store.get(first.nodes["n"].outputs["value"]) == 4
    second = run(executor, document, parameters={"v": "9"})
    assert executor.store.get(second.nodes["n"].outputs["value"]) == 9
    assert second.nodes["n"].cache_key != first.nodes["n"].cache_key


def test_bad_run_parameters_are_refused_before_running(executor):
    document = graph([("n", "toy-number", {"value": {"$param": "v"}})], [],
                     parameters=[{"name": "v", "type": "int", "default": 4}])
    with pytest.raises(ParameterError) as caught:
        make_plan(load_graph(document), components.catalogue(), parameters={"v": "four", "w": 1})
    codes = {p.code for p in caught.value.problems}
    assert codes == {"parameter-type", "unknown-pipeline-parameter"}


def test_unknown_compute_target_fails_the_run_at_submission(executor):
    document = diamond()
    document["nodes"][0]["compute"] = "nowhere"
    result = run(executor, document)
    assert result.status == "failed"
    assert "nowhere" in result.error
    assert all(n.status == "skipped" for n in result.nodes.values())


class UnreachableTarget(LocalTarget):
    """A target whose cluster is down: it says so when asked, and must never be given work."""

    def check_available(self):
        from designer.compute.base import TargetUnavailable

        self.asked = getattr(self, "asked", 0) + 1
        raise TargetUnavailable("cannot reach the cluster")


def test_a_fully_cached_run_never_asks_its_target_for_work(tmp_path):
    store = ArtifactStore(tmp_path / "store")
    run(Executor(store, {"local": LocalTarget()}), diamond())
    down = UnreachableTarget("down")
    result = run(Executor(store, {"local": LocalTarget(), "down": down}), diamond(), compute="down")
    assert result.status == "completed"
    assert {n.status for n in result.nodes.values()} == {"cached"}
    assert getattr(down, "asked", 0) == 0


def test_an_unreachable_target_fails_the_run_when_a_node_needs_it(tmp_path):
    store = ArtifactStore(tmp_path / "store")
    run(Executor(store, {"local": LocalTarget()}), diamond())
    down = UnreachableTarget("down")
    result = run(Executor(store, {"local": LocalTarget(), "down": down}), diamond(offset=5), compute="down")
    assert result.status == "failed" and result.error == "cannot reach the cluster"
    statuses = {n: r.status for n, r in result.nodes.items()}
    assert statuses == {"a": "cached", "b": "cached", "sum": "skipped", "double": "skipped"}
    assert result.nodes["sum"].error == "cannot reach the cluster"


def test_a_table_read_back_from_memory_equals_one_read_from_disk(tmp_path):
    import pandas as pd

    from components.ports import DataFrame, with_roles

    frame = with_roles(pd.DataFrame({"a": [1.5, None], "b": ["x", "y"]}, index=[7, 3]), label="b")
    frame.attrs["scratch"] = "not part of the artifact"
    writer = ArtifactStore(tmp_path / "store")
    digest = writer.put(DataFrame, frame)
    from_memory = writer.get(digest)
    from_disk = ArtifactStore(tmp_path / "store").get(digest)
    pd.testing.assert_frame_equal(from_memory, from_disk)
    assert from_memory.attrs == from_disk.attrs
    from_memory.loc[7, "a"] = 99.0  # a component editing its input harms no later reader
    assert writer.get(digest).loc[7, "a"] == 1.5


def test_editing_a_datastore_file_reruns_the_node_that_reads_it(tmp_path):
    datastore = tmp_path / "datastore"
    datastore.mkdir()
    (datastore / "rows.csv").write_text("a,b\n1,2\n")
    executor = Executor(ArtifactStore(tmp_path / "store"), {"local": LocalTarget()}, datastore=str(datastore))
    document = graph([("read", "import-data", {"path": "rows.csv"})], [])
    first = run(executor, document)
    assert first.nodes["read"].status == "completed"
    assert run(executor, document).nodes["read"].status == "cached"
    (datastore / "rows.csv").write_text("a,b\n1,2\n3,4\n")
    again = run(executor, document)
    assert again.nodes["read"].status == "completed"
    assert len(executor.store.get(again.nodes["read"].outputs["dataset"])) == 2
