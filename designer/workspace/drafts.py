"""New drafts from history: the exact document a run executed, or an old revision restored as the newest."""
from __future__ import annotations

import copy

NAME_LIMIT = 200


def clone_run_to_draft(store, run_id: str) -> dict:
    """A new graph holding the document run `run_id` executed (only its name says where it came from)."""
    run = store.get_run(run_id)
    document = copy.deepcopy(run["document"])
    suffix = f" (run {run_id[:8]})"
    document["name"] = (document.get("name") or run.get("name") or "Untitled pipeline")[:NAME_LIMIT - len(suffix)] \
        + suffix
    return store.create_graph(document)


def restore_revision(store, graph_id: str, revision: int) -> dict:
    """Save revision `revision`'s document as the graph's newest revision (history is never rewritten)."""
    old = store.get_graph(graph_id, revision)
    current = store.get_graph(graph_id)
    return store.update_graph(graph_id, copy.deepcopy(old["document"]), current["revision"])
