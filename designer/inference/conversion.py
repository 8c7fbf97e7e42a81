"""The training→inference conversion: a pure function from (training document, run record) to a new graph.

Walking upstream from every scoring node (a non-training component that takes
a TrainedModel), it keeps only what scoring needs and freezes everything
learned in the run:

- a TrainedModel or Transformation edge becomes a `trained-model` /
  `saved-transformation` node holding that run's artifact digest;
- a step that learned a transformation while transforming the scoring data
  (normalize-data, clean-missing-data, convert-to-indicator-values) becomes
  `apply-transformation` (images: `apply-image-transformation`, inference mode)
  fed by its saved transformation;
- training-only row pickers (split-data, split-image-directory) are bypassed;
  other training-only nodes (train, evaluate) drop out because nothing
  downstream of scoring is kept;
- the data source on the scoring path becomes `web-service-input` (real-time,
  schema = the source's columns minus label columns) or a parameterised source
  reading `$dataset_path` (batch, with `export-data` writing `$output_path`).

It refuses (InferenceConversionError) whenever it cannot promise the inference
graph scores rows exactly as the run did. It touches no database, no Flask and
no artifact files: facts about artifacts come from the `describe` callable, and
work the caller must do (register models, write the default batch dataset) is
returned in the `Conversion`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from components.roles import Kind, Role
from components.spec import ComponentSpec
from designer.graph.document import FORMAT
from designer.graph.layout import layered
from designer.inference import realtime
from designer.inference.errors import InferenceConversionError
from designer.inference.rules import (DATA_TYPES, DATASET_PARAMETER, FINISHED_OK, KINDS, OUTPUT_PARAMETER, appliers,
                                      freezers, is_scorer, one_with_role, param_of_kind, primary_input, slug)

Describe = Callable[[str], Mapping[str, Any]]


@dataclass(frozen=True)
class SavedArtifact:
    """A model or transformation node of the new graph and where in the run its artifact came from."""

    node_id: str
    kind: str  # "model" | "transformation"
    digest: str
    source_node: str
    source_port: str


@dataclass(frozen=True)
class DatasetExport:
    """A run output the caller must write to the datastore at `path` (the batch graph's default input)."""

    digest: str
    path: str
    source_node: str


@dataclass
class Conversion:
    document: dict
    artifacts: list = field(default_factory=list)  # [SavedArtifact]
    exports: list = field(default_factory=list)  # [DatasetExport]

    @property
    def models(self) -> list:
        return [a for a in self.artifacts if a.kind == "model"]


def inference_graph(training_document: dict, run: Mapping, kind: str, catalogue: Mapping[str, ComponentSpec],
                    *, describe: Describe | None = None) -> dict:
    """The inference graph document (designer-graph/1) for a completed run of `training_document`."""
    return convert(training_document, run, kind, catalogue, describe=describe).document


def convert(training_document: dict, run: Mapping, kind: str, catalogue: Mapping[str, ComponentSpec],
            *, describe: Describe | None = None) -> Conversion:
    """Like `inference_graph`, also naming the artifacts to register and the datasets to export.

    `describe(digest)` gives an artifact's meta (`columns`, `roles`, and for models
    `info.label_column`); without it the web-service-input has no schema.
    """
    if kind not in KINDS:
        raise InferenceConversionError("invalid-kind", f"kind must be one of {list(KINDS)}, not {kind!r}")
    _check_run(run)
    return _Converter(training_document, run, kind, catalogue, describe).convert()


def _check_run(run: Mapping) -> None:
    status = run.get("status")
    if status == "completed":
        return
    if status == "failed":
        raise InferenceConversionError("run-failed", f"run {run.get('run_id')} failed, so it has no trained model "
                                       f"to serve; fix the graph and run it again", status=409)
    if status == "cancelled":
        raise InferenceConversionError("run-cancelled", f"run {run.get('run_id')} was cancelled before it "
                                       f"finished; run the graph to completion first", status=409)
    raise InferenceConversionError("run-not-completed", f"run {run.get('run_id')} is {status}; wait until it "
                                   f"completes", status=409)


class _Converter:
    def __init__(self, document: dict, run: Mapping, kind: str, catalogue: Mapping[str, ComponentSpec],
                 describe: Describe | None):
        self.document, self.run, self.kind, self.catalogue = document, run, kind, catalogue
        self.describe = describe
        self.nodes = {n["id"]: n for n in document.get("nodes") or []}
        self.specs: dict[str, ComponentSpec] = {}
        for node_id, node in self.nodes.items():
            spec = catalogue.get(node["component"])
            if spec is None:
                raise InferenceConversionError("unknown-component", f"node '{node_id}' uses component "
                                               f"'{node['component']}', which is not installed", node=node_id)
            self.specs[node_id] = spec
        self.incoming: dict[str, dict[str, tuple[str, str]]] = {n: {} for n in self.nodes}
        for edge in document.get("edges") or []:
            self.incoming.setdefault(edge["target"], {})[edge["target_port"]] = (edge["source"], edge["source_port"])
        self.frozen = freezers(catalogue)
        self.appliers = appliers(catalogue)
        self.values = dict(run.get("parameters") or {})
        self.declared = {p["name"]: p for p in document.get("parameters") or []}
        # The new graph, built up as we walk.
        self.out_nodes: dict[str, dict] = {}
        self.out_edges: list[dict] = []
        self.provided: dict[tuple, tuple[str, str]] = {}
        self.artifacts: list[SavedArtifact] = []
        self.exports: list[DatasetExport] = []
        self.used_parameters: dict[str, dict] = {}
        self.inputs_made: list[str] = []  # web-service-input node ids
        self.labels: set[str] = set()
        self.origin: dict[str, str] = {}  # added node → the training node it stands for

    # ------------------------------------------------------------ top level
    def convert(self) -> Conversion:
        scorers = [n for n in self.nodes if is_scorer(self.specs[n])]
        if not scorers:
            raise InferenceConversionError(
                "no-scoring-node", "the graph has no scoring node (such as Score Model) fed by a trained model, "
                                   "so there is nothing to turn into an inference graph")
        for node_id in self.nodes:
            for declared in self.specs[node_id].params_of_kind(Kind.LABEL):
                label = self._literal(node_id, declared.name)
                if isinstance(label, str) and label.strip():
                    self.labels.add(label.strip())
        for number, scorer in enumerate(scorers):
            self._completed(scorer)
            self._keep(scorer)
            out_port = next(p for p, t in self.specs[scorer].outputs.items() if t.name in DATA_TYPES)
            self._attach_output(scorer, out_port, number)
        self._pin_data_dependent_settings()
        if self.kind == "realtime":
            realtime.finish_input_schemas(self)
            realtime.drop_label_references(self)
        return Conversion(self._document(), self.artifacts, self.exports)

    def _document(self) -> dict:
        name = self.document.get("name") or "Untitled pipeline"
        label = "real-time inference" if self.kind == "realtime" else "batch inference"
        document = {
            "format": FORMAT,
            "name": f"{name} ({label})"[:200],
            "description": f"{label.capitalize()} graph made from run {self.run.get('run_id')} of '{name}': "
                           f"the models and transformations are that run's, unchanged.",
            "parameters": list(self.used_parameters.values()),
            "nodes": self._nodes_in_order(),
            "edges": self.out_edges,
            "metadata": {"inference": {"kind": self.kind, "source_graph_id": self.run.get("graph_id"),
                                       "source_revision": self.run.get("revision"),
                                       "source_run_id": self.run.get("run_id")}},
        }
        if self.document.get("default_compute"):
            document["default_compute"] = self.document["default_compute"]
        return layered(document)

    def _nodes_in_order(self) -> list[dict]:
        """Sources first, each node after what feeds it; ties keep the training document's order."""
        import networkx as nx

        rank = {node_id: index for index, node_id in enumerate(self.nodes)}
        digraph = nx.DiGraph()
        digraph.add_nodes_from(self.out_nodes)
        digraph.add_edges_from((e["source"], e["target"]) for e in self.out_edges)
        def key(node_id):
            origin = self.origin.get(node_id, node_id)
            return (rank.get(origin, len(rank)), node_id != origin, node_id)

        order = nx.lexicographical_topological_sort(digraph, key=key)
        return [self.out_nodes[n] for n in order]

    # ------------------------------------------------------------ the walk
    def _provide(self, node_id: str, port: str, main: bool) -> tuple[str, str]:
        """Where the new graph gives the equivalent of training output `node_id.port`."""
        key = (node_id, port, main)
        if key not in self.provided:
            self.provided[key] = self._make(node_id, port, main)
        return self.provided[key]

    def _make(self, node_id: str, port: str, main: bool) -> tuple[str, str]:
        spec = self.specs[node_id]
        out_type = spec.outputs[port].name
        if out_type in self.frozen:
            return self._frozen(node_id, port, out_type)
        connected = self.incoming.get(node_id, {})
        if out_type in DATA_TYPES and not connected:
            return self._source(node_id, port, out_type) if main else self._keep(node_id, port)
        if spec.training_only:
            return self._bypass(node_id, port, out_type, main)
        if Role.NO_INFERENCE_FORM in spec.roles:
            raise InferenceConversionError(
                "no-inference-form", f"node '{node_id}' ({spec.id}) is on the scoring path, and its result cannot "
                                     f"be guaranteed equal at inference time; move it off the path to the model, or "
                                     f"replace it with built-in components", node=node_id)
        fitted = [p for p, t in spec.outputs.items() if t.name == "Transformation"]
        if fitted and out_type in DATA_TYPES:
            return self._apply_fitted(node_id, port, out_type, fitted[0], main)
        return self._keep(node_id, port, main)

    def _keep(self, node_id: str, port: str | None = None, main: bool = True) -> tuple[str, str]:
        if node_id not in self.out_nodes:
            spec = self.specs[node_id]
            node = self._copy_node(node_id)
            node["params"].update(spec.inference_params)
            self.out_nodes[node_id] = node
            primary = primary_input(spec, self.incoming.get(node_id, {}))
            for in_port, (src, src_port) in self.incoming.get(node_id, {}).items():
                new_src, new_port = self._provide(src, src_port, main and in_port == primary)
                self._edge(new_src, new_port, node_id, in_port)
        return node_id, port or ""

    def _frozen(self, node_id: str, port: str, out_type: str) -> tuple[str, str]:
        freezer = self.frozen[out_type]
        component, out_port, suffix = freezer.component, freezer.port, freezer.suffix
        if self.nodes[node_id]["component"] == component:
            return self._keep(node_id, port)
        digest = self._output_digest(node_id, port)
        same_type = [p for p, t in self.specs[node_id].outputs.items() if t.name == out_type]
        new_id = self._free_id(f"{node_id}-{suffix}" if len(same_type) == 1 else f"{node_id}-{port}")
        self.out_nodes[new_id] = {"id": new_id, "component": component, "params": {"digest": digest}}
        self.origin[new_id] = node_id
        self.artifacts.append(SavedArtifact(new_id, "model" if out_type == "TrainedModel" else "transformation",
                                            digest, node_id, port))
        if out_type == "TrainedModel":
            info = (self.describe_digest(digest) or {}).get("info") or {}
            if isinstance(info.get("label_column"), str) and info["label_column"]:
                self.labels.add(info["label_column"])
        return new_id, out_port

    def _bypass(self, node_id: str, port: str, out_type: str, main: bool) -> tuple[str, str]:
        spec = self.specs[node_id]
        data_inputs = [(p, src) for p, src in self.incoming.get(node_id, {}).items()
                       if spec.inputs[p].type.name == out_type]
        if len(data_inputs) != 1 or any(t.name != out_type for t in spec.outputs.values()):
            raise InferenceConversionError(
                "training-only-on-scoring-path", f"node '{node_id}' ({spec.id}) only makes sense in training, but "
                                                 f"the scoring data passes through it", node=node_id)
        src, src_port = data_inputs[0][1]
        return self._provide(src, src_port, main)

    def _apply_fitted(self, node_id: str, port: str, out_type: str, transformation_port: str,
                      main: bool) -> tuple[str, str]:
        spec = self.specs[node_id]
        data_inputs = [(p, src) for p, src in self.incoming.get(node_id, {}).items()
                       if spec.inputs[p].type.name == out_type]
        if len(data_inputs) != 1 or out_type not in self.appliers:
            raise InferenceConversionError(
                "no-inference-form", f"node '{node_id}' ({spec.id}) learns from more than one input, so it cannot "
                                     f"be replaced by re-applying what it learned", node=node_id)
        applier = self.appliers[out_type]
        if node_id not in self.out_nodes:
            t_node, t_out = self._provide(node_id, transformation_port, False)
            self.out_nodes[node_id] = {"id": node_id, "component": applier.component, "params": dict(applier.params)}
            self._edge(t_node, t_out, node_id, applier.transformation_port)
            src, src_port = data_inputs[0][1]
            new_src, new_port = self._provide(src, src_port, main)
            self._edge(new_src, new_port, node_id, applier.data_port)
        return node_id, applier.port

    # ------------------------------------------------------------ sources and sinks
    def _source(self, node_id: str, port: str, out_type: str) -> tuple[str, str]:
        spec = self.specs[node_id]
        digest = self._output_digest(node_id, port)
        if self.kind == "realtime":
            if out_type != "DataFrame":
                raise InferenceConversionError(
                    "realtime-needs-table-input", f"the scoring data comes from node '{node_id}' ({spec.id}) as "
                                                  f"{out_type}; a real-time endpoint takes table rows, so convert "
                                                  f"them with a table first or make a batch graph", node=node_id)
            service_input = one_with_role(self.catalogue, Role.WEB_SERVICE_INPUT)
            number = len(self.inputs_made)
            new_id = self._free_id(service_input.id if number == 0 else f"{service_input.id}-{number + 1}")
            self.out_nodes[new_id] = {"id": new_id, "component": service_input.id,
                                      "params": {"schema": "", "name": f"WebServiceInput{number}"},
                                      "_source_digest": digest}
            self.origin[new_id] = node_id
            self.inputs_made.append(new_id)
            return new_id, next(iter(service_input.outputs))
        number = sum(1 for p in self.used_parameters if p.startswith(DATASET_PARAMETER))
        parameter = DATASET_PARAMETER if number == 0 else f"{DATASET_PARAMETER}_{number + 1}"
        path_param = param_of_kind(spec, Kind.READ_PATH)
        if path_param:
            node = self._copy_node(node_id)
            default = node["params"].get(path_param, spec.params[path_param].default)
            node["params"][path_param] = {"$param": parameter}
            self.out_nodes[node_id] = node
            self._declare(parameter, "str", self._resolve(default),
                          f"The data to score, a path inside the datastore (as read by {spec.id}).")
            return node_id, port
        if out_type != "DataFrame":
            raise InferenceConversionError(
                "no-batch-input", f"node '{node_id}' ({spec.id}) has no path to read other data from", node=node_id)
        reader = one_with_role(self.catalogue, Role.TABLE_READER)
        path = f"inference/datasets/{digest[:20]}.parquet"
        self.exports.append(DatasetExport(digest, path, node_id))
        self.out_nodes[node_id] = {"id": node_id, "component": reader.id,
                                   "params": {param_of_kind(reader, Kind.READ_PATH): {"$param": parameter}}}
        self._declare(parameter, "str", path, f"The data to score, a file inside the datastore (CSV, Parquet or "
                                              f"JSON); the default is the data '{node_id}' gave the training run.")
        return node_id, next(iter(reader.outputs))

    def _attach_output(self, scorer: str, port: str, number: int) -> None:
        if self.kind == "realtime":
            service_output = one_with_role(self.catalogue, Role.WEB_SERVICE_OUTPUT)
            new_id = self._free_id(service_output.id if number == 0 else f"{service_output.id}-{number + 1}")
            self.out_nodes[new_id] = {"id": new_id, "component": service_output.id,
                                      "params": {"name": f"WebServiceOutput{number}"}}
            self.origin[new_id] = scorer
            self._edge(scorer, port, new_id, next(iter(service_output.inputs)))
            return
        parameter = OUTPUT_PARAMETER if number == 0 else f"{OUTPUT_PARAMETER}_{number + 1}"
        name_slug = slug(self.document.get("name") or "pipeline")
        suffix = "" if number == 0 else f"-{scorer}"
        self._declare(parameter, "str", f"inference/{name_slug}-scored{suffix}.csv",
                      "Where the scored rows are written, a path inside the datastore (.csv, .parquet or .json).")
        writer = one_with_role(self.catalogue, Role.TABLE_WRITER)
        new_id = self._free_id("export-scored" if number == 0 else f"export-scored-{number + 1}")
        self.out_nodes[new_id] = {"id": new_id, "component": writer.id,
                                  "params": {param_of_kind(writer, Kind.WRITE_PATH): {"$param": parameter}}}
        self.origin[new_id] = scorer
        self._edge(scorer, port, new_id, next(iter(writer.inputs)))

    def _pin_data_dependent_settings(self) -> None:
        """Settings a component would otherwise pick from whatever data it is given are fixed to the run's choice."""
        for node_id, node in self.out_nodes.items():
            if node_id not in self.nodes:
                continue
            spec = self.specs[node_id]
            for declared in spec.params.values():
                if declared.from_training is None or node["params"].get(declared.name) not in (None, declared.default):
                    continue
                table_port = primary_input(spec, self.incoming.get(node_id, {}))
                source = self.incoming[node_id].get(table_port) if table_port else None
                meta = self.describe_digest(self._output_digest(*source)) if source else None
                params = {name: self._literal(node_id, name) for name in spec.params}
                value = declared.from_training(params, meta) if meta else None
                if value is not None:
                    node["params"][declared.name] = value

    # ------------------------------------------------------------ helpers
    def _completed(self, node_id: str) -> dict:
        record = (self.run.get("nodes") or {}).get(node_id)
        if not record or record.get("status") not in FINISHED_OK:
            status = (record or {}).get("status", "not run")
            raise InferenceConversionError(
                "node-not-completed", f"node '{node_id}' did not complete in run {self.run.get('run_id')} "
                                      f"({status}); run the whole graph first", node=node_id, status=409)
        return record

    def _output_digest(self, node_id: str, port: str) -> str:
        output = (self._completed(node_id).get("outputs") or {}).get(port) or {}
        digest = output.get("digest") if isinstance(output, dict) else output
        if not digest:
            raise InferenceConversionError("node-not-completed", f"run {self.run.get('run_id')} kept no output "
                                           f"'{port}' of node '{node_id}'", node=node_id, status=409)
        return digest

    def describe_digest(self, digest: str) -> Mapping | None:
        return self.describe(digest) if self.describe is not None else None

    def _copy_node(self, node_id: str) -> dict:
        source = self.nodes[node_id]
        node = {"id": node_id, "component": source["component"],
                "params": {name: self._param_value(value) for name, value in (source.get("params") or {}).items()}}
        for key in ("version", "compute", "position", "comment"):
            if key in source:
                node[key] = source[key]
        return node

    def _param_value(self, value: Any) -> Any:
        if not (isinstance(value, dict) and "$param" in value):
            return value
        name = value["$param"]
        if self.kind == "realtime":
            return self._resolve(value)
        declared = dict(self.declared.get(name) or {"name": name, "type": "str"})
        if name in self.values:
            declared["default"] = self.values[name]
        self.used_parameters.setdefault(name, declared)
        return {"$param": name}

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and "$param" in value:
            name = value["$param"]
            if name in self.values:
                return self.values[name]
            return (self.declared.get(name) or {}).get("default")
        return value

    def _literal(self, node_id: str, param: str) -> Any:
        return self._resolve((self.nodes[node_id].get("params") or {}).get(param))

    def _declare(self, name: str, type_name: str, default: Any, description: str) -> None:
        self.used_parameters[name] = {"name": name, "type": type_name, "default": default, "description": description}

    def _edge(self, source: str, source_port: str, target: str, target_port: str) -> None:
        self.out_edges.append({"source": source, "source_port": source_port,
                               "target": target, "target_port": target_port})

    def _free_id(self, wanted: str) -> str:
        """`wanted`, or `wanted-2`, ...: never an id the new graph or a kept training node has."""
        candidate, number = wanted, 2
        while candidate in self.out_nodes or candidate in self.nodes:
            candidate = f"{wanted}-{number}"
            number += 1
        return candidate

    def descendants(self, roots: list[str]) -> set[str]:
        found, frontier = set(roots), list(roots)
        while frontier:
            current = frontier.pop()
            for edge in self.out_edges:
                if edge["source"] == current and edge["target"] not in found:
                    found.add(edge["target"])
                    frontier.append(edge["target"])
        return found


