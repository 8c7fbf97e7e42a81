"""Endpoints that outlive a model: deploy a registered model with its entry script, and swap what an endpoint serves.

A swap builds and warms the new runtime first; only then does the store point
the endpoint at it and the process start routing requests to it. Requests that
already hold the old runtime finish on it, so nobody sees a failure, and the
URL and key never change. A new runtime that does not load (an init() that
raises) is a DeploymentError and the old one keeps serving.
"""
from __future__ import annotations

from canvas_store.repository import Conflict, NotFound
from components.saved_artifacts import parse_registry_ref
from components.spec import ComponentError
from designer.serving.deployment import check_endpoint_name, resolve_registry_references
from designer.serving.endpoint import DeploymentError
from designer.serving import traffic
from designer.serving.entry_script import entry_script_document, is_entry_script


def model_reference(store, reference: object) -> dict:
    """The registered model version "NAME:VERSION" (or "NAME" for the newest) names."""
    if not isinstance(reference, str):
        raise DeploymentError("invalid-model", "'model' must be text NAME:VERSION", {"field": "model"})
    try:
        name, version = parse_registry_ref(reference)
    except ComponentError as exc:
        raise DeploymentError("invalid-model", str(exc), {"field": "model"}) from None
    return store.get_model(name, version)


#: The score.py a model is served with when the deployer gives none (Azure ML's contract, like any other).
DEFAULT_SCRIPTS = {
    "designer": '''import json
import os

from components.ports import load_value


def init():
    global model
    model = load_value(os.environ["AZUREML_MODEL_DIR"])  # the TrainedModel a run registered


def run(raw_data):
    body = json.loads(raw_data)
    return {"predictions": model.predict_records(body["data"] if isinstance(body, dict) else body)}
''',
    "sklearn": '''import json
import os

import joblib
import numpy as np


def init():
    global model
    model = joblib.load(os.path.join(os.environ["AZUREML_MODEL_DIR"], {file!r}))


def run(raw_data):
    body = json.loads(raw_data)
    data = body["data"] if isinstance(body, dict) else body
    rows = [list(r.values()) if isinstance(r, dict) else r for r in data]
    return {{"predictions": model.predict(np.array(rows)).tolist()}}
''',
}


def default_entry_script(model: dict) -> str:
    flavor = model.get("flavor") or "designer"
    if flavor not in DEFAULT_SCRIPTS:
        raise DeploymentError("entry-script-required", f"a {flavor} model needs an entry script (score.py with "
                              "init() and run(raw_data)) to be deployed", {"field": "entry_script"})
    file = (model.get("properties") or {}).get("file") or "model.pkl"
    return DEFAULT_SCRIPTS[flavor].format(file=file) if flavor == "sklearn" else DEFAULT_SCRIPTS[flavor]


def _check_script(entry_script: object) -> str:
    if not isinstance(entry_script, str) or not entry_script.strip():
        raise DeploymentError("invalid-entry-script", "'entry_script' must be the text of a score.py defining "
                              "init() and run(raw_data)", {"field": "entry_script"})
    return entry_script


def target_document(store, *, graph_id: str | None = None, revision: int | None = None,
                    model: str | None = None, entry_script: str | None = None) -> tuple[str | None, int | None, dict]:
    """(graph_id, revision, document) an endpoint will serve: a real-time graph, or a model with its script."""
    if graph_id is not None:
        graph = store.get_graph(graph_id, revision)
        return graph_id, graph["revision"], resolve_registry_references(graph["document"], store)
    if model is None:
        raise DeploymentError("missing-field", "send 'graph_id', or 'model' with 'entry_script'", {"field": "graph_id"})
    version = model_reference(store, model)
    script = default_entry_script(version) if entry_script is None else _check_script(entry_script)
    return None, None, entry_script_document(version, script)


