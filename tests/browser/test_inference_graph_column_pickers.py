"""After the training→inference conversion, the columns after the saved model are known in the editor: a
Select Columns added after Score Model offers `Scored Labels` (Azure ML's advice for returning only the
scored label from a real-time endpoint)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from canvas_gestures import Editor, iris_document, wait_for_run

pytestmark = pytest.mark.browser
SCORES = ["Scored Labels", "Scored Probabilities_setosa", "Scored Probabilities_versicolor",
          "Scored Probabilities_virginica"]


def test_a_select_columns_after_score_model_in_a_realtime_graph_offers_the_scored_label(page, live_server,
                                                                                          tmp_path):
    training = live_server.create_graph(iris_document(live_server))
    live_server.api("POST", f"/api/graphs/{training}/runs", {})
    assert wait_for_run(live_server, training)["status"] == "completed"
    inference = live_server.api("POST", f"/api/graphs/{training}/inference-graph", {"kind": "realtime"})["graph_id"]

    editor = Editor(page, live_server, inference).open()
    expect(editor.node("train-model")).to_be_visible()
    box = page.get_by_test_id("canvas").bounding_box()
    select = editor.drop_component("select-columns", box["width"] - 160, box["height"] - 120)
    editor.connect("score", "scored_dataset", select, "dataset")
    editor.wait_saved(lambda d: any(e["target"] == select for e in d["edges"]))
    editor.select(select)
    chips = page.get_by_test_id("node-panel").locator(".chip")
    expect(chips.filter(has_text="Scored Labels")).to_have_count(1)
    assert chips.all_inner_texts()[-4:] == SCORES
    page.screenshot(path=str(tmp_path / "inference-picker.png"))
    chips.filter(has_text="Scored Labels").click()
    editor.wait_saved(lambda d: next(n for n in d["nodes"] if n["id"] == select)["params"].get("columns")
                      == "Scored Labels")
    expect(page.get_by_test_id(f"node-error-{select}")).to_have_count(0)
    assert page.errors == []
