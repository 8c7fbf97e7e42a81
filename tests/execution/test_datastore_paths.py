"""Read paths are part of a node's cache key, write paths are not: a graph ending in export-data comes from cache."""
from __future__ import annotations

import pandas as pd
import pytest

import toys  # noqa: F401  (registers toy-metrics for the run-summary test)
from components.ports import AnyPort
from components.roles import Role
from components.spec import Input, component
from designer.home import Home
from designer.service import Designer


@component(id="toy-judge", category="Test", inputs={"a": Input(AnyPort)}, outputs={"metrics": "Metrics"},
           roles={Role.EVALUATES})
def toy_judge(a):
    """An evaluation node whose id does not start with 'evaluate'."""
    return {"task": "test", "metrics": {"score": float(a)}, "charts": {}}


@pytest.fixture
def designer(tmp_path):
    home = Home.resolve(tmp_path / "home")
    service = Designer(home)
    service.home.datastore.mkdir(parents=True, exist_ok=True)
    yield service
    service.close()


def document(nodes, edges):
    return {"format": "designer-graph/1", "name": "paths",
            "nodes": [{"id": i, "component": c, "params": p} for i, c, p in nodes],
            "edges": [{"source": s, "source_port": sp, "target": t, "target_port": tp} for s, sp, t, tp in edges]}


def statuses(result):
    return {node_id: node.status for node_id, node in result.nodes.items()}


def test_a_graph_ending_in_export_data_is_all_cached_on_its_second_run(designer):
    graph = document([("iris", "sample-dataset", {"name": "iris"}), ("out", "export-data", {"path": "out/iris.csv"})],
                     [("iris", "dataset", "out", "dataset")])

    first = designer.run(graph)
    second = designer.run(graph)

    assert statuses(first) == {"iris": "completed", "out": "completed"}
    assert statuses(second) == {"iris": "cached", "out": "cached"}
    assert len(pd.read_csv(designer.home.datastore / "out" / "iris.csv")) == 150


def test_export_data_still_reruns_when_the_file_it_reads_changes(designer):
    source = designer.home.datastore / "rows.csv"
    source.write_text("a,b\n1,2\n")
    graph = document([("read", "import-data", {"path": "rows.csv"}), ("out", "export-data", {"path": "copy.csv"})],
                     [("read", "dataset", "out", "dataset")])
    designer.run(graph)
    assert statuses(designer.run(graph)) == {"read": "cached", "out": "cached"}

    source.write_text("a,b\n1,2\n3,4\n")
    again = designer.run(graph)

    assert statuses(again) == {"read": "completed", "out": "completed"}
    assert len(pd.read_csv(designer.home.datastore / "copy.csv")) == 2


def test_run_lists_summarise_the_nodes_that_declare_they_evaluate(designer):
    graph = document([("n", "toy-number", {"value": 3}), ("judge", "toy-judge", {}), ("plain", "toy-metrics", {})],
                     [("n", "value", "judge", "a"), ("n", "value", "plain", "a")])
    result = designer.run(graph)

    listed = next(r for r in designer.store.list_runs() if r["run_id"] == result.run_id)

    assert listed["metrics"] == {"judge": {"score": 3.0}}
