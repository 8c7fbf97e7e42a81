"""Column pickers downstream of the data-preparation components know the columns before a run: a SQL
query's result columns appear as the next node's choices, and follow the query as the user edits it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from canvas_gestures import Editor

pytestmark = pytest.mark.browser

QUERY = ('select species, "petal length (cm)" * "petal width (cm)" as petal_area '
         "from t1 where species <> 'setosa'")


def sql_document() -> dict:
    return {"format": "designer-graph/1", "name": "Iris through SQL", "nodes": [
        {"id": "iris", "component": "sample-dataset", "params": {"name": "iris"}, "position": {"x": 0, "y": 0}},
        {"id": "sql", "component": "apply-sql-transformation", "params": {"sql_query_script": QUERY},
         "position": {"x": 0, "y": 160}},
        {"id": "math", "component": "apply-math-operation",
         "params": {"function": "Sqrt", "column_set": "petal_area"}, "position": {"x": 0, "y": 320}},
        {"id": "select", "component": "select-columns", "params": {}, "position": {"x": 0, "y": 480}}], "edges": [
        {"source": "iris", "source_port": "dataset", "target": "sql", "target_port": "t1"},
        {"source": "sql", "source_port": "results_dataset", "target": "math", "target_port": "dataset"},
        {"source": "math", "source_port": "results_dataset", "target": "select", "target_port": "dataset"}]}


def test_the_columns_of_a_sql_query_are_picked_downstream_and_follow_edits_of_the_query(page, live_server):
    editor = Editor(page, live_server, live_server.create_graph(sql_document())).open()
    editor.select("select")
    chips = page.get_by_test_id("node-panel").locator(".chip")
    expect(chips).to_have_text(["species", "petal_area", "Sqrt(petal_area)"])
    chips.filter(has_text="Sqrt(petal_area)").click()
    editor.wait_saved(lambda d: next(n for n in d["nodes"] if n["id"] == "select")["params"].get("columns")
                      == "Sqrt(petal_area)")

    editor.select("sql")
    query = page.get_by_test_id("param-sql_query_script")
    query.fill(QUERY.replace("as petal_area", "as area"))
    expect(page.get_by_test_id("node-error-math")).to_contain_text("petal_area")
    editor.select("select")  # the math would fail, so what reaches select is unknown: no stale choices
    expect(chips).to_have_count(0)
    editor.select("sql")
    query.fill(QUERY.replace("species,", "kind,"))
    expect(page.get_by_test_id("node-error-sql")).to_contain_text("kind")
    query.fill(QUERY)
    expect(page.get_by_test_id("node-error-sql")).to_have_count(0)
    expect(page.get_by_test_id("node-error-math")).to_have_count(0)
    editor.select("select")
    expect(chips).to_have_text(["species", "petal_area", "Sqrt(petal_area)"])
    assert page.errors == []
