"""Try learners in real Chromium: the leaderboard fills in, the winner opens as a graph, and after a server restart
the table's earlier job comes back from the store; a running job can be cancelled from the dialog."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from canvas_gestures import Editor, iris_document  # noqa: E402
from conftest import LiveServer  # noqa: E402

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("DESIGNER_SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"automl-{name}.png"), full_page=True)


def _try_learners(page, server, graph_id):
    editor = Editor(page, server, graph_id).open()
    editor.select("iris")
    page.get_by_test_id("btn-try-learners").click()
    dialog = page.get_by_test_id("automl-dialog")
    expect(dialog).to_be_visible()
    return dialog


def test_try_learners_shows_the_leaderboard_and_it_comes_back_after_a_restart(live_server, page, tmp_path):
    graph_id = live_server.create_graph(iris_document(live_server))
    dialog = _try_learners(page, live_server, graph_id)
    page.get_by_test_id("automl-label").fill("species")  # a sample's columns are known once it has run
    dialog.locator("input[type=number]").fill("1")
    _shot(page, "dialog")
    page.get_by_test_id("btn-start-automl").click()
    board = page.get_by_test_id("automl-leaderboard")
    expect(board).to_be_visible()
    expect(page.get_by_test_id("automl-status")).to_have_attribute("data-status", "completed", timeout=180_000)
    expect(board.locator(".row-best")).to_have_count(1)
    learners = board.locator("tbody tr").count()
    assert learners >= 4
    best = board.locator(".row-best td").nth(1).inner_text()
    expect(board.get_by_test_id("automl-why")).to_contain_text("two-class learner")  # the SVM on three species
    _shot(page, "leaderboard")

    live_server.close()  # the server restarts on the same home
    again = LiveServer(tmp_path / "home")
    try:
        dialog = _try_learners(page, again, graph_id)
        earlier = page.get_by_test_id("automl-earlier")
        expect(earlier.locator("tbody tr")).to_have_count(1)
        expect(earlier).to_contain_text(best)
        _shot(page, "earlier-jobs")
        earlier.get_by_test_id("btn-show-automl").click()
        expect(page.get_by_test_id("automl-leaderboard").locator("tbody tr")).to_have_count(learners)
        expect(page.get_by_test_id("automl-leaderboard").locator(".row-best")).to_contain_text(best)

        # a second job on the same table, cancelled while its first learner is being tried
        page.get_by_test_id("btn-automl-new").click()
        page.get_by_test_id("automl-label").fill("species")  # a sample's columns are known once it has run
        dialog.locator("input[type=number]").fill("6")
        page.get_by_test_id("btn-start-automl").click()
        page.get_by_test_id("btn-cancel-automl").click()
        expect(page.get_by_test_id("automl-status")).to_have_attribute("data-status", "cancelled", timeout=60_000)
        expect(page.get_by_test_id("btn-open-winner")).to_have_count(0)
        _shot(page, "cancelled")
        page.get_by_test_id("btn-automl-new").click()
        expect(page.get_by_test_id("automl-earlier").locator("tbody tr")).to_have_count(2)
        dialog.get_by_role("button", name="Close", exact=True).last.click()
        expect(dialog).to_have_count(0)

        # the Sweeps page lists the workspace's jobs; the finished one opens with its winner
        page.get_by_test_id("nav-sweeps").click()
        jobs = page.get_by_test_id("automl-jobs")
        expect(jobs.locator("tbody tr")).to_have_count(2)
        expect(jobs.locator("tbody tr").nth(0)).to_contain_text("cancelled", ignore_case=True)
        expect(page.get_by_test_id("sweeps-table")).to_contain_text("automated ML (species)")
        _shot(page, "sweeps-page")
        jobs.get_by_test_id("btn-show-automl").nth(1).click()
        shown = page.get_by_test_id("automl-job-dialog")
        expect(shown.locator(".row-best")).to_contain_text(best)
        shown.get_by_test_id("btn-open-winner").click()
        expect(page).to_have_url(re.compile(r"#/graphs/(?!" + graph_id + r")[0-9a-f]+$"))
        expect(page.get_by_test_id("graph-title")).to_have_value(re.compile(r"^AutoML: "))
        expect(page.get_by_test_id("node-learner")).to_be_visible()
        _shot(page, "winner-graph")
        assert not page.errors
    finally:
        again.close()
