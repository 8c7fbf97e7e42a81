"""Deploying a real-time graph as a named endpoint (the HTTP API and `designer deploy` share this)."""
from __future__ import annotations

import copy
import re

import components
from canvas_store.repository import NotFound
from components.roles import Role
from components.saved_artifacts import parse_registry_ref
from components.spec import ComponentError
from designer.serving.endpoint import DeploymentError, Endpoint

NAME_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def check_endpoint_name(name: object) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise DeploymentError("invalid-name", "an endpoint name is 1-63 lower-case letters, digits and dashes, "
                              f"starting and ending with a letter or digit (got {name!r})", {"field": "name"})
    return name


def resolve_registry_references(document: dict, store) -> dict:
    """A copy of `document` whose saved-model nodes naming only a registry entry also carry its digest."""
    resolved = copy.deepcopy(document)
    for node in resolved.get("nodes") or []:
        spec = components.get(str(node.get("component")))
        if spec is None or Role.SAVED_ARTIFACT not in spec.roles or "registry" not in spec.params:
            continue
        params = node.setdefault("params", {})
        reference = params.get("registry")
        if params.get("digest") or not isinstance(reference, str) or not reference.strip():
            continue
        try:
            name, version = parse_registry_ref(reference)
            model = store.get_model(name, version)
        except (ComponentError, NotFound) as exc:
            raise DeploymentError("unknown-model", f"node '{node.get('id')}': {exc}", {"node": node.get("id")}) from None
        params["digest"] = model["digest"]
        params["registry"] = f"{model['name']}:{model['version']}"
    return resolved


def deploy_endpoint(designer, runtimes, name: str, graph_id: str, revision: int | None = None) -> tuple[dict, Endpoint]:
    """Load graph `graph_id` as endpoint `name` and record it; returns (record with its key, warm runtime).

    Raises DeploymentError (bad name, not a real-time graph, a model that does not load),
    the store's NotFound (graph) and Conflict (name taken).
    """
    from canvas_store.repository import Conflict

    check_endpoint_name(name)
    store = designer.store
    try:
        store.get_endpoint(name)
    except NotFound:
        pass
    else:
        raise Conflict(f"endpoint {name!r} already exists; delete it first or choose another name")
    graph = store.get_graph(graph_id, revision)
    document = resolve_registry_references(graph["document"], store)
    endpoint = runtimes.build(name, document)  # proves it loads and serves before it is recorded
    record = store.create_endpoint(name, graph_id, graph["revision"], document)
    runtimes.add(endpoint)
    return record, endpoint
