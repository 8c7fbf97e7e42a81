"""A pipeline built from an empty canvas with the mouse runs, shows its metrics and reruns from cache;
bad connections are refused on the spot and validation problems land on the node that has them."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from canvas_gestures import EMPTY_GRAPH, Editor, iris_document

pytestmark = pytest.mark.browser

# Where each component is dropped (canvas pixels): two columns, three rows, all in view at zoom 1.
LEFT, RIGHT = 140, 520
ROWS = (50, 230, 410)


def test_build_iris_by_mouse(page, live_server):
    editor = Editor(page, live_server, live_server.create_graph(EMPTY_GRAPH)).open()
    expect(page.get_by_test_id("canvas-empty")).to_be_visible()

    iris = editor.drop_component("sample-dataset", LEFT, ROWS[0])
    split = editor.drop_component("split-data", RIGHT, ROWS[0])
    algo = editor.drop_component("logistic-regression", LEFT, ROWS[1])
    train = editor.drop_component("train-model", RIGHT, ROWS[1])
    score = editor.drop_component("score-model", LEFT, ROWS[2])
    evaluate = editor.drop_component("evaluate-model", RIGHT, ROWS[2])
    expect(page.get_by_test_id("canvas-empty")).to_be_hidden()

    wiring = [
        (iris, "dataset", split, "dataset"),
        (split, "train", train, "dataset"),
        (algo, "model", train, "untrained_model"),
        (split, "test", score, "dataset"),
        (train, "trained_model", score, "trained_model"),
        (score, "scored_dataset", evaluate, "scored_dataset"),
    ]
    for count, (source, source_port, target, target_port) in enumerate(wiring, start=1):
        editor.connect(source, source_port, target, target_port)
        expect(editor.edges()).to_have_count(count)
        expect(page.locator(f'.react-flow__edge[data-id="{source}:{source_port}->{target}:{target_port}"]')).to_have_count(1)

    # sample-dataset's name is iris by default; only the label column needs setting.
    editor.select(iris)
    expect(page.get_by_test_id("param-name")).to_have_value("iris")
    editor.select(train)
    # Before any run the label column is picked from the columns the sample dataset will have.
    label = page.get_by_test_id("param-label_column")
    expect(label.locator("option", has_text="species")).to_have_count(1)
    label.select_option("species")
    saved = editor.wait_saved(lambda d: len(d["edges"]) == 6 and _node(d, train)["params"].get("label_column") == "species")
    assert sorted(n["component"] for n in saved["nodes"]) == sorted(
        ["sample-dataset", "split-data", "logistic-regression", "train-model", "score-model", "evaluate-model"])
    expect(page.get_by_test_id(f"node-error-{train}")).to_have_count(0)

    nodes = [iris, split, algo, train, score, evaluate]
    editor.submit_run()
    editor.expect_statuses({n: "completed" for n in nodes})
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "completed")

    editor.select(evaluate)
    page.get_by_test_id("tab-outputs").click()
    page.get_by_test_id("btn-view-output-metrics").click()
    viewer = page.get_by_test_id("output-viewer")
    accuracy = viewer.get_by_test_id("metric-accuracy")
    expect(accuracy).to_have_text(re.compile(r"^[01](\.\d+)?$"))
    assert float(accuracy.inner_text()) >= 0.9
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()

    editor.submit_run()
    editor.expect_statuses({n: "cached" for n in nodes})
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "completed")
    assert page.errors == []


def test_incompatible_connection_is_refused_and_a_missing_input_is_shown_on_its_node(page, live_server):
    graph_id = live_server.create_graph(iris_document(live_server, drop_edges=[("train", "dataset")]))
    editor = Editor(page, live_server, graph_id).open()
    expect(editor.edges()).to_have_count(5)

    # The unconnected input is reported on train-model, and only there.
    expect(page.get_by_test_id("node-error-train")).to_be_visible()
    expect(page.get_by_test_id("node-error-train")).to_contain_text("dataset")
    expect(page.locator('[data-testid^="node-error-"]')).to_have_count(1)
    page.get_by_test_id("btn-validate").click()
    expect(page.get_by_test_id("validation-summary")).to_have_text(re.compile("1 problem"))

    # Metrics cannot feed a DataFrame input: the drop is refused with the reason, and no edge appears.
    editor.connect("eval", "metrics", "train", "dataset")
    refusal = page.get_by_test_id("connection-refused")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("Type mismatch")
    expect(refusal).to_contain_text("Metrics")
    expect(refusal).to_contain_text("DataFrame")
    # Nor can a trained model feed evaluate-model's free table input.
    editor.connect("train", "trained_model", "eval", "scored_dataset_to_compare")
    expect(refusal).to_contain_text("TrainedModel")
    expect(editor.edges()).to_have_count(5)
    expect(page.get_by_test_id("save-state")).to_have_text("Saved")
    assert len(editor.document()["edges"]) == 5

    # Wiring the right output clears the problem.
    editor.connect("split", "train", "train", "dataset")
    expect(editor.edges()).to_have_count(6)
    expect(page.get_by_test_id("node-error-train")).to_have_count(0)
    editor.wait_saved(lambda d: len(d["edges"]) == 6)
    assert page.errors == []


def _node(document: dict, node_id: str) -> dict:
    return next(n for n in document["nodes"] if n["id"] == node_id)
