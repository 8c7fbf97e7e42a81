"""Bring your own data in the browser: drop a CSV on the Data page, register it, drag it onto a canvas,
pick the label column from its registered schema before any run, run, and see the run in its lineage."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from canvas_gestures import EMPTY_GRAPH, Editor, wait_for_run

pytestmark = pytest.mark.browser

CSV = ("sepal_length,sepal_width,species\n5.1,3.5,setosa\n4.9,3.0,setosa\n7.0,3.2,versicolor\n"
       "6.4,3.2,versicolor\n6.3,3.3,virginica\n5.8,2.7,virginica\n5.0,3.4,setosa\n6.9,3.1,versicolor\n")


def drop_file(page, target, name: str, text: str) -> None:
    """Drop one file on `target` as a person dragging it from their desktop would (dragenter/over/drop)."""
    transfer = page.evaluate_handle("""([name, text]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], name, { type: 'text/csv' }));
        return transfer;
    }""", [name, text])
    target.dispatch_event("dragover", {"dataTransfer": transfer})
    target.dispatch_event("drop", {"dataTransfer": transfer})


def test_upload_register_drag_pick_label_run_and_see_lineage(page, live_server):
    page.goto(f"{live_server.url}/#/data")
    page.get_by_test_id("nav-data").click()
    expect(page.get_by_test_id("files-empty")).to_be_visible()
    drop_file(page, page.get_by_test_id("data-dropzone"), "flowers.csv", CSV)
    row = page.get_by_test_id("file-row-flowers.csv")
    expect(row).to_be_visible()
    expect(row).to_contain_text(f"{len(CSV)} B")

    page.get_by_test_id("btn-register-flowers.csv").click()
    dialog = page.get_by_test_id("register-dialog")
    expect(page.get_by_test_id("register-name")).to_have_value("flowers")
    page.get_by_test_id("register-description").fill("Flowers measured in the field")
    page.get_by_test_id("register-tags").fill("team=botany")
    page.get_by_test_id("btn-register-confirm").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("dataset-row-flowers")).to_contain_text("v1")

    editor = Editor(page, live_server, live_server.create_graph(EMPTY_GRAPH)).open()
    data = _drop(editor, "palette-dataset-flowers", 60, 60)
    algo = editor.drop_component("logistic-regression", 420, 60)
    train = editor.drop_component("train-model", 240, 260)
    editor.connect(data, "dataset", train, "dataset")
    editor.connect(algo, "model", train, "untrained_model")
    saved = editor.wait_saved(lambda d: len(d["edges"]) == 2)
    assert next(n for n in saved["nodes"] if n["id"] == data)["params"]["dataset"] == "flowers:1"

    editor.select(train)
    label = page.get_by_test_id("param-label_column")
    expect(label.locator("option", has_text="species")).to_have_count(1)  # from the schema: nothing has run yet
    assert live_server.api("GET", f"/api/graphs/{editor.graph_id}/runs")["runs"] == []
    label.select_option("species")
    editor.wait_saved(lambda d: next(n for n in d["nodes"] if n["id"] == train)["params"].get("label_column") == "species")

    editor.submit_run()
    editor.expect_statuses({data: "completed", algo: "completed", train: "completed"})
    run_id = live_server.api("GET", f"/api/graphs/{editor.graph_id}/runs")["runs"][0]["run_id"]

    page.goto(f"{live_server.url}/#/datasets/flowers")
    expect(page.get_by_test_id("dataset-title")).to_have_text("flowers")
    expect(page.get_by_test_id("dataset-rows")).to_have_text("8")
    expect(page.get_by_test_id("dataset-schema")).to_contain_text("species")
    expect(page.get_by_test_id(f"lineage-run-{run_id}")).to_be_visible()
    assert page.errors == []


def _drop(editor: Editor, test_id: str, x: float, y: float) -> str:
    """Drag a palette entry onto the canvas; returns the new node's id."""
    page = editor.page
    before = set(editor._node_ids())
    page.get_by_test_id(test_id).drag_to(page.get_by_test_id("canvas"), target_position={"x": x, "y": y})
    expect(page.locator(".react-flow__node .pnode")).to_have_count(len(before) + 1)
    (new_id,) = set(editor._node_ids()) - before
    return new_id


def test_a_finished_runs_table_output_registers_as_a_dataset_and_appears_in_the_palette(page, live_server):
    document = {**EMPTY_GRAPH, "nodes": [{"id": "iris", "component": "sample-dataset", "params": {"name": "iris"},
                                          "position": {"x": 80, "y": 80}}]}
    graph_id = live_server.create_graph(document)
    run_id = live_server.api("POST", f"/api/graphs/{graph_id}/runs", {})["run_id"]
    assert wait_for_run(live_server, graph_id)["status"] == "completed"
    editor = Editor(page, live_server, graph_id).open()
    expect(page.get_by_test_id("palette-datasets")).not_to_contain_text("iris-sample")
    editor.select("iris")
    page.get_by_test_id("tab-outputs").click()
    page.get_by_test_id("btn-register-output-dataset").click()
    page.get_by_test_id("register-name").fill("iris-sample")
    page.get_by_test_id("btn-register-confirm").click()
    expect(page.get_by_test_id("register-dialog")).to_be_hidden()
    detail = live_server.api("GET", "/api/datasets/iris-sample/versions/1")
    assert detail["source"] == {"run_id": run_id, "node": "iris", "port": "dataset"} and detail["rows"] == 150
    page.reload()
    expect(page.get_by_test_id("palette-dataset-iris-sample")).to_contain_text("v1")
    assert page.errors == []


def test_an_admin_adds_a_folder_datastore_and_removes_it_again(page, live_server, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "kept.csv").write_text(CSV)
    page.goto(f"{live_server.url}/#/data")
    expect(page.get_by_test_id("btn-remove-datastore")).to_have_count(0)  # the workspace is the home's own
    page.get_by_test_id("btn-add-datastore").click()
    page.get_by_label("Name").fill("shared")
    page.get_by_label("Folder path").fill(str(shared))
    page.get_by_role("dialog").get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_test_id("datastore-shared")).to_be_visible()
    expect(page.get_by_test_id("file-row-kept.csv")).to_be_visible()

    page.get_by_test_id("btn-remove-datastore").click()
    page.get_by_test_id("btn-confirm").click()
    expect(page.get_by_test_id("datastore-shared")).to_have_count(0)
    expect(page.get_by_test_id("datastore-workspace")).to_have_class("store-item active")
    assert [d["name"] for d in live_server.api("GET", "/api/datastores")["datastores"]] == ["workspace"]
    assert (shared / "kept.csv").exists()
