"""A left-to-right layered layout for graphs made by code (examples, inference graphs), so they open tidy."""
from __future__ import annotations

import copy

#: Canvas units between columns and rows (a node is 236 wide on the canvas).
COLUMN_WIDTH = 320
ROW_HEIGHT = 140
ORIGIN = (40, 80)


def layered(document: dict) -> dict:
    """A copy of `document` whose nodes sit in columns by dependency depth, in document order within a column.

    A source node (no inputs) sits one column before the first node it feeds, so an
    algorithm appears beside the training node it feeds rather than at the far left.
    """
    result = copy.deepcopy(document)
    nodes = [n for n in result.get("nodes", []) if isinstance(n, dict) and isinstance(n.get("id"), str)]
    ids = {n["id"] for n in nodes}
    edges = [e for e in result.get("edges", []) if isinstance(e, dict)
             and e.get("source") in ids and e.get("target") in ids]
    parents = {n["id"]: [e["source"] for e in edges if e["target"] == n["id"]] for n in nodes}
    children = {n["id"]: [e["target"] for e in edges if e["source"] == n["id"]] for n in nodes}
    depth: dict[str, int] = {}

    def depth_of(node_id: str, visiting: frozenset = frozenset()) -> int:
        if node_id not in depth:
            if node_id in visiting:  # a cycle: leave the rest where it falls
                return 0
            depth[node_id] = 1 + max((depth_of(p, visiting | {node_id}) for p in parents[node_id]), default=-1)
        return depth[node_id]

    for node in nodes:
        depth_of(node["id"])
    for node in nodes:
        node_id = node["id"]
        if not parents[node_id] and children[node_id]:
            depth[node_id] = max(0, min(depth[c] for c in children[node_id]) - 1)
    rows: dict[int, int] = {}
    for node in nodes:
        column = depth[node["id"]]
        row = rows.get(column, 0)
        rows[column] = row + 1
        node["position"] = {"x": ORIGIN[0] + column * COLUMN_WIDTH, "y": ORIGIN[1] + row * ROW_HEIGHT}
    return result
