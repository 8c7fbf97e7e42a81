"""Making an inference graph for real: the conversion plus what it asks the caller to do.

`make_inference_graph` reads the run, describes its artifacts, converts, writes
the batch graph's default dataset into the datastore, registers each trained
model in the model registry and stores the new graph. The HTTP API and the CLI
both call it; the conversion itself stays a pure function.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import components
from components.json_values import to_json_value
from designer.inference.conversion import Conversion, InferenceConversionError, convert
from designer.inference.rules import slug

#: Rows of the training data kept as the web-service-input's sample (so the graph also runs on its own).
SAMPLE_ROWS = 5


def describe_artifact(artifacts, digest: str, *, sample_rows: int = SAMPLE_ROWS) -> dict:
    """An artifact's meta (columns, roles, model info) plus, for tables, its first rows as JSON values."""
    meta = dict(artifacts.meta(digest))
    if meta.get("form") == "table" and sample_rows:
        frame = artifacts.get(digest)
        head = frame.head(sample_rows)
        meta["sample"] = [{k: to_json_value(v) for k, v in row.items()} for row in head.to_dict(orient="records")]
        numbers = frame.select_dtypes(include="number")
        meta["numeric_max"] = {str(k): to_json_value(v) for k, v in numbers.max().items()}
    return meta


def latest_run_id(store, graph_id: str) -> str:
    runs = store.list_runs(graph_id=graph_id, limit=1)
    if not runs:
        raise InferenceConversionError("never-run", "this graph has never been run; run it to train a model first",
                                       status=409)
    return runs[0]["run_id"]


def make_inference_graph(designer, graph_id: str, kind: str, run_id: str | None = None) -> dict:
    """Convert run `run_id` (default: the graph's newest run) and store the new graph; returns its record.

    Raises InferenceConversionError (refusals) and the store's NotFound.
    """
    store = designer.store
    graph = store.get_graph(graph_id)
    run = store.get_run(run_id or latest_run_id(store, graph_id))
    if run.get("graph_id") not in (None, graph_id):
        raise InferenceConversionError("run-of-another-graph", f"run {run['run_id']} is a run of graph "
                                       f"{run['graph_id']}, not of {graph_id}")
    document = run.get("document") or graph["document"]
    conversion = convert(document, run, kind, components.catalogue(),
                         describe=lambda digest: describe_artifact(designer.artifacts, digest))
    for export in conversion.exports:
        export_dataset(designer, export.digest, export.path)
    register_models(store, conversion, document, graph_id, run)
    created = store.create_graph(conversion.document)
    return {**created, "conversion": conversion}


def export_dataset(designer, digest: str, relative: str) -> Path:
    """Write a table artifact as Parquet at `relative` inside the datastore (atomically; kept if present)."""
    target = Path(designer.home.datastore) / relative
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    source = designer.artifacts.existing_path(digest) / "data.parquet"
    fd, temp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(source, temp)
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return target


def register_models(store, conversion: Conversion, document: dict, graph_id: str, run: dict) -> None:
    """Register each trained model of the conversion (reusing the newest version when it is the same artifact)."""
    graph_name = _model_slug(document.get("name") or "graph")
    by_node = {n["id"]: n for n in conversion.document["nodes"]}
    for saved in conversion.models:
        name = f"{graph_name}-{_model_slug(saved.source_node)}"
        record = _same_latest(store, name, saved.digest)
        if record is None:
            record = store.register_model(name, saved.digest, run_id=run["run_id"], node_id=saved.source_node,
                                          port=saved.source_port, graph_id=graph_id, revision=run.get("revision"),
                                          tags={"graph_id": graph_id, "graph": document.get("name") or "",
                                                "node": saved.source_node, "run_id": run["run_id"]})
        by_node[saved.node_id]["params"]["registry"] = f"{record['name']}:{record['version']}"


def _same_latest(store, name: str, digest: str) -> dict | None:
    from canvas_store.repository import NotFound

    try:
        latest = store.get_model(name)
    except NotFound:
        return None
    return latest if latest.get("digest") == digest else None


def _model_slug(text: str) -> str:
    return slug(text, limit=80, fallback="model")
