"""What a plan's nodes need and feed: the warm endpoint splits load-time from request-time work with it."""
from __future__ import annotations

import components
import toys  # noqa: F401  (registers the toy components)
from designer.execution.plan import downstream, make_plan, upstream
from designer.graph.document import load_graph


def plan_of(nodes, edges):
    document = {"format": "designer-graph/1", "name": "reach",
                "nodes": [{"id": i, "component": c, "params": {}} for i, c in nodes],
                "edges": [{"source": s, "source_port": "value", "target": t, "target_port": p} for s, t, p in edges]}
    return make_plan(load_graph(document), components.catalogue())


def test_upstream_and_downstream_follow_every_path_of_a_diamond_with_a_side_branch():
    plan = plan_of([("a", "toy-number"), ("b", "toy-add"), ("c", "toy-add"), ("d", "toy-add"),
                    ("side", "toy-number"), ("e", "toy-add")],
                   [("a", "b", "a"), ("a", "c", "a"), ("b", "d", "a"), ("c", "d", "b"), ("side", "e", "a"),
                    ("d", "e", "b")])

    assert upstream(plan, {"d"}) == {"a", "b", "c", "d"}
    assert upstream(plan, {"e"}) == {"a", "b", "c", "d", "side", "e"}
    assert downstream(plan, {"b"}) == {"b", "d", "e"}
    assert downstream(plan, {"side"}) == {"side", "e"}
    assert plan.order.index("a") < plan.order.index("b") < plan.order.index("d") < plan.order.index("e")
