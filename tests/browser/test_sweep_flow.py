"""The sweep dialog → the sweep page, in real Chromium: a person sweeps a learning rate and opens the best."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sweeps"))
from graphs import iris_network  # noqa: E402

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("DESIGNER_SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_sweeping_from_the_editor_opens_the_sweep_page_with_its_trials(live_server, page):
    graph_id = live_server.create_graph(iris_network(epochs=15))
    page.goto(f"{live_server.url}/#/graphs/{graph_id}")
    expect(page.get_by_test_id("btn-sweep")).to_be_enabled()
    _shot(page, "editor")
    page.get_by_test_id("btn-sweep").click()
    dialog = page.get_by_test_id("sweep-dialog")
    expect(dialog).to_be_visible()
    expression = page.get_by_test_id("sweep-expr-learning_rate")
    expect(expression).to_have_value("loguniform(0.005, 0.5)")
    expression.fill("choice(0.05, 0.0000001)")
    page.get_by_test_id("sweep-sampling").select_option("grid")
    expect(page.get_by_test_id("sweep-metric")).to_have_value("eval.accuracy")
    page.get_by_test_id("sweep-trials").fill("2")
    page.get_by_test_id("sweep-policy").select_option("bandit")
    page.get_by_test_id("sweep-slack").fill("0.1")
    page.get_by_test_id("sweep-delay").fill("2")
    page.get_by_test_id("sweep-intermediate").select_option("train.val_accuracy")
    _shot(page, "sweep-dialog")
    page.get_by_test_id("btn-start-sweep").click()

    expect(page.get_by_test_id("sweep-page")).to_be_visible()
    expect(page.get_by_test_id("sweep-status")).to_have_attribute("data-status", "completed", timeout=90_000)
    rows = page.get_by_test_id("sweep-trials").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("sweep-trials")).to_contain_text("stopped early")
    expect(page.get_by_test_id("sweep-best")).to_contain_text("learning_rate=0.05")
    expect(page.locator(".row-best")).to_have_count(1)
    expect(page.get_by_test_id("chart-parallel").locator("canvas")).to_have_count(1)
    expect(page.get_by_test_id("chart-intermediate")).to_be_visible()
    _shot(page, "sweep-page")
    page.get_by_test_id("best-model-name").fill("swept-iris")
    page.get_by_test_id("btn-register-best").click()
    expect(page.get_by_text(re.compile(r"Registered swept-iris version 1"))).to_be_visible()
    registered = live_server.api("GET", "/api/models/swept-iris/versions/1")
    assert registered["tags"]["sweep"] and registered["run_id"]
    page.get_by_test_id("btn-inference-best").click()
    expect(page).to_have_url(re.compile(r"#/graphs/(?!" + graph_id + r")[0-9a-f]+$"))
    expect(page.get_by_test_id("graph-title")).to_have_value(re.compile("real-time inference", re.I))

    page.get_by_test_id("nav-sweeps").click()
    expect(page.get_by_test_id("sweeps-table").locator("tbody tr")).to_have_count(1)
    _shot(page, "sweeps-list")
    assert not page.errors


def test_a_bad_expression_is_shown_in_the_dialog(live_server, page):
    graph_id = live_server.create_graph(iris_network(epochs=2))
    page.goto(f"{live_server.url}/#/graphs/{graph_id}")
    page.get_by_test_id("btn-sweep").click()
    page.get_by_test_id("sweep-expr-learning_rate").fill("gaussian(0, 1)")
    page.get_by_test_id("btn-start-sweep").click()
    expect(page.get_by_test_id("sweep-problem")).to_contain_text("unknown function gaussian")
    expect(page.get_by_test_id("sweep-dialog")).to_be_visible()
