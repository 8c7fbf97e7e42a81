"""Graphs as code: a graph document written as a runnable Python script or a Jupyter notebook.

The script calls each node's component function in dependency order (the executor's
order), with the pipeline parameters and each node's parameters as variables at the
top, and prints the numbers every evaluation node computed, as `designer run` does.
Pure text generation over the document and the catalogue: nothing here runs a graph.
"""
from __future__ import annotations

import builtins
import keyword
import re
from dataclasses import dataclass
from typing import Any, Mapping

import networkx as nx

from components.spec import ComponentSpec
from designer.graph.document import load_graph
from designer.graph.validation import dependency_graph

#: Runs in the generated code: builds the context a component gets and names its outputs.
HELPERS = '''\
def run(function, node_id, inputs, params):
    """Call one component function the way the designer's executor does; returns {output port: value}."""
    ctx = RunContext(run_id="script", node_id=node_id, datastore=DATASTORE, work_dir=WORK_DIR / node_id,
                     report=lambda kind, payload: _report(node_id, kind, payload),
                     artifact_loader=_load_artifact)
    return call_component(function.spec, inputs, params, ctx)


def _report(node_id, kind, payload):
    if kind == "node.log":
        print(f"[{node_id}] {payload['text']}", file=sys.stderr)


def _load_artifact(digest):
    from canvas_store.artifacts import ArtifactStore

    return ArtifactStore(HOME / "artifacts").get(digest)


def numbers(metrics):
    """The numbers of a Metrics output (what `designer run` prints for an evaluation node)."""
    values = metrics.get("metrics", metrics) if isinstance(metrics, dict) else {}
    return {k: v for k, v in values.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
'''


@dataclass(frozen=True)
class NodeCode:
    node_id: str
    variable: str
    spec: ComponentSpec
    title: str
    params_line: str
    call_line: str


@dataclass(frozen=True)
class GraphCode:
    """The pieces both the script and the notebook are made of."""

    name: str
    description: str
    header: str
    imports: str
    settings: str
    parameters: str
    nodes: tuple[NodeCode, ...]
    metrics: str


def graph_code(document: Mapping[str, Any], catalogue: Mapping[str, ComponentSpec]) -> GraphCode:
    """Code for a document that passed validation (unknown components raise KeyError)."""
    graph = load_graph(dict(document))
    order = list(nx.lexicographical_topological_sort(dependency_graph(graph)))
    names = _Names()
    pipeline_vars = {p.name: names.take(p.name) for p in graph.parameters}
    node_vars = {node_id: names.take(node_id) for node_id in order}
    functions: dict[str, str] = {}
    imports: dict[str, set[str]] = {}
    for node in graph.nodes:
        function = catalogue[node.component].function
        if node.component not in functions:
            functions[node.component] = names.take(function.__name__, reserved=True)
            imports.setdefault(function.__module__, set()).add(
                function.__name__ if functions[node.component] == function.__name__
                else f"{function.__name__} as {functions[node.component]}")
    parameter_lines = [f"{pipeline_vars[p.name]} = {_literal(_typed(p.type, p.default))}"
                       + (f"  # {p.description}" if p.description else "") for p in graph.parameters]
    nodes = []
    metrics_lines = []
    for node_id in order:
        node = graph.node(node_id)
        spec = catalogue[node.component]
        params = {}
        for name, value in node.params.items():
            if isinstance(value, dict) and "$param" in value:
                params[name] = _Code(pipeline_vars.get(value["$param"], repr(None)))
            else:
                params[name] = value
        variable = node_vars[node_id]
        params_var = names.take(f"{variable}_params")
        inputs = ", ".join(f"{port!r}: {node_vars[edge.source]}[{edge.source_port!r}]"
                           for port, edge in graph.incoming(node_id).items())
        call = f"{variable} = run({functions[node.component]}, {node_id!r}, {{{inputs}}}, {params_var})"
        nodes.append(NodeCode(node_id, variable, spec, f"{spec.name} ({node_id})",
                              f"{params_var} = {_dict_literal(params)}", call))
        for port, port_type in spec.outputs.items():
            if port_type.name == "Metrics":
                metrics_lines.append(f"metrics[{node_id!r}] = numbers({variable}[{port!r}])")
    module_imports = "\n".join(f"from {module} import {', '.join(sorted(found))}"
                               for module, found in sorted(imports.items()))
    return GraphCode(
        name=graph.name, description=graph.description,
        header=f'"""{_docstring_text(graph.name)}: exported from the ML pipeline designer.\n\n'
               f'Runs the graph without the server: each node\'s component function is called in\n'
               f'dependency order. Edit the parameters below; run with `python this_file.py`.\n"""',
        imports="import json\nimport os\nimport sys\nfrom pathlib import Path\n\n"
                "from components.calling import call_component\nfrom components.context import RunContext\n"
                + module_imports,
        settings='#: Where import-data and export-data paths point (the designer home\'s datastore).\n'
                 'HOME = Path(os.environ.get("DESIGNER_HOME", ".designer"))\n'
                 'DATASTORE = Path(os.environ.get("DESIGNER_DATASTORE", HOME / "datastore"))\n'
                 'WORK_DIR = Path(os.environ.get("DESIGNER_WORK_DIR", HOME / "script-work"))',
        parameters="\n".join(["# Pipeline parameters", *parameter_lines] if parameter_lines else [])
                   + ("\n\n" if parameter_lines else "") + "# Node parameters\n"
                   + "\n".join(n.params_line for n in nodes),
        nodes=tuple(nodes),
        metrics="metrics = {}\n" + "\n".join(metrics_lines) + "\nprint(json.dumps(metrics, indent=2))",
    )


