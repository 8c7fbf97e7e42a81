"""Real-time rewrites: the web-service-input's schema, and paths that must stop naming the label.

They run on the draft graph after the walk, when every label column is known.
"""
from __future__ import annotations

import json

from components.roles import Kind, Role
from components.web_service import schema_text
from designer.inference.draft import Draft
from designer.inference.errors import InferenceConversionError


def finish_input_schemas(draft: Draft) -> None:
    """Each web-service-input takes its source's columns minus every label column, with sample rows."""
    for node_id in draft.inputs_made:
        node = draft.nodes[node_id]
        digest = node.pop("_source_digest")
        draft.training_data[node["params"]["name"]] = digest  # what drift monitoring compares scored rows with
        meta = draft.describe_digest(digest) or {}
        roles = meta.get("roles") or {}
        if isinstance(roles.get("label"), str):
            draft.labels.add(roles["label"])
        columns = [c for c in meta.get("columns") or [] if c.get("name") not in draft.labels]
        if columns:
            node["params"]["schema"] = schema_text(columns)
        sample = meta.get("sample")
        if sample:
            rows = [{k: v for k, v in row.items() if k not in draft.labels} for row in sample]
            node["params"]["sample"] = json.dumps(rows, default=str)


def drop_label_references(draft: Draft) -> None:
    """Real-time rows have no label: nodes stop naming it, and select/edit nodes left with nothing go.

    A single-column parameter naming the label is cleared (convert-to-image-directory then makes
    unlabelled images); a column list drops it. A list left empty means "all columns" to most
    components, so only components that pick columns (select-columns, edit-metadata: their only job
    was the label) may go.
    """
    downstream = draft.descendants(draft.inputs_made)
    for node_id in [n for n in list(draft.nodes) if n in downstream]:
        node = draft.nodes[node_id]
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
                draft.remove_passing_through(node_id)
                break
            else:
                raise InferenceConversionError(
                    "label-on-scoring-path", f"node '{node_id}' ({node['component']}) works on the label column "
                                             f"({', '.join(names)}), which real-time requests do not send; make "
                                             f"a batch graph or change the node", node=node_id)

