"""The `designer-graph/1` document as immutable data, with its JSON Schema."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

FORMAT = "designer-graph/1"
SCHEMA_PATH = Path(__file__).with_name("graph-schema.json")


#: Schema messages quote the offending value; a huge value must not make a huge error.
MESSAGE_LIMIT = 300


@lru_cache(maxsize=1)
def graph_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


@lru_cache(maxsize=1)
def _schema_validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(graph_schema())


@dataclass(frozen=True)
class SchemaViolation:
    """One way a document breaks the JSON Schema: the node it is in (id, or #index), where, and what."""

    node: str | None
    path: str
    message: str


def schema_violations(document: dict, limit: int | None = None) -> list[SchemaViolation]:
    """The JSON Schema violations of `document` in document order (at most `limit`)."""
    found = []
    for error in sorted(_schema_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        path = list(error.absolute_path)
        node = None
        if len(path) >= 2 and path[0] == "nodes" and isinstance(path[1], int):
            items = document.get("nodes") or []
            item = items[path[1]] if path[1] < len(items) else None
            node = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else f"#{path[1]}"
        location = "/".join(map(str, path))
        if path[:1] == ["format"]:
            message = f"format must be '{FORMAT}'"
        else:
            text = error.message if len(error.message) <= MESSAGE_LIMIT else error.message[:MESSAGE_LIMIT] + "…"
            message = f"{location or 'document'}: {text}"
        found.append(SchemaViolation(node, location, message))
        if limit is not None and len(found) >= limit:
            break
    return found


@dataclass(frozen=True)
class PipelineParameter:
    name: str
    type: str
    default: Any = None
    description: str = ""
    choices: tuple | None = None
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Node:
    id: str
    component: str
    params: dict = field(default_factory=dict, hash=False)
    version: str | None = None
    compute: str | None = None


@dataclass(frozen=True)
class Edge:
    source: str
    source_port: str
    target: str
    target_port: str


@dataclass(frozen=True)
class Graph:
    """What the executor and validator need of a document (position and comments are canvas-only)."""

    name: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    parameters: tuple[PipelineParameter, ...] = ()
    default_compute: str | None = None
    description: str = ""

    def node(self, node_id: str) -> Node:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    @property
    def node_ids(self) -> list[str]:
        return [n.id for n in self.nodes]

    def incoming(self, node_id: str) -> dict[str, Edge]:
        """The edge into each connected input port of `node_id`."""
        return {e.target_port: e for e in self.edges if e.target == node_id}

    def parameter(self, name: str) -> PipelineParameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def load_graph(document: dict) -> Graph:
    """Build a Graph from a document that passed schema validation."""
    return Graph(
        name=document.get("name") or "Untitled pipeline",
        description=document.get("description") or "",
        default_compute=document.get("default_compute"),
        parameters=tuple(
            PipelineParameter(
                name=p["name"], type=p["type"], default=p.get("default"),
                description=p.get("description", ""),
                choices=tuple(p["choices"]) if p.get("choices") is not None else None,
                min=p.get("min"), max=p.get("max"),
            )
            for p in document.get("parameters") or ()
        ),
        nodes=tuple(
            Node(id=n["id"], component=n["component"], params=dict(n.get("params") or {}),
                 version=n.get("version"), compute=n.get("compute"))
            for n in document.get("nodes") or ()
        ),
        edges=tuple(
            Edge(e["source"], e["source_port"], e["target"], e["target_port"])
            for e in document.get("edges") or ()
        ),
    )


class GraphFileError(Exception):
    """The file could not be read as JSON at all."""


def read_graph_file(path: str | Path) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GraphFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GraphFileError(f"{path}: cannot be read ({exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise GraphFileError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
