"""A run plan: which nodes to run, in what dependency order, with which resolved parameters and target."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import networkx as nx

from components.spec import ComponentSpec
from designer.graph.document import Graph
from designer.graph.validation import ParameterError, Problem, dependency_graph, node_params, pipeline_values


@dataclass(frozen=True)
class PlannedNode:
    node_id: str
    spec: ComponentSpec
    params: dict
    #: input port -> (source node id, source port)
    inputs: dict
    compute: str


@dataclass(frozen=True)
class RunPlan:
    graph: Graph
    nodes: dict  # node_id -> PlannedNode, only the nodes this run touches
    order: tuple  # topological order of `nodes`
    parameters: dict
    rerun: frozenset = field(default_factory=frozenset)
    #: (node id, dataset name, version) for each registered dataset the run reads (lineage).
    dataset_reads: tuple = ()


def make_plan(graph: Graph, catalogue: Mapping[str, ComponentSpec], *, parameters: Mapping[str, Any] | None = None,
              compute: str | None = None, to: str | Iterable[str] | None = None, rerun=()) -> RunPlan:
    """Plan a run of a validated graph.

    `to` (one node id or several) limits it to those nodes and what they need; `rerun`
    ignores those nodes' cache.
    """
    values = pipeline_values(graph, parameters)
    digraph = dependency_graph(graph)
    wanted = set(graph.node_ids)
    if to is not None:
        targets = [to] if isinstance(to, str) else list(dict.fromkeys(to))
        unknown = [t for t in targets if t not in wanted]
        if unknown or not targets:
            raise ParameterError([Problem(t, None, "unknown-node", f"there is no node '{t}' to run to")
                                  for t in unknown] or [Problem(None, None, "unknown-node", "no node to run to")])
        wanted = set().union(*(nx.ancestors(digraph, t) | {t} for t in targets))
    unknown = [n for n in rerun if n not in set(graph.node_ids)]
    if unknown:
        raise ParameterError([Problem(n, None, "unknown-node", f"there is no node '{n}' to re-run") for n in unknown])
    default_target = compute or graph.default_compute or "local"
    problems: list[Problem] = []
    nodes = {}
    for node_id in wanted:
        node = graph.node(node_id)
        spec = catalogue[node.component]
        params = node_params(graph, node_id, spec, values)
        for name, value in params.items():
            problem = spec.params[name].check(value)
            if problem:
                problems.append(Problem(node_id, None, problem[0], problem[1]))
        inputs = {port: (e.source, e.source_port) for port, e in graph.incoming(node_id).items()}
        # A node's own choice of target wins over the run's and the pipeline's, as in Azure ML.
        nodes[node_id] = PlannedNode(node_id, spec, params, inputs, node.compute or default_target)
    if problems:
        raise ParameterError(problems)
    order = tuple(n for n in nx.lexicographical_topological_sort(digraph) if n in wanted)
    return RunPlan(graph, nodes, order, values, frozenset(rerun))


def upstream(plan: RunPlan, node_ids) -> set[str]:
    """`node_ids` and every planned node they need, directly or not."""
    found, frontier = set(node_ids), list(node_ids)
    while frontier:
        for source, _ in plan.nodes[frontier.pop()].inputs.values():
            if source not in found and source in plan.nodes:
                found.add(source)
                frontier.append(source)
    return found


def downstream(plan: RunPlan, node_ids) -> set[str]:
    """`node_ids` and every planned node fed by them, directly or not."""
    found = set(node_ids)
    for node_id in plan.order:  # parents come first, so one pass sees every path
        if any(source in found for source, _ in plan.nodes[node_id].inputs.values()):
            found.add(node_id)
    return found
