"""Runs seen from the editor: a table output opens with rows and a column profile, "Run to here"
runs only the node's ancestors, and a long training run is cancelled from the run panel."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from canvas_gestures import Editor, iris_document, wait_for_run

pytestmark = pytest.mark.browser

IRIS_NODES = ("iris", "split", "algo", "train", "score", "eval")


def test_table_output_viewer_shows_rows_and_a_column_profile(page, live_server):
    graph_id = live_server.create_graph(iris_document(live_server))
    live_server.api("POST", f"/api/graphs/{graph_id}/runs", {})
    run = wait_for_run(live_server, graph_id)
    assert run["status"] == "completed"
    editor = Editor(page, live_server, graph_id).open()
    editor.expect_statuses({n: "completed" for n in IRIS_NODES}, timeout=15_000)

    # A produced output's port label opens it.
    editor.node("split").locator(".port-label-out", has_text="train").click()
    viewer = page.get_by_test_id("output-viewer")
    expect(viewer).to_be_visible()
    expect(viewer).to_contain_text("DataFrame")
    table = viewer.get_by_test_id("output-table")
    expect(table.locator("tbody tr")).to_have_count(50)  # the first page of 105 training rows (30 % held out)
    expect(viewer.get_by_test_id("page-range")).to_have_text(re.compile(r"1\D+50 of 105"))
    expect(table.locator("thead th", has_text="species")).to_have_count(1)
    expect(table.locator("tbody tr").first.locator("td.num").first).to_have_text(re.compile(r"^\d+(\.\d+)?$"))

    viewer.get_by_test_id("view-profile").click()
    profile = viewer.get_by_test_id("column-profile")
    expect(profile).to_be_visible()
    expect(profile.locator("tbody tr")).to_have_count(5)  # four measurements and the label
    species = profile.get_by_test_id("profile-species")
    expect(species.locator(".top-value")).to_have_count(3)  # setosa, versicolor, virginica
    measurement = profile.locator("tbody tr").first
    expect(measurement.locator(".histogram-bar").first).to_be_visible()
    expect(measurement.locator("td.num").first).to_have_text("0")  # no missing values
    low, high = (float(measurement.locator("td.num").nth(i).inner_text()) for i in (2, 3))
    assert 0 < low < high
    assert page.errors == []


def test_run_to_here_from_the_node_menu_runs_only_its_ancestors(page, live_server):
    graph_id = live_server.create_graph(iris_document(live_server))
    editor = Editor(page, live_server, graph_id).open()

    editor.node("split").locator(".pnode-title").click(button="right")
    page.get_by_test_id("menu-run-to-here").click()
    editor.expect_statuses({"iris": "completed", "split": "completed"})
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "completed")
    for node_id in ("algo", "train", "score", "eval"):
        expect(editor.node(node_id)).to_have_attribute("data-status", "idle")

    run = wait_for_run(live_server, graph_id)
    ran = {node_id for node_id, node in run["nodes"].items() if node["status"] in ("completed", "cached")}
    assert ran == {"iris", "split"}
    assert page.errors == []


def test_cancelling_a_running_training_shows_cancelled(page, live_server):
    document = live_server.example("wine-neural-network")
    network = next(n for n in document["nodes"] if n["component"] == "neural-network")
    network["params"]["epochs"] = 100_000  # far longer than the test: it must be cancelled to end
    graph_id = live_server.create_graph(document)
    editor = Editor(page, live_server, graph_id).open()
    trainer = next(n["id"] for n in document["nodes"] if n["component"] == "train-model")

    editor.submit_run()
    expect(editor.node(trainer)).to_have_attribute("data-status", "running", timeout=60_000)
    page.get_by_test_id("btn-cancel").click()
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "cancelled", timeout=30_000)
    expect(editor.node(trainer)).to_have_attribute("data-status", "cancelled")
    expect(page.get_by_test_id("btn-cancel")).to_have_count(0)
    run = wait_for_run(live_server, graph_id, timeout=10)
    assert run["status"] == "cancelled"
    assert run["nodes"][trainer]["status"] == "cancelled"
    assert page.errors == []
