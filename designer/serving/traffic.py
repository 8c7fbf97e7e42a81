"""Blue/green: several named deployments behind one endpoint, each taking a share of the requests (Azure ML's traffic).

An endpoint's stored document is then {"kind": "split", "deployments": {NAME: document},
"traffic": {NAME: percent}, "sources": {NAME: {"kind": "graph", "graph_id", "revision"} |
{"kind": "entry-script", "model"}}}; each deployment's document is what a single deployment
would store (a real-time graph, or a model with its entry script). The functions on documents
are pure; `SplitEndpoint` is the runtime that holds one warm runtime per deployment.
"""
from __future__ import annotations

import random
import re
import threading

from designer.serving.endpoint import DeploymentError

KIND = "split"
#: The name the deployment an endpoint started with gets once a second one joins it.
FIRST_DEPLOYMENT = "blue"
DEPLOYMENT_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$")


def is_split(document: dict | None) -> bool:
    return isinstance(document, dict) and document.get("kind") == KIND


def deployments_of(document: dict) -> dict[str, dict]:
    """{deployment name: document}; a single deployment is called FIRST_DEPLOYMENT."""
    return dict(document["deployments"]) if is_split(document) else {FIRST_DEPLOYMENT: document}


def traffic_of(document: dict) -> dict[str, int]:
    return dict(document["traffic"]) if is_split(document) else {FIRST_DEPLOYMENT: 100}


def check_traffic(traffic: object, names) -> dict[str, int]:
    """Whole percentages for exactly the deployments there are, adding up to 100."""
    names = set(names)
    if not isinstance(traffic, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in traffic.values()):
        raise DeploymentError("invalid-traffic", "traffic is an object of deployment names to whole percentages, "
                              'e.g. {"blue": 90, "green": 10}', {"field": "traffic"})
    unknown = sorted(set(traffic) - names)
    if unknown:
        raise DeploymentError("unknown-deployment", f"no deployment named {', '.join(unknown)} "
                              f"(deployments: {', '.join(sorted(names))})", {"deployments": sorted(names)})
    shares = {name: int(traffic.get(name, 0)) for name in sorted(names)}
    if any(v < 0 or v > 100 for v in shares.values()) or sum(shares.values()) != 100:
        raise DeploymentError("invalid-traffic", f"the shares must be 0-100 and add up to 100 (they add up to "
                              f"{sum(shares.values())})", {"field": "traffic"})
    return shares


def sources_of(document: dict, single_source: dict | None = None) -> dict[str, dict]:
    """{deployment name: where it came from}; a single deployment's is `single_source`."""
    return dict(document.get("sources") or {}) if is_split(document) else {FIRST_DEPLOYMENT: single_source or {}}


def split_document(deployments: dict[str, dict], traffic: dict[str, int], sources: dict[str, dict]) -> dict:
    """The stored document for these deployments; one deployment is stored as itself."""
    if len(deployments) == 1:
        return next(iter(deployments.values()))
    return {"kind": KIND, "deployments": deployments, "traffic": check_traffic(traffic, deployments),
            "sources": {name: sources.get(name) or {} for name in deployments}}


def with_deployment(document: dict, name: str, deployment: dict, share: int | None = None, *,
                    source: dict | None = None, single_source: dict | None = None) -> dict:
    """`document` with deployment `name` added (or replaced), taking `share` percent (default 0) from the others.

    `source` says where the new deployment came from; `single_source` where an endpoint's only
    deployment came from (its record's graph), for when it becomes FIRST_DEPLOYMENT."""
    if not isinstance(name, str) or not DEPLOYMENT_NAME.match(name):
        raise DeploymentError("invalid-name", "a deployment name is 1-32 lower-case letters, digits and dashes "
                              f"(got {name!r})", {"field": "deployment"})
    deployments, traffic = deployments_of(document), traffic_of(document)
    sources = {**sources_of(document, single_source), name: source or {}}
    deployments[name] = deployment
    if share is not None or name not in traffic:
        share = 0 if share is None else share
        if not isinstance(share, int) or isinstance(share, bool) or not 0 <= share <= 100:
            raise DeploymentError("invalid-traffic", "'traffic' is a whole percentage 0-100", {"field": "traffic"})
        others = {k: v for k, v in traffic.items() if k != name}
        traffic = {**_rescaled(others, 100 - share), name: share}
    return split_document(deployments, traffic, sources)


def without_deployment(document: dict, name: str) -> dict:
    deployments, traffic = deployments_of(document), traffic_of(document)
    if name not in deployments:
        raise DeploymentError("unknown-deployment", f"no deployment named {name!r}", {"deployments": sorted(deployments)})
    if len(deployments) == 1:
        raise DeploymentError("last-deployment", "an endpoint keeps at least one deployment; delete the endpoint "
                              "instead", {"deployment": name})
    del deployments[name]
    traffic.pop(name)
    return split_document(deployments, _rescaled(traffic, 100), sources_of(document))


def _rescaled(traffic: dict[str, int], total: int) -> dict[str, int]:
    """Shares scaled to add up to `total` (evenly when they were all 0), rounding kept exact."""
    if not traffic:
        return {}
    current = sum(traffic.values())
    weights = traffic if current else {k: 1 for k in traffic}
    scale = sum(weights.values())
    shares = {k: total * v // scale for k, v in weights.items()}
    for key in sorted(weights, key=weights.get, reverse=True)[:total - sum(shares.values())]:
        shares[key] += 1
    return shares


class SplitEndpoint:
    """Warm runtimes for each deployment; `pick()` chooses one per request by the traffic shares."""

    kind = KIND

    def __init__(self, name: str, document: dict, build):
        self.name = name
        self.document = document
        self.traffic = traffic_of(document)
        self.deployments = {}
        try:
            for deployment, sub_document in deployments_of(document).items():
                self.deployments[deployment] = build(name, sub_document)
        except BaseException:
            self.close()
            raise
        primary = max(self.traffic, key=self.traffic.get)
        self.inputs, self.outputs = self.deployments[primary].inputs, self.deployments[primary].outputs
        self._random = random.Random()
        self._lock = threading.Lock()

    def pick(self) -> tuple[str, object]:
        with self._lock:
            roll = self._random.uniform(0, 100)
        for deployment, share in self.traffic.items():
            if share and roll < share:
                return deployment, self.deployments[deployment]
            roll -= share
        live = [d for d, share in self.traffic.items() if share] or list(self.deployments)
        return live[-1], self.deployments[live[-1]]

    def primary(self):
        return self.deployments[max(self.traffic, key=self.traffic.get)]

    def retire(self) -> None:
        for runtime in self.deployments.values():
            if callable(getattr(runtime, "retire", None)):
                runtime.retire()

    def close(self) -> None:
        for runtime in self.deployments.values():
            if callable(getattr(runtime, "close", None)):
                runtime.close()