def deploy(designer, runtimes, name: str, **target) -> dict:
    """Deploy a new endpoint `name` (graph or model + entry script); returns its record with the key, shown once."""
    check_endpoint_name(name)
    store = designer.store
    try:
        store.get_endpoint(name)
    except NotFound:
        pass
    else:
        raise Conflict(f"endpoint {name!r} already exists; PUT /api/endpoints/{name} replaces what it serves")
    graph_id, revision, document = target_document(store, **target)
    record = _switch(runtimes, name, document, lambda: store.create_endpoint(name, graph_id, revision, document))
    return {**record, "document": document}


def swap_endpoint(designer, runtimes, name: str, **target) -> dict:
    """Make endpoint `name` serve another graph or model version in place (URL and key stay); returns its record.

    Raises the store's NotFound (endpoint, graph, model) and DeploymentError (the new one does not load;
    the old one is untouched and keeps serving).
    """
    store = designer.store
    store.get_endpoint(name)
    graph_id, revision, document = target_document(store, **target)
    return _switch(runtimes, name, document, lambda: store.replace_endpoint(name, graph_id, revision, document))


def source_of(graph_id: str | None, revision: int | None, document: dict) -> dict:
    """Where a single deployment came from, as endpoint records and traffic splits show it."""
    if is_entry_script(document):
        return {"kind": "entry-script", "model": document.get("model")}
    return {"kind": "graph", "graph_id": graph_id, "revision": revision}


def add_deployment(designer, runtimes, name: str, deployment: str, share: int | None = None, **target) -> dict:
    """Add (or replace) deployment `deployment` of endpoint `name`, taking `share` percent of its traffic (default 0)."""
    store = designer.store
    current = store.get_endpoint(name)
    graph_id, revision, document = target_document(store, **target)
    combined = traffic.with_deployment(
        current["document"], deployment, document, share, source=source_of(graph_id, revision, document),
        single_source=source_of(current["graph_id"], current["revision"], current["document"]))
    return _replace(runtimes, store, current, combined)


def set_traffic(designer, runtimes, name: str, shares: dict) -> dict:
    """Give each deployment of endpoint `name` its share of requests (percentages adding up to 100)."""
    current = designer.store.get_endpoint(name)
    document = current["document"]
    if not traffic.is_split(document):
        raise DeploymentError("single-deployment", f"endpoint {name!r} has one deployment; add another first",
                              {"deployments": [traffic.FIRST_DEPLOYMENT]})
    deployments = traffic.deployments_of(document)
    combined = traffic.split_document(deployments, traffic.check_traffic(shares, deployments),
                                      traffic.sources_of(document))
    return _replace(runtimes, designer.store, current, combined)


def remove_deployment(designer, runtimes, name: str, deployment: str) -> dict:
    """Take deployment `deployment` out of endpoint `name`; the others share its traffic."""
    current = designer.store.get_endpoint(name)
    combined = traffic.without_deployment(current["document"], deployment)
    return _replace(runtimes, designer.store, current, combined)


def _replace(runtimes, store, current: dict, document: dict) -> dict:
    """Serve `document` at endpoint `current` (a split keeps the record's graph; a single one names its own)."""
    name = current["name"]
    if traffic.is_split(document):
        graph_id, revision = current["graph_id"], current["revision"]
    else:
        source = traffic.sources_of(current["document"]).get(_only(document, current)) or {}
        graph_id, revision = source.get("graph_id"), source.get("revision")
    return _switch(runtimes, name, document, lambda: store.replace_endpoint(name, graph_id, revision, document))


def _only(document: dict, current: dict) -> str | None:
    """The name of the deployment `document` is, among those of `current`."""
    for deployment, sub_document in traffic.deployments_of(current["document"]).items():
        if sub_document == document:
            return deployment
    return None


def _switch(runtimes, name: str, document: dict, record):
    """Build and warm the runtime first (proving it loads), then record it, then route requests to it."""
    runtime = runtimes.build(name, document)
    try:
        recorded = record()
    except BaseException:
        _close(runtime)
        raise
    runtimes.replace(runtime)
    return recorded


def _close(runtime) -> None:
    if callable(getattr(runtime, "close", None)):
        runtime.close()
