"""The model registry as people use it: register from a run's output or an uploaded file, lineage, download.

HTTP handlers, the CLI, sweeps and schedules call these functions; they raise
`RegistryError` (a caller mistake, with an HTTP status) and the store's NotFound.
"""
from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from canvas_store.repository import NotFound
from components.ports import TrainedModel
from designer.errors import CallerError
from designer.workspace.model_files import (FLAVORS, ModelFileError, UploadedModel, check_model_file,
                                            parse_architecture, safe_file_name, zip_directory)

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
FINISHED_NODE = ("completed", "cached")
VERSION_FILE = "model-version.json"


class RegistryError(CallerError):
    """A caller mistake about models (a bad name, a file that does not load, ...)."""


def check_model_name(name: object) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise RegistryError(400, "invalid-name", "a model name is 1-200 letters, digits, dots, dashes and "
                            f"underscores, starting with a letter or digit (got {name!r})", {"field": "name"})
    return name


def _tags_checked(tags) -> dict:
    if tags is None:
        return {}
    if not isinstance(tags, dict) or not all(isinstance(k, str) for k in tags):
        raise RegistryError(400, "invalid-field", "'tags' must be an object of names to text", {"field": "tags"})
    return tags


def register_from_run(store, name: str, run_id: str, node_id: str, port: str | None = None, *,
                      tags: dict | None = None, description: str = "") -> dict:
    """Register the TrainedModel output `port` (default: the node's only one) of a finished node as `name`:N+1."""
    check_model_name(name)
    tags = _tags_checked(tags)
    run = store.get_run(run_id)
    node = run["nodes"].get(node_id)
    if node is None:
        raise RegistryError(404, "not-found", f"run '{run_id}' has no node '{node_id}'",
                            {"what": "node", "id": node_id})
    if node.get("status") not in FINISHED_NODE:
        raise RegistryError(409, "node-not-finished", f"node '{node_id}' is {node.get('status')}; a model can "
                            "be registered once the node has finished", {"status": node.get("status")})
    outputs = node.get("outputs") or {}
    if port is None:
        models = [p for p, o in outputs.items() if o.get("type") == TrainedModel.name]
        described = ", ".join(f"{p}: {o.get('type')}" for p, o in outputs.items()) or "none"
        if not models:
            raise RegistryError(400, "not-a-model", f"node '{node_id}' has no TrainedModel output (its outputs: "
                                f"{described}); only trained models can be registered",
                                {"node": node_id, "types": {p: o.get("type") for p, o in outputs.items()}})
        if len(models) > 1:
            raise RegistryError(400, "port-required", f"node '{node_id}' has {len(models)} TrainedModel outputs "
                                f"({described}); name the port", {"ports": sorted(outputs)})
        port = models[0]
    output = outputs.get(port)
    if output is None:
        raise RegistryError(404, "no-output", f"node '{node_id}' has no output '{port}' in this run",
                            {"node": node_id, "port": port, "ports": sorted(outputs)})
    if output.get("type") != TrainedModel.name:
        raise RegistryError(400, "not-a-model", f"output '{port}' of node '{node_id}' is a {output.get('type')}, "
                            "not a TrainedModel; only trained models can be registered",
                            {"node": node_id, "port": port, "type": output.get("type")})
    return store.register_model(name, output["digest"], run_id=run_id, node_id=node_id, port=port,
                                graph_id=run.get("graph_id"), revision=run.get("revision"),
                                tags=tags, description=description or "", flavor="designer")


def register_upload(store, artifacts, name: str, file_name: str, data: bytes, flavor: str, *,
                    architecture: str | None = None, tags: dict | None = None, description: str = "") -> dict:
    """Register an uploaded sklearn (joblib/pickle) or torch (state dict + architecture) file.

    The file is loaded in a child process first; one that does not load registers nothing.
    """
    check_model_name(name)
    tags = _tags_checked(tags)
    if flavor not in FLAVORS:
        raise RegistryError(400, "invalid-flavor", f"flavor must be one of {', '.join(FLAVORS)} (got {flavor!r})",
                            {"field": "flavor"})
    if not data:
        raise RegistryError(400, "empty-file", "the uploaded file is empty", {"field": "file"})
    try:
        arch = parse_architecture(architecture) if flavor == "torch" else {}
        file_name = safe_file_name(file_name, flavor)
        with tempfile.TemporaryDirectory(prefix="designer-upload-") as temp:
            path = Path(temp) / file_name
            path.write_bytes(data)
            summary = check_model_file(path, flavor, arch)
    except ModelFileError as exc:
        raise RegistryError(400, "model-does-not-load", f"the file does not load as a {flavor} model: {exc}",
                            {"flavor": flavor, "reason": str(exc)}) from None
    arch = summary.get("architecture", arch) if flavor == "torch" else arch
    digest = artifacts.put(TrainedModel, UploadedModel(file_name, data, flavor, arch, summary))
    return store.register_model(name, digest, tags=tags, description=description or "", flavor=flavor,
                                properties={"file": file_name, "architecture": arch, "summary": summary})


def lineage(store, model: dict) -> dict:
    """Where a version came from: its run (experiment, status), graph revision, node, datasets and metrics."""
    run_id = model.get("run_id")
    record = {"run_id": run_id, "graph_id": model.get("graph_id"), "revision": model.get("revision"),
              "node": model.get("node_id"), "port": model.get("port"), "run": None, "datasets": [], "metrics": {}}
    if run_id:
        try:
            run = store.run_summary(run_id)
        except NotFound:
            return record
        record["run"] = run
        record["graph_id"] = record["graph_id"] or run.get("graph_id")
        record["revision"] = record["revision"] if record["revision"] is not None else run.get("revision")
        record["metrics"] = store.run_metrics(run_id)
        record["datasets"] = store.datasets_read_by_run(run_id)
    return record


def model_version(store, name: str, version: int) -> dict:
    model = store.get_model(name, version)
    return {**model, "lineage": lineage(store, model)}


def model_files(artifacts, model: dict) -> Path:
    """The stored files of a version (read-only: copy them before anything may write)."""
    return artifacts.existing_path(model["digest"])


def download_zip(store, artifacts, name: str, version: int):
    """(zip bytes, file name): the version's files plus model-version.json (name, version, flavor, lineage)."""
    model = model_version(store, name, version)
    described = {k: model[k] for k in ("name", "version", "flavor", "tags", "description", "created_at",
                                       "properties", "lineage") if k in model}
    buffer = zip_directory(model_files(artifacts, model), {VERSION_FILE: json.dumps(described, indent=1,
                                                                                      default=str)})
    return buffer, f"{name}-{version}.zip"
