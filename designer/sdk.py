"""Graphs as code: build, validate, save, run, publish and deploy a pipeline from Python.

    from designer.sdk import Pipeline

    p = Pipeline("Iris classification")
    data = p.add("sample-dataset", name="iris")
    split = p.add("split-data", test_fraction=p.parameter("test_fraction", "float", 0.3), seed=7)
    algo = p.add("logistic-regression")
    train = p.add("train-model", label_column="species")
    score, evaluate = p.add("score-model"), p.add("evaluate-model")
    p.connect(data, split)
    p.connect(split["train"], train["dataset"]).connect(algo, train)
    p.connect(split["test"], score).connect(train, score).connect(score, evaluate)
    result = p.run()                                   # locally, in this process
    result = p.run(url="http://host:8765", token=TOKEN)   # on a designer server

The pipeline *is* a designer-graph/1 document: `Pipeline.from_json(doc).to_json() == doc`.
"""
from __future__ import annotations

import copy
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import components
from designer.graph.document import FORMAT
from designer.graph.validation import Problem, validate

FINISHED = ("completed", "failed", "cancelled")


class PipelineError(Exception):
    """A mistake in building the pipeline (an unknown component, an ambiguous connection) or a refused request."""

    def __init__(self, message: str, problems: list | None = None, status: int | None = None):
        super().__init__(message)
        self.problems = problems or []
        self.status = status


@dataclass(frozen=True)
class Port:
    """One port of a node, written `node["port"]`."""

    node: "Node"
    name: str


@dataclass(frozen=True)
class Node:
    """A node of a Pipeline: `node["port"]` names one of its ports for `connect`."""

    pipeline: "Pipeline"
    id: str

    @property
    def component(self) -> str:
        return self.pipeline._node(self.id)["component"]

    @property
    def params(self) -> dict:
        return self.pipeline._node(self.id).setdefault("params", {})

    def set(self, **params) -> "Node":
        """Change parameters (a value may be `pipeline.parameter(...)`)."""
        self.params.update({k: _value(v) for k, v in params.items()})
        return self

    def __getitem__(self, port: str) -> Port:
        return Port(self, port)


@dataclass(frozen=True)
class ParameterRef:
    """A pipeline parameter used as a node's parameter value (`{"$param": name}` in the document)."""

    name: str

    def to_json(self) -> dict:
        return {"$param": self.name}


