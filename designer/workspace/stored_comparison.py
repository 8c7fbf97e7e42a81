"""Comparing stored runs: the pure comparison over their records, plus the ROC curves of their evaluations."""
from __future__ import annotations

from designer.workspace.compare import compare_runs


def roc_curves(artifacts, runs: list[dict]) -> dict:
    """{"NODE": {run_id: {"fpr", "tpr", "auc"} or {"per_class": {...}}}} from each run's evaluation outputs."""
    curves: dict[str, dict] = {}
    for run in runs:
        for node_id, node in (run.get("nodes") or {}).items():
            for output in (node.get("outputs") or {}).values():
                if output.get("type") != "Metrics" or not output.get("digest"):
                    continue
                try:
                    value = artifacts.get(output["digest"])
                except Exception:  # noqa: BLE001 - a damaged or deleted artifact only loses its chart
                    continue
                roc = (value.get("charts") or {}).get("roc") if isinstance(value, dict) else None
                if roc:
                    curves.setdefault(node_id, {})[run["run_id"]] = roc
    return curves


def compare(store, artifacts, run_ids: list[str]) -> dict:
    """The compare object for stored runs (NotFound names the first unknown run)."""
    runs = [store.get_run(run_id) for run_id in run_ids]
    return {**compare_runs(runs), "roc": roc_curves(artifacts, runs)}
