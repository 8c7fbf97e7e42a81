"""`designer export --python|--notebook`: the script and the notebook reproduce the designer's metrics."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import components

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DESIGNER = Path(sys.executable).with_name("designer")
#: Every example whose data is a table (the image ones need image folders or long trainings).
TABULAR = ["iris-classification.json", "iris-clustering.json", "wine-neural-network.json",
           "diabetes-regression.json", "breast-cancer-boosted-tree.json"]


def cli(*args, cwd=None, env=None):
    return subprocess.run([str(DESIGNER), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=300)


def designer_metrics(example: Path, home: Path) -> dict:
    done = cli("run", example, "--json", "--home", home)
    assert done.returncode == 0, done.stderr
    nodes = json.loads(done.stdout)["nodes"]
    return {node_id: node["metrics"] for node_id, node in nodes.items() if node.get("metrics")}


def notebook_metrics(path: Path, home: Path) -> dict:
    book = nbformat.read(path, as_version=4)
    namespace: dict = {"__name__": "exported_notebook"}
    os.environ["DESIGNER_HOME"] = str(home)
    try:
        for cell in book.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, str(path), "exec"), namespace)  # noqa: S102 - the notebook under test
    finally:
        os.environ.pop("DESIGNER_HOME", None)
    return namespace["metrics"]


@pytest.mark.parametrize("example", TABULAR)
def test_exported_script_and_notebook_give_the_designers_metrics(example, tmp_path):
    source = EXAMPLES / example
    expected = designer_metrics(source, tmp_path / "home")
    assert expected, "the example computes no metrics"
    script, book = tmp_path / "pipeline.py", tmp_path / "pipeline.ipynb"
    assert cli("export", source, "--python", "--out", script).returncode == 0
    assert cli("export", source, "--notebook", "--out", book).returncode == 0
    ran = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300,
                         env={**os.environ, "DESIGNER_HOME": str(tmp_path / "script-home")})
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == expected
    assert notebook_metrics(book, tmp_path / "notebook-home") == expected


def test_the_script_has_parameters_at_the_top_and_calls_component_functions(tmp_path):
    done = cli("export", EXAMPLES / "iris-classification.json", "--python")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.index("test_fraction = 0.3") < text.index("def main")
    assert "split_params = {'test_fraction': test_fraction, 'seed': 7, 'stratify_column': 'species'}" in text
    assert "from components.table_operations import split_data" in text
    assert text.index("split = run(split_data") < text.index("train = run(train_model") \
        < text.index("score = run(score_model")


def test_the_notebook_has_one_described_cell_per_node():
    done = cli("export", EXAMPLES / "iris-classification.json", "--notebook")
    book = nbformat.reads(done.stdout, as_version=4)
    nbformat.validate(book)
    document = json.loads((EXAMPLES / "iris-classification.json").read_text())
    node_cells = [c for c in book.cells if c.cell_type == "code" and " = run(" in c.source]
    assert len(node_cells) == len(document["nodes"])
    first_line = components.get("split-data").description.splitlines()[0]
    assert any(c.cell_type == "markdown" and first_line in c.source for c in book.cells)


def test_export_of_a_saved_graph_by_id(tmp_path):
    from designer.home import Home
    from canvas_store.repository import Store

    home = Home.resolve(tmp_path / "home", None)
    store = Store.for_home(home.path, home.db_url)
    graph_id = store.create_graph(json.loads((EXAMPLES / "iris-clustering.json").read_text()))["id"]
    store.close()
    done = cli("export", graph_id, "--python", "--home", tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert "from components.algorithms import k_means" in done.stdout


def test_export_refuses_an_invalid_graph_or_an_unknown_id(tmp_path):
    broken = tmp_path / "broken.json"
    document = json.loads((EXAMPLES / "iris-classification.json").read_text())
    document["nodes"][0]["params"]["name"] = "wine"  # the label column no longer exists
    broken.write_text(json.dumps(document))
    done = cli("export", broken, "--python")
    assert done.returncode == 2 and "unknown-column" not in done.stdout and "species" in done.stderr
    missing = cli("export", "no-such-graph", "--notebook", "--home", tmp_path / "home")
    assert missing.returncode == 2 and "neither a graph file" in missing.stderr
    assert cli("export", broken).returncode == 2  # --python or --notebook is required
