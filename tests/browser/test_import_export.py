"""A graph exported from the pipelines list and imported again through the Import button is the same graph."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_importing_an_exported_file_gives_the_same_graph_back(page, live_server, tmp_path):
    document = live_server.example("iris-classification")  # has a pipeline parameter and a {$param} link
    graph_id = live_server.create_graph(document)
    page.goto(f"{live_server.url}/#/")
    row = page.get_by_test_id(f"graph-row-{graph_id}")
    expect(row).to_be_visible()

    with page.expect_download() as download_info:
        row.get_by_test_id("btn-export").click()
    download = download_info.value
    exported_path = tmp_path / download.suggested_filename
    download.save_as(exported_path)
    assert exported_path.suffix == ".json"
    exported = json.loads(exported_path.read_text())
    assert exported["format"] == "designer-graph/1"

    with page.expect_file_chooser() as chooser_info:
        page.get_by_test_id("btn-import").click()
    chooser_info.value.set_files(exported_path)
    rows = page.locator('[data-testid^="graph-row-"]')
    expect(rows).to_have_count(2)

    (imported_id,) = {g["id"] for g in live_server.api("GET", "/api/graphs")["graphs"]} - {graph_id}
    # Imported beside the graph it came from, it gets a name the two can be told apart by.
    expect(page.get_by_test_id(f"graph-row-{imported_id}")).to_contain_text(f"{document['name']} (2)")
    original = live_server.api("GET", f"/api/graphs/{graph_id}")["document"]
    imported = live_server.api("GET", f"/api/graphs/{imported_id}")["document"]
    assert imported["name"] == f"{original['name']} (2)"
    for key in ("nodes", "edges", "parameters", "default_compute"):
        assert imported[key] == original[key], key
    assert imported["nodes"] == document["nodes"] and imported["edges"] == document["edges"]
    assert page.errors == []