class Pipeline:
    def __init__(self, name: str = "Untitled pipeline", *, description: str | None = None,
                 default_compute: str | None = None):
        self._doc: dict[str, Any] = {"format": FORMAT, "name": name, "nodes": [], "edges": []}
        if description is not None:
            self._doc["description"] = description
        if default_compute is not None:
            self._doc["default_compute"] = default_compute
        #: The id this pipeline has on the server it was last saved to (by `save(url=...)` or `run(url=...)`).
        self.graph_id: str | None = None
        self.revision: int | None = None

    # ------------------------------------------------------------ the document
    @classmethod
    def from_json(cls, document: Mapping[str, Any] | str) -> "Pipeline":
        """A pipeline over a copy of `document` (a dict or JSON text), kept exactly as given."""
        data = json.loads(document) if isinstance(document, str) else copy.deepcopy(dict(document))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise PipelineError(f"not a {FORMAT} document")
        pipeline = cls.__new__(cls)
        pipeline._doc, pipeline.graph_id, pipeline.revision = data, None, None
        return pipeline

    @classmethod
    def load(cls, path: str | Path) -> "Pipeline":
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    def to_json(self) -> dict:
        return copy.deepcopy(self._doc)

    @property
    def name(self) -> str:
        return self._doc.get("name", "")

    @property
    def nodes(self) -> list[Node]:
        return [Node(self, n["id"]) for n in self._doc["nodes"]]

    def node(self, node_id: str) -> Node:
        self._node(node_id)
        return Node(self, node_id)

    # ------------------------------------------------------------ building
    def add(self, component: str, *, node_id: str | None = None, compute: str | None = None,
            comment: str | None = None, position: tuple[float, float] | None = None, **params) -> Node:
        """Add a node of `component` with these parameters; its id is `node_id` or made from the component."""
        spec = components.get(component)
        if spec is None:
            raise PipelineError(f"unknown component {component!r}")
        unknown = [p for p in params if p not in spec.params]
        if unknown:
            raise PipelineError(f"component {component!r} has no parameter {', '.join(map(repr, unknown))} "
                                f"(parameters: {', '.join(spec.params) or 'none'})")
        node_id = node_id or self._free_id(component)
        if any(n["id"] == node_id for n in self._doc["nodes"]):
            raise PipelineError(f"there is already a node {node_id!r}")
        node: dict[str, Any] = {"id": node_id, "component": component,
                                "params": {k: _value(v) for k, v in params.items()}}
        if compute:
            node["compute"] = compute
        if comment:
            node["comment"] = comment
        if position is not None:
            node["position"] = {"x": position[0], "y": position[1]}
        self._doc["nodes"].append(node)
        return Node(self, node_id)

    def parameter(self, name: str, type: str, default: Any = None, *, description: str | None = None,
                  **limits) -> ParameterRef:
        """Declare (or redeclare) a pipeline parameter; use the result as a node parameter's value."""
        entry: dict[str, Any] = {"name": name, "type": type, "default": default}
        if description is not None:
            entry["description"] = description
        entry.update(limits)
        parameters = self._doc.setdefault("parameters", [])
        parameters[:] = [p for p in parameters if p.get("name") != name] + [entry]
        return ParameterRef(name)

    def connect(self, source: Node | Port | str, target: Node | Port | str) -> "Pipeline":
        """Wire an output to an input; a port left out is found by type when only one fits."""
        source_port, target_port = self._port(source), self._port(target)
        source_spec = components.get(source_port.node.component)
        target_spec = components.get(target_port.node.component)
        taken = {e["target_port"] for e in self._doc["edges"] if e["target"] == target_port.node.id}
        outputs = [source_port.name] if source_port.name else list(source_spec.outputs)
        inputs = [target_port.name] if target_port.name else [p for p in target_spec.inputs if p not in taken]
        pairs = [(o, i) for o in outputs for i in inputs
                 if o in source_spec.outputs and i in target_spec.inputs
                 and target_spec.inputs[i].type.accepts(source_spec.outputs[o])]
        if len(pairs) > 1 and not target_port.name:  # prefer required inputs over optional ones
            required = [(o, i) for o, i in pairs if not target_spec.inputs[i].optional]
            pairs = required or pairs
            if len({o for o, _ in pairs}) == 1:
                pairs = pairs[:1]
        if len(pairs) != 1:
            what = "no" if not pairs else "more than one"
            raise PipelineError(f"{what} way to connect {source_port.node.id} to {target_port.node.id}: "
                                f"name the ports, e.g. node['{outputs[0] if outputs else 'port'}'] "
                                f"(outputs {list(source_spec.outputs)}, inputs {list(target_spec.inputs)})")
        out, into = pairs[0]
        self._doc["edges"].append({"source": source_port.node.id, "source_port": out,
                                   "target": target_port.node.id, "target_port": into})
        return self

    # ------------------------------------------------------------ checking and saving
    def validate(self) -> list[Problem]:
        """Every problem of the document (an empty list means it can run)."""
        return validate(self._doc, components.catalogue())

    def check(self) -> "Pipeline":
        problems = self.validate()
        if problems:
            raise PipelineError("the pipeline is not valid:\n" + "\n".join(str(p) for p in problems), problems)
        return self

    def save(self, path: str | Path | None = None, *, url: str | None = None, token: str | None = None) -> str:
        """Write the document to `path`, or store it on the server at `url`; returns the path or the graph id."""
        if path is not None:
            Path(path).write_text(json.dumps(self._doc, indent=2) + "\n", encoding="utf-8")
            return str(path)
        if url is None:
            raise PipelineError("save needs a path or a server url")
        return self._saved(Server(url, token))

    # ------------------------------------------------------------ running
    def run(self, *, url: str | None = None, token: str | None = None, home: str | Path | None = None,
            compute: str | None = None, parameters: Mapping[str, Any] | None = None,
            timeout: float = 3600.0) -> dict:
        """Run to completion: in this process over `home` (default as `designer run`), or on the server at `url`.

        Returns `{"run_id", "status", "nodes": {id: {"status", "cached", "metrics"?, "error"?}}}`.
        """
        self.check()
        if url is None:
            return self._run_here(home, compute, parameters)
        server = Server(url, token)
        graph_id = self._saved(server)
        body = {"compute": compute, "parameters": dict(parameters or {})}
        run_id = server.call("POST", f"/api/graphs/{graph_id}/runs", body)["run_id"]
        deadline = time.monotonic() + timeout
        while True:
            run = server.call("GET", f"/api/runs/{run_id}")
            if run["status"] in FINISHED or time.monotonic() > deadline:
                return _run_summary(run)
            time.sleep(0.2)

    def publish(self, *, url: str, token: str | None = None, name: str | None = None) -> dict:
        """Publish as a versioned pipeline URL: `{"pipeline_id", "version", "url", "key"}`."""
        server = Server(url, token)
        graph_id = self._saved(server)
        return server.call("POST", f"/api/graphs/{graph_id}/publish", {"name": name} if name else {})

    def deploy(self, endpoint: str, *, url: str, token: str | None = None, run_id: str | None = None) -> dict:
        """Deploy as a real-time endpoint `{"name", "url", "key"}`.

        A training pipeline is first turned into its real-time inference graph from
        `run_id` (a completed run on that server, e.g. `p.run(url=...)["run_id"]`).
        """
        server = Server(url, token)
        graph_id = self._saved(server)
        if run_id is not None:
            made = server.call("POST", f"/api/graphs/{graph_id}/inference-graph", {"kind": "realtime", "run_id": run_id})
            graph_id = made.get("graph_id") or made.get("id")
        return server.call("POST", "/api/endpoints", {"name": endpoint, "graph_id": graph_id})

    # ------------------------------------------------------------ inside
    def _run_here(self, home, compute, parameters) -> dict:
        from designer.home import Home
        from designer.service import Designer

        designer = Designer(Home.resolve(home, None))
        try:
            result = designer.run(self.to_json(), compute=compute, parameters=dict(parameters or {}))
        finally:
            designer.close()
        return _run_summary(result.to_json())

    def _saved(self, server: "Server") -> str:
        if self.graph_id is None or server.url != getattr(self, "_saved_to", None):
            created = server.call("POST", "/api/graphs", self._doc)
            self.graph_id, self.revision = created["id"], created["revision"]
        else:
            updated = server.call("PUT", f"/api/graphs/{self.graph_id}",
                                  {"revision": self.revision, "document": self._doc})
            self.revision = updated["revision"]
        self._saved_to = server.url
        return self.graph_id

    def _node(self, node_id: str) -> dict:
        for node in self._doc["nodes"]:
            if node.get("id") == node_id:
                return node
        raise PipelineError(f"there is no node {node_id!r}")

    def _free_id(self, component: str) -> str:
        taken = {n.get("id") for n in self._doc["nodes"]}
        candidate, n = component, 2
        while candidate in taken:
            candidate, n = f"{component}-{n}", n + 1
        return candidate

    def _port(self, end: Node | Port | str) -> Port:
        if isinstance(end, Port):
            return end
        if isinstance(end, Node):
            return Port(end, "")
        node_id, _, port = str(end).partition(".")
        return Port(self.node(node_id), port)


