"""Edits made in the editor are undone and redone exactly, autosaved for good, never silently
overwrite another tab's edits, and user text on a node is shown as text, never run."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from canvas_gestures import Editor, iris_document

pytestmark = pytest.mark.browser

FREE_SPOT = (296, 568)  # canvas pixels below the compact iris pipeline, clear of the controls and minimap


def test_undo_and_redo_restore_the_exact_saved_graph(page, live_server):
    graph_id = live_server.create_graph(iris_document(live_server, drop_edges=[("eval", "scored_dataset")]))
    editor = Editor(page, live_server, graph_id).open()
    original = editor.document()

    editor.drag_node_by("algo", 0, 50)
    editor.connect("score", "scored_dataset", "eval", "scored_dataset")
    expect(editor.edges()).to_have_count(6)
    added = editor.drop_component("normalize-data", *FREE_SPOT)
    editor.select("split")
    page.get_by_test_id("param-seed").fill("42")
    edited = editor.wait_saved(lambda d: len(d["nodes"]) == 7 and len(d["edges"]) == 6
                               and next(n for n in d["nodes"] if n["id"] == "split")["params"]["seed"] == 42)
    algo = next(n for n in edited["nodes"] if n["id"] == "algo")
    assert 40 <= algo["position"]["y"] - original["nodes"][2]["position"]["y"] <= 60
    assert added in {n["id"] for n in edited["nodes"]}

    undo = page.get_by_test_id("btn-undo")
    for _ in range(4):
        undo.click()
    expect(undo).to_be_disabled()
    expect(editor.node(added)).to_have_count(0)
    expect(editor.edges()).to_have_count(5)
    assert editor.wait_saved(lambda d: d == original) == original

    redo = page.get_by_test_id("btn-redo")
    for _ in range(4):
        redo.click()
    expect(redo).to_be_disabled()
    expect(editor.node(added)).to_be_visible()
    assert editor.wait_saved(lambda d: d == edited) == edited
    assert page.errors == []


def test_reload_keeps_autosaved_edits(page, live_server):
    graph_id = live_server.create_graph(iris_document(live_server, drop_edges=[("eval", "scored_dataset")]))
    editor = Editor(page, live_server, graph_id).open()
    added = editor.drop_component("select-columns", *FREE_SPOT)
    editor.connect("score", "scored_dataset", "eval", "scored_dataset")
    expect(page.get_by_test_id("save-state")).to_have_text("Saved")
    editor.wait_saved(lambda d: len(d["nodes"]) == 7 and len(d["edges"]) == 6)

    page.reload()
    expect(editor.node(added)).to_be_visible()
    expect(editor.node(added)).to_contain_text("Select Columns")
    expect(editor.edges()).to_have_count(6)
    expect(page.locator('.react-flow__edge[data-id="score:scored_dataset->eval:scored_dataset"]')).to_have_count(1)
    expect(page.get_by_test_id("save-state")).to_have_text("Saved")
    assert page.errors == []


def test_a_stale_tab_gets_the_conflict_banner_instead_of_overwriting(page, live_server):
    graph_id = live_server.create_graph(iris_document(live_server))
    first = Editor(page, live_server, graph_id).open()
    second = Editor(page.context.new_page(), live_server, graph_id).open()

    # Switch tabs as a person would (a background tab gets no animation frames).
    page.bring_to_front()
    first.drag_node_by("algo", 0, 40)
    saved = first.wait_saved(lambda d: next(n for n in d["nodes"] if n["id"] == "algo")["position"]["y"] > 200)

    second.page.bring_to_front()
    second.drag_node_by("iris", 0, 40)
    banner = second.page.get_by_test_id("conflict-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("changed in another tab")
    expect(second.page.get_by_test_id("save-state")).to_have_text("Conflict")
    expect(second.page.get_by_test_id("btn-run")).to_be_disabled()
    assert first.document() == saved  # the first tab's edit was not overwritten

    # Reloading takes the other tab's version and editing resumes.
    second.page.get_by_test_id("btn-reload").click()
    expect(banner).to_be_hidden()
    expect(second.page.get_by_test_id("save-state")).to_have_text("Saved")
    expect(second.page.get_by_test_id("btn-run")).to_be_enabled()
    assert page.errors == []


def test_a_node_comment_with_markup_is_shown_as_text_and_runs_nothing(page, live_server):
    payload = "<img src=x onerror=alert(1)>"
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    graph_id = live_server.create_graph(iris_document(live_server))
    editor = Editor(page, live_server, graph_id).open()

    editor.select("split")
    page.get_by_test_id("node-comment-input").press_sequentially(payload)
    comment = page.get_by_test_id("node-comment-split")
    expect(comment).to_have_text(payload)
    assert comment.text_content() == payload
    expect(editor.node("split").locator("img")).to_have_count(0)
    editor.wait_saved(lambda d: next(n for n in d["nodes"] if n["id"] == "split").get("comment") == payload)

    # Read back from the server on a fresh page too: still text, no element made from it.
    page.reload()
    expect(comment).to_have_text(payload)
    assert comment.text_content() == payload
    assert editor.node("split").locator("img").count() == 0
    assert page.locator('img[src="x"]').count() == 0
    assert dialogs == []
    assert page.errors == []
