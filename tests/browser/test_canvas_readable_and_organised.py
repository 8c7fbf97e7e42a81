"""The canvas a newcomer trusts: examples open laid out (no edge behind a node, titles whole, readable
zoom), column pickers know the columns before a run, and graphs can be organised: groups, notes,
run selected, make component and expand; the pipelines list filters by kind and text."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from canvas_gestures import Editor, iris_document, wait_for_run

pytestmark = pytest.mark.browser
EXAMPLES = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "examples").glob("*.json"))

# Every edge path sampled every few pixels; a point strictly inside a node's card (other than the
# edge's own two nodes) means the edge is drawn behind that node.
EDGES_BEHIND_NODES = """
() => {
  const cards = Array.from(document.querySelectorAll('.react-flow__node')).map((n) => ({
    id: n.dataset.id, box: n.getBoundingClientRect() }));
  const found = [];
  document.querySelectorAll('.react-flow__edge').forEach((edge) => {
    const path = edge.querySelector('path.react-flow__edge-path');
    const [from, to] = edge.dataset.id.split('->').map((end) => end.split(':')[0]);
    // An end inside a collapsed component is drawn to the component's own node.
    const drawnAt = (end) => (cards.some((c) => c.id === end) ? [end] : cards.filter((c) => c.id.startsWith('group:')).map((c) => c.id));
    const ends = [...drawnAt(from), ...drawnAt(to)];
    const matrix = path.getScreenCTM();
    const length = path.getTotalLength();
    for (let at = 0; at <= length; at += 3) {
      const p = path.getPointAtLength(at);
      const x = matrix.a * p.x + matrix.c * p.y + matrix.e;
      const y = matrix.b * p.x + matrix.d * p.y + matrix.f;
      const hit = cards.find((c) => !ends.includes(c.id) && x > c.box.left + 2 && x < c.box.right - 2
        && y > c.box.top + 2 && y < c.box.bottom - 2);
      if (hit) { found.push(`${edge.dataset.id} behind ${hit.id}`); break; }
    }
  });
  return found;
}
"""

CUT_TITLES = """
() => Array.from(document.querySelectorAll('.pnode-title')).filter((t) => t.scrollWidth > t.clientWidth + 1
  || t.scrollHeight > t.clientHeight + 1).map((t) => t.textContent)
