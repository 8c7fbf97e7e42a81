"""What changed between two graph documents: nodes, edges, parameters added, removed and changed (pure)."""
from __future__ import annotations

from typing import Any

#: Node fields that are not about what the node computes (the canvas position is layout only).
_LAYOUT_FIELDS = ("position",)


def _edge_key(edge: dict) -> tuple:
    return (edge.get("source"), edge.get("source_port"), edge.get("target"), edge.get("target_port"))


def _edge_json(key: tuple) -> dict:
    return dict(zip(("source", "source_port", "target", "target_port"), key))


def _nodes(document: dict) -> dict[str, dict]:
    return {n["id"]: n for n in (document or {}).get("nodes") or [] if isinstance(n, dict) and "id" in n}


def _changes(old: dict, new: dict) -> dict[str, dict]:
    """{key: {"old", "new"}} for every key whose value differs (a missing key is None)."""
    return {key: {"old": old.get(key), "new": new.get(key)}
            for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)}


def diff_documents(old: dict, new: dict) -> dict:
    """The changes that turn `old` into `new`.

    {"nodes": {"added": [node], "removed": [node], "changed": [{"id", "component"?, "params": {name:
    {"old","new"}}, "compute"?, "moved": bool}]}, "edges": {"added": [edge], "removed": [edge]},
    "parameters": {"added": [param], "removed": [param], "changed": [{"name", "old", "new"}]},
    "fields": {name: {"old","new"}} (name, description, default_compute), "empty": bool}
    """
    old_nodes, new_nodes = _nodes(old), _nodes(new)
    changed_nodes = []
    for node_id in sorted(set(old_nodes) & set(new_nodes)):
        before, after = old_nodes[node_id], new_nodes[node_id]
        change: dict[str, Any] = {"id": node_id}
        if before.get("component") != after.get("component") or before.get("version") != after.get("version"):
            change["component"] = {"old": before.get("component"), "new": after.get("component")}
        params = _changes(before.get("params") or {}, after.get("params") or {})
        if params:
            change["params"] = params
        if before.get("compute") != after.get("compute"):
            change["compute"] = {"old": before.get("compute"), "new": after.get("compute")}
        rest = {k for k in set(before) | set(after)
                if k not in ("id", "component", "version", "params", "compute", *_LAYOUT_FIELDS)}
        other = _changes({k: before.get(k) for k in rest}, {k: after.get(k) for k in rest})
        if other:
            change["other"] = other
        moved = before.get("position") != after.get("position")
        if len(change) > 1:
            changed_nodes.append({**change, "moved": moved})
        elif moved:
            changed_nodes.append({"id": node_id, "moved": True})

    old_edges = {_edge_key(e) for e in (old or {}).get("edges") or [] if isinstance(e, dict)}
    new_edges = {_edge_key(e) for e in (new or {}).get("edges") or [] if isinstance(e, dict)}

    old_params = {p.get("name"): p for p in (old or {}).get("parameters") or [] if isinstance(p, dict)}
    new_params = {p.get("name"): p for p in (new or {}).get("parameters") or [] if isinstance(p, dict)}
    fields = _changes({k: (old or {}).get(k) for k in ("name", "description", "default_compute")},
                      {k: (new or {}).get(k) for k in ("name", "description", "default_compute")})
    result = {
        "nodes": {"added": [new_nodes[n] for n in sorted(set(new_nodes) - set(old_nodes))],
                  "removed": [old_nodes[n] for n in sorted(set(old_nodes) - set(new_nodes))],
                  "changed": changed_nodes},
        "edges": {"added": [_edge_json(k) for k in sorted(new_edges - old_edges, key=repr)],
                  "removed": [_edge_json(k) for k in sorted(old_edges - new_edges, key=repr)]},
        "parameters": {"added": [new_params[n] for n in sorted(set(new_params) - set(old_params), key=str)],
                       "removed": [old_params[n] for n in sorted(set(old_params) - set(new_params), key=str)],
                       "changed": [{"name": n, "old": old_params[n], "new": new_params[n]}
                                   for n in sorted(set(old_params) & set(new_params), key=str)
                                   if old_params[n] != new_params[n]]},
        "fields": fields,
    }
    result["empty"] = not (any(result["nodes"][k] for k in ("added", "removed"))
                           or any(not c.get("moved") or len(c) > 2 for c in changed_nodes)
                           or any(result["edges"].values()) or any(result["parameters"].values()) or fields)
    return result
