"""What a person does in the editor, done with Playwright's real mouse and keyboard: drop components,
draw edges handle to handle, drag nodes, and read the graph the server saved."""
from __future__ import annotations

import time

from playwright.sync_api import Locator, Page, expect

EMPTY_GRAPH = {"format": "designer-graph/1", "name": "Empty", "description": "", "parameters": [],
               "default_compute": "local", "nodes": [], "edges": []}
NODE_CARDS = ".react-flow__node .pnode"


class Editor:
    """One editor page (`#/graphs/<id>`) of a live server."""

    def __init__(self, page: Page, server, graph_id: str):
        self.page = page
        self.server = server
        self.graph_id = graph_id

    # ------------------------------------------------------------------ opening and reading
    def open(self) -> "Editor":
        self.page.goto(f"{self.server.url}/#/graphs/{self.graph_id}")
        expect(self.page.get_by_test_id("canvas")).to_be_visible()
        expect(self.page.get_by_test_id("save-state")).to_have_text("Saved")
        return self

    def node(self, node_id: str) -> Locator:
        return self.page.get_by_test_id(f"node-{node_id}")

    def handle(self, node_id: str, direction: str, port: str) -> Locator:
        return self.page.get_by_test_id(f"handle-{node_id}-{direction}-{port}")

    def edges(self) -> Locator:
        return self.page.locator(".react-flow__edge")

    def document(self) -> dict:
        return self.server.api("GET", f"/api/graphs/{self.graph_id}")["document"]

    def wait_for_document(self, accept, timeout: float = 10.0, what: str = "the saved graph") -> dict:
        """Poll the server until the saved document satisfies `accept`; the save is debounced."""
        deadline = time.monotonic() + timeout
        while True:
            document = self.document()
            if accept(document):
                return document
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} never arrived on the server; last saved: {document}")
            time.sleep(0.1)

    def wait_saved(self, accept=None) -> dict:
        document = self.wait_for_document(accept or (lambda d: True))
        expect(self.page.get_by_test_id("save-state")).to_have_text("Saved")
        return document

    # ------------------------------------------------------------------ gestures
    def drop_component(self, component: str, x: float, y: float) -> str:
        """HTML5-drag a palette item onto the canvas at (x, y) relative to the canvas; returns the new node id."""
        before = set(self._node_ids())
        item = self.page.get_by_test_id(f"palette-item-{component}")
        item.drag_to(self.page.get_by_test_id("canvas"), target_position={"x": x, "y": y})
        added = self.page.locator(NODE_CARDS)
        expect(added).to_have_count(len(before) + 1)
        (new_id,) = set(self._node_ids()) - before
        return new_id

    def connect(self, source: str, source_port: str, target: str, target_port: str) -> None:
        """Press on an output handle, move the mouse in steps onto an input handle, release."""
        self.drag_between(self.handle(source, "out", source_port), self.handle(target, "in", target_port))

    def drag_between(self, start: Locator, end: Locator, steps: int = 12) -> None:
        a = _centre(start)
        b = _centre(end)
        mouse = self.page.mouse
        mouse.move(*a)
        mouse.down()
        mouse.move(a[0] + 8, a[1] + 4, steps=2)
        mouse.move(*b, steps=steps)
        mouse.up()

    def drag_node_by(self, node_id: str, dx: float, dy: float, steps: int = 10) -> None:
        """Grab a node by its title and move it by (dx, dy) screen pixels."""
        title = self.node(node_id).locator(".pnode-title")
        x, y = _centre(title)
        mouse = self.page.mouse
        mouse.move(x, y)
        mouse.down()
        mouse.move(x + dx, y + dy, steps=steps)
        mouse.up()

    def select(self, node_id: str) -> None:
        self.node(node_id).locator(".pnode-title").click()
        expect(self.page.get_by_test_id("node-panel")).to_be_visible()

    def submit_run(self) -> None:
        self.page.get_by_test_id("btn-run").click()
        self.page.get_by_test_id("btn-submit-run").click()
        expect(self.page.get_by_test_id("submit-dialog")).to_be_hidden()

    def expect_statuses(self, statuses: dict[str, str], timeout: float = 60_000) -> None:
        for node_id, status in statuses.items():
            expect(self.node(node_id)).to_have_attribute("data-status", status, timeout=timeout)

    def _node_ids(self) -> list[str]:
        return [t[len("node-"):] for t in self.page.locator(NODE_CARDS).evaluate_all(
            "cards => cards.map(c => c.dataset.testid)")]


def _centre(locator: Locator) -> tuple[float, float]:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def wait_for_run(server, graph_id: str, timeout: float = 60.0) -> dict:
    """The graph's newest run once it has finished (for runs submitted through the API)."""
    deadline = time.monotonic() + timeout
    while True:
        runs = server.api("GET", f"/api/graphs/{graph_id}/runs")["runs"]
        if runs and runs[0]["status"] not in ("queued", "running"):
            return server.api("GET", f"/api/runs/{runs[0]['run_id']}")
        if time.monotonic() > deadline:
            raise AssertionError(f"the run of {graph_id} did not finish in {timeout} s: {runs[:1]}")
        time.sleep(0.2)


# Two columns, three rows: at zoom 1 the whole iris pipeline fits the 1280x800 editor's canvas.
COMPACT_IRIS = {"iris": (0, 0), "split": (360, 0), "algo": (0, 170), "train": (360, 170),
                "score": (0, 340), "eval": (360, 340)}


def iris_document(server, *, drop_edges=()) -> dict:
    """The iris example laid out compactly, optionally without some edges ((target, target_port) pairs)."""
    document = server.example("iris-classification")
    for node in document["nodes"]:
        x, y = COMPACT_IRIS[node["id"]]
        node["position"] = {"x": x, "y": y}
    document["edges"] = [e for e in document["edges"] if (e["target"], e["target_port"]) not in set(drop_edges)]
    return document