def python_script(document: Mapping[str, Any], catalogue: Mapping[str, ComponentSpec]) -> str:
    code = graph_code(document, catalogue)
    body = []
    for node in code.nodes:
        body.append(f"# {node.title}: {_first_line(node.spec.description)}")
        body.append(node.call_line)
    return "\n\n".join([code.header, code.imports, code.settings, code.parameters]) + "\n\n\n" + "\n\n\n".join([
        HELPERS.rstrip(),
        "def main():\n" + _indent("\n".join(body) + "\n" + code.metrics) + "\n    return metrics",
        'if __name__ == "__main__":\n    main()',
    ]) + "\n"


def notebook(document: Mapping[str, Any], catalogue: Mapping[str, ComponentSpec]):
    """An nbformat v4 notebook: the pipeline's description, set-up, parameters, then one cell per node."""
    import nbformat
    from nbformat import v4

    code = graph_code(document, catalogue)
    cells = [v4.new_markdown_cell(f"# {code.name}\n\n{code.description}".rstrip()
                                  + "\n\nExported from the ML pipeline designer: each node below calls its "
                                    "component function, in dependency order."),
             v4.new_code_cell(code.imports + "\n\n" + code.settings + "\n\n" + HELPERS.rstrip()),
             v4.new_markdown_cell("## Parameters"),
             v4.new_code_cell(code.parameters)]
    for node in code.nodes:
        cells.append(v4.new_markdown_cell(f"## {node.title}\n\n{node.spec.description}".rstrip()))
        cells.append(v4.new_code_cell(node.call_line))
    cells.append(v4.new_markdown_cell("## Metrics"))
    cells.append(v4.new_code_cell(code.metrics))
    book = v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.validate(book)
    return book


class _Code(str):
    """Text that goes into the generated code as is (a variable name), not as a literal."""


class _Names:
    """Python identifiers for node ids and parameter names, each used once."""

    def __init__(self):
        self.used = {"run", "numbers", "metrics", "main", "json", "os", "sys", "Path", "HOME", "DATASTORE",
                     "WORK_DIR", "RunContext", "call_component"}

    def take(self, text: str, reserved: bool = False) -> str:
        base = re.sub(r"\W+", "_", text).strip("_") or "node"
        if base[0].isdigit():
            base = f"n_{base}"
        if keyword.iskeyword(base) or (not reserved and hasattr(builtins, base)):
            base += "_"
        name, n = base, 2
        while name in self.used:
            name = f"{base}_{n}"
            n += 1
        self.used.add(name)
        return name


def _typed(type_name: str, value: Any) -> Any:
    if type_name == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _literal(value: Any) -> str:
    if isinstance(value, _Code):
        return str(value)
    return repr(value)


def _dict_literal(values: Mapping[str, Any]) -> str:
    if not values:
        return "{}"
    return "{" + ", ".join(f"{k!r}: {_literal(v)}" for k, v in values.items()) + "}"


def _first_line(text: str) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def _docstring_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', "'''")


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else "" for line in text.splitlines())
