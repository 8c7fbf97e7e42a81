"""The inference graph while the conversion builds it: plain nodes and edges plus what the walk learned.

The walk (`conversion.py`) adds to it; the real-time rewrites (`realtime.py`)
finish it. Both only use what is here, so neither reaches into the other.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from components.spec import ComponentSpec

Describe = Callable[[str], Mapping[str, Any]]


@dataclass
class Draft:
    catalogue: Mapping[str, ComponentSpec]
    describe: Describe | None
    #: Ids a new node must not take (the training graph's).
    reserved: frozenset = frozenset()
    nodes: dict = field(default_factory=dict)  # id -> node of the new graph
    edges: list = field(default_factory=list)
    #: Label columns (real-time requests do not send them).
    labels: set = field(default_factory=set)
    #: web-service-input node ids, in the order they were made.
    inputs_made: list = field(default_factory=list)
    #: added node -> the training node it stands for (keeps the new graph in the training graph's order).
    origin: dict = field(default_factory=dict)
    #: web service input name -> digest of the training rows it stands for (drift monitoring compares with them).
    training_data: dict = field(default_factory=dict)

    def describe_digest(self, digest: str) -> Mapping | None:
        return self.describe(digest) if self.describe is not None else None

    def add_edge(self, source: str, source_port: str, target: str, target_port: str) -> None:
        self.edges.append({"source": source, "source_port": source_port, "target": target, "target_port": target_port})

    def free_id(self, wanted: str) -> str:
        """`wanted`, or `wanted-2`, ...: never an id the new graph or the training graph has."""
        candidate, number = wanted, 2
        while candidate in self.nodes or candidate in self.reserved:
            candidate = f"{wanted}-{number}"
            number += 1
        return candidate

    def descendants(self, roots: list[str]) -> set[str]:
        found, frontier = set(roots), list(roots)
        while frontier:
            current = frontier.pop()
            for edge in self.edges:
                if edge["source"] == current and edge["target"] not in found:
                    found.add(edge["target"])
                    frontier.append(edge["target"])
        return found

    def remove_passing_through(self, node_id: str) -> None:
        """Drop a one-input node, wiring what fed it straight to what it fed."""
        into = next((e for e in self.edges if e["target"] == node_id), None)
        del self.nodes[node_id]
        self.edges = [e for e in self.edges if e["target"] != node_id]
        for edge in self.edges:
            if edge["source"] == node_id and into is not None:
                edge["source"], edge["source_port"] = into["source"], into["source_port"]