"""

ZOOM = """
() => new DOMMatrix(getComputedStyle(document.querySelector('.react-flow__viewport')).transform).a
"""


def overlapping_nodes(page) -> list:
    return page.evaluate("""() => {
      const boxes = Array.from(document.querySelectorAll('.react-flow__node-pipeline')).map((n) => [n.dataset.id, n.getBoundingClientRect()]);
      const out = [];
      boxes.forEach(([a, p], i) => boxes.slice(i + 1).forEach(([b, q]) => {
        if (p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom) out.push(`${a}/${b}`);
      }));
      return out;
    }""")


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_example_opens_laid_out_with_no_edge_behind_a_node_and_titles_whole(page, live_server, example):
    document = live_server.example(example)
    assert all("position" not in n for n in document["nodes"]), "examples are laid out by the canvas"
    editor = Editor(page, live_server, live_server.create_graph(document))
    page.goto(f"{live_server.url}/#/graphs/{editor.graph_id}")
    expect(page.locator(".react-flow__node-pipeline")).to_have_count(len(document["nodes"]))
    expect(page.locator(".react-flow__edge")).to_have_count(len(document["edges"]))
    expect(page.get_by_test_id("save-state")).to_have_text("Saved")
    page.wait_for_timeout(400)  # the opening fit
    assert page.evaluate(EDGES_BEHIND_NODES) == []
    assert page.evaluate(CUT_TITLES) == []
    assert overlapping_nodes(page) == []
    assert page.evaluate(ZOOM) >= 0.7, "titles and ports are legible at the zoom a graph opens at"
    saved = editor.document()
    assert all("position" in n for n in saved["nodes"]), "the layout is saved like any edit"
    assert page.errors == []


def test_auto_layout_puts_unconnected_nodes_in_rows_not_one_column(page, live_server):
    nodes = [{"id": f"n{i}", "component": "sample-dataset", "params": {"name": "iris"},
              "position": {"x": 40, "y": 40 + 10 * i}} for i in range(9)]
    graph_id = live_server.create_graph({"format": "designer-graph/1", "name": "Loose", "nodes": nodes, "edges": []})
    editor = Editor(page, live_server, graph_id).open()
    page.get_by_test_id("btn-layout").click()
    saved = editor.wait_saved(lambda d: len({n["position"]["x"] for n in d["nodes"]}) > 1)
    columns = {n["position"]["x"] for n in saved["nodes"]}
    rows = {n["position"]["y"] for n in saved["nodes"]}
    assert 2 <= len(columns) and 2 <= len(rows) <= 5
    assert overlapping_nodes(page) == []


def test_label_picker_offers_columns_before_a_run_and_a_vanished_column_is_a_node_error(page, live_server):
    editor = Editor(page, live_server, live_server.create_graph(iris_document(live_server))).open()
    editor.select("train")
    label = page.get_by_test_id("param-label_column")
    expect(label.locator("option", has_text="petal width (cm)")).to_have_count(1)
    expect(label).to_have_value("species")
    editor.select("iris")
    page.get_by_test_id("param-name").select_option("wine")
    error = page.get_by_test_id("node-error-train")
    expect(error).to_contain_text("species")
    editor.select("train")
    expect(page.get_by_test_id("param-label_column").locator("option", has_text="cultivar")).to_have_count(1)
    page.get_by_test_id("param-label_column").select_option("cultivar")
    expect(error).to_have_count(0)
    assert page.errors == []


def select_nodes(page, editor, node_ids):
    editor.node(node_ids[0]).locator(".pnode-title").click()
    for node_id in node_ids[1:]:
        editor.node(node_id).locator(".pnode-title").click(modifiers=["Control"])
    expect(page.get_by_test_id("selection-bar")).to_contain_text(f"{len(node_ids)} node")


def test_a_group_frame_moves_its_nodes_and_a_note_keeps_its_text(page, live_server):
    editor = Editor(page, live_server, live_server.create_graph(iris_document(live_server))).open()
    before = {n["id"]: n["position"] for n in editor.document()["nodes"]}
    select_nodes(page, editor, ["split", "train"])
    page.get_by_test_id("btn-group").click()
    saved = editor.wait_saved(lambda d: len(d.get("groups") or []) == 1)
    group = saved["groups"][0]
    assert sorted(group["nodes"]) == ["split", "train"]
    title = page.get_by_test_id(f"group-title-{group['id']}")
    expect(title).to_be_visible()
    box = title.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 60, steps=8)
    page.mouse.up()
    moved = editor.wait_saved(lambda d: next(n for n in d["nodes"] if n["id"] == "split")["position"] != before["split"])
    after = {n["id"]: n["position"] for n in moved["nodes"]}
    for node_id in ("split", "train"):
        assert after[node_id]["y"] - before[node_id]["y"] == after["split"]["y"] - before["split"]["y"] > 20
    assert after["iris"] == before["iris"]

    page.get_by_test_id("btn-add-note").click()
    note = page.locator("[data-testid^=note-text-]")
    note.fill("Split is stratified on species")
    saved = editor.wait_saved(lambda d: (d.get("notes") or [{}])[0].get("text") == "Split is stratified on species")
    page.reload()
    expect(page.locator("[data-testid^=note-text-]")).to_have_value("Split is stratified on species")
    assert saved["nodes"] and page.errors == []


def test_run_selected_runs_those_nodes_and_what_they_need_only(page, live_server):
    graph_id = live_server.create_graph(iris_document(live_server))
    editor = Editor(page, live_server, graph_id).open()
    select_nodes(page, editor, ["split", "algo"])
    page.get_by_test_id("btn-run-selected").click()
    run = wait_for_run(live_server, graph_id)
    assert run["status"] == "completed"
    assert set(run["nodes"]) == {"iris", "split", "algo"}
    editor.expect_statuses({"split": "completed", "algo": "completed"})
    expect(editor.node("train")).to_have_attribute("data-status", "idle")


def test_make_component_collapses_nodes_into_one_with_its_ports_and_expand_brings_them_back(page, live_server):
    graph_id = live_server.create_graph(iris_document(live_server))
    editor = Editor(page, live_server, graph_id).open()
    page.on("dialog", lambda dialog: dialog.accept("Train and score"))
    select_nodes(page, editor, ["algo", "train", "score"])
    page.get_by_test_id("btn-make-component").click()
    saved = editor.wait_saved(lambda d: len(d.get("subgraphs") or []) == 1)
    group = saved["groups"][0]
    assert group["collapsed"] and group["component"] == saved["subgraphs"][0]["id"]
    assert len(saved["nodes"]) == 6, "the nodes stay in the graph, so runs and cache keys are unchanged"
    component = page.get_by_test_id(f"component-node-{group['id']}")
    expect(component).to_contain_text("Train and score")
    expect(editor.node("train")).to_be_hidden()
    # Its own ports: the split's two tables come in, the scored table goes out.
    expect(page.get_by_test_id(f"handle-{group['id']}-in-dataset")).to_have_count(1)
    expect(page.get_by_test_id(f"handle-{group['id']}-out-scored_dataset")).to_have_count(1)
    expect(page.get_by_test_id("palette-my-components")).to_contain_text("Train and score")
    assert page.evaluate(EDGES_BEHIND_NODES) == []

    page.get_by_test_id(f"btn-expand-{group['id']}").click()
    expect(editor.node("train")).to_be_visible()
    editor.wait_saved(lambda d: d["groups"][0].get("collapsed") is False)

    page.get_by_test_id(f"palette-subgraph-{group['component']}").dblclick()
    copied = editor.wait_saved(lambda d: len(d["nodes"]) == 9)
    assert len(copied["groups"]) == 2 and copied["groups"][1]["collapsed"]
    assert page.errors == []


def test_the_pipelines_list_shows_kinds_and_filters_by_kind_and_text(page, live_server):
    training = live_server.example("iris-classification")
    live_server.create_graph(training)
    live_server.create_graph({**training, "name": "Iris scoring service", "metadata": {"inference": {"kind": "realtime"}}})
    live_server.create_graph({**live_server.example("wine-neural-network"), "name": "Wine nightly scoring",
                              "metadata": {"inference": {"kind": "batch"}}})
    page.goto(f"{live_server.url}/#/")
    rows = page.locator("tr[data-testid^=graph-row-]")
    expect(rows).to_have_count(3)
    expect(page.get_by_test_id("kind-badge")).to_have_text(["Batch", "Real-time", "Training"])
    page.get_by_test_id("filter-kind-realtime").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Iris scoring service")
    page.get_by_test_id("filter-kind-realtime").click()
    page.get_by_test_id("graph-search").fill("wine")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Wine nightly scoring")
    page.get_by_test_id("graph-search").fill("")
    page.get_by_test_id("graph-sort").select_option("name")
    expect(rows.first).to_contain_text("Iris classification")
    page.get_by_test_id("btn-new-graph").click()
    expect(page.get_by_test_id("canvas")).to_be_visible()
    assert any(g["name"] == "New pipeline" for g in live_server.api("GET", "/api/graphs")["graphs"])
    assert page.errors == []


# Each port handle against its card and its row, and each port label against its column.
PORT_GEOMETRY = """
() => {
  const out = { handles: [], labels: [] };
  document.querySelectorAll('.react-flow__node-pipeline').forEach((node) => {
    const card = node.querySelector('.pnode').getBoundingClientRect();
    node.querySelectorAll('.port-row').forEach((row) => {
      const r = row.getBoundingClientRect();
      row.querySelectorAll('.react-flow__handle').forEach((h) => {
        const b = h.getBoundingClientRect();
        const edge = h.classList.contains('react-flow__handle-left') ? card.left : card.right;
        out.handles.push({ id: h.dataset.testid, dx: b.left + b.width / 2 - edge, dy: b.top + b.height / 2 - (r.top + r.height / 2) });
      });
      row.querySelectorAll('.port-label').forEach((l) => {
        const b = l.getBoundingClientRect();
        const style = getComputedStyle(l);
        out.labels.push({ text: l.textContent, cut: l.scrollWidth > l.clientWidth + 1,
          ellipsis: style.overflowX === 'hidden' && style.textOverflow === 'ellipsis',
          inside: b.left >= card.left && b.right <= card.right, width: b.width, row: r.width });
      });
    });
  });
  return out;
}
"""


def test_port_handles_sit_on_the_card_edge_and_a_long_port_name_ends_in_an_ellipsis(page, live_server):
    editor = Editor(page, live_server, live_server.create_graph(iris_document(live_server))).open()
    expect(editor.handle("eval", "in", "scored_dataset_to_compare")).to_be_visible()
    geometry = page.evaluate(PORT_GEOMETRY)
    assert len(geometry["handles"]) == 14
    off = [h for h in geometry["handles"] if abs(h["dx"]) > 1 or abs(h["dy"]) > 1]
    assert off == [], "every handle is centred on its card's edge, level with its port's row"
    labels = {label["text"]: label for label in geometry["labels"]}
    assert all(label["inside"] for label in labels.values()), "no port name runs out of its card"
    assert all(label["ellipsis"] for label in labels.values() if label["cut"]), "a cut name shows it is cut"
    assert labels["scored_dataset_to_compare"]["cut"], "this name is wider than its half of the card"
    assert not labels["dataset"]["cut"] and not labels["model"]["cut"], "short names are shown whole"