class Server:
    """The designer's HTTP API at `url`, authenticated with a Bearer token when one is given."""

    def __init__(self, url: str, token: str | None = None):
        self.url = url.rstrip("/")
        self.token = token

    def call(self, method: str, path: str, body: Any = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                text = response.read().decode() or "{}"
        except urllib.error.HTTPError as exc:
            raise _refusal(exc) from None
        except urllib.error.URLError as exc:
            raise PipelineError(f"cannot reach {self.url}: {exc.reason}") from None
        return json.loads(text)


def _refusal(exc: urllib.error.HTTPError) -> PipelineError:
    try:
        error = json.loads(exc.read().decode()).get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    message = error.get("message") or f"HTTP {exc.code}"
    return PipelineError(f"the server refused: {message}", (error.get("details") or {}).get("errors"), exc.code)


def _value(value: Any) -> Any:
    return value.to_json() if isinstance(value, ParameterRef) else value


def _run_summary(run: Mapping[str, Any]) -> dict:
    nodes = {}
    for node_id, node in (run.get("nodes") or {}).items():
        entry = {"status": node.get("status"), "cached": bool(node.get("cached"))}
        if node.get("error"):
            entry["error"] = node["error"]
        if node.get("metrics"):
            entry["metrics"] = node["metrics"]
        nodes[node_id] = entry
    return {"run_id": run.get("run_id"), "status": run.get("status"), "nodes": nodes}
