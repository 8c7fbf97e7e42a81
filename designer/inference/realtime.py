"""Real-time rewrites: the web-service-input's schema, and paths that must stop naming the label.

They run on the draft graph after the walk, when every label column is known.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from components.roles import Kind, Role
from designer.inference.errors import InferenceConversionError

if TYPE_CHECKING:
    from designer.inference.conversion import _Converter as Draft


def finish_input_schemas(draft: "Draft") -> None:
    """Each web-service-input takes its source's columns minus every label column, with sample rows."""
    for node_id in draft.inputs_made:
        node = draft.out_nodes[node_id]
        meta = draft.describe_digest(node.pop("_source_digest")) or {}
        roles = meta.get("roles") or {}
        if isinstance(roles.get("label"), str):
            draft.labels.add(roles["label"])
        columns = [c for c in meta.get("columns") or [] if c.get("name") not in draft.labels]
        if columns:
            node["params"]["schema"] = json.dumps({"columns": [{"name": c["name"], "dtype": c["dtype"]}
                                                               for c in columns]})
        sample = meta.get("sample")
        if sample:
            rows = [{k: v for k, v in row.items() if k not in draft.labels} for row in sample]
            node["params"]["sample"] = json.dumps(rows, default=str)


def drop_label_references(draft: "Draft") -> None:
    """Real-time rows have no label: nodes stop naming it, and select/edit nodes left with nothing go.

    A single-column parameter naming the label is cleared (convert-to-image-directory then makes
    unlabelled images); a column list drops it. A list left empty means "all columns" to most
    components, so only components that pick columns (select-columns, edit-metadata: their only job
    was the label) may go.
    """
    downstream = draft.descendants(draft.inputs_made)
    for node_id in [n for n in list(draft.out_nodes) if n in downstream]:
        node = draft.out_nodes[node_id]
        spec = draft.catalogue[node["component"]]
        for name, declared in spec.params.items():
            value = node["params"].get(name)
            if declared.kind in (Kind.COLUMN, Kind.LABEL) and isinstance(value, str) and value.strip() in draft.labels:
                node["params"][name] = ""
            if declared.kind != Kind.COLUMNS or not isinstance(value, str):
                continue
            names = [c.strip() for c in value.split(",") if c.strip()]
            kept = [c for c in names if c not in draft.labels]
            if kept == names:
                continue
            if kept:
                node["params"][name] = ",".join(kept)
            elif Role.PICKS_COLUMNS in spec.roles:
                remove_passing_through(draft, node_id)
                break
            else:
                raise InferenceConversionError(
                    "label-on-scoring-path", f"node '{node_id}' ({node['component']}) works on the label column "
                                             f"({', '.join(names)}), which real-time requests do not send; make "
                                             f"a batch graph or change the node", node=node_id)


def remove_passing_through(draft: "Draft", node_id: str) -> None:
    """Drop a one-input node, wiring what fed it straight to what it fed."""
    into = next((e for e in draft.out_edges if e["target"] == node_id and e["target_port"] == "dataset"), None)
    del draft.out_nodes[node_id]
    draft.out_edges = [e for e in draft.out_edges if e["target"] != node_id]
    for edge in draft.out_edges:
        if edge["source"] == node_id and into is not None:
            edge["source"], edge["source_port"] = into["source"], into["source_port"]
