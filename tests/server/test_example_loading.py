"""Example pipelines are imported on start, once per name, whatever the number of restarts."""
from __future__ import annotations

import json

from designer.server.examples import examples_folder, load_examples
from server_components import REPO


def test_every_repository_example_is_imported_once_across_restarts(designer):
    files = sorted((REPO / "examples").glob("*.json"))
    assert files, "the repository ships example graphs"
    imported = load_examples(designer.store, REPO / "examples")
    assert len(imported) == len(files)
    assert sorted(g["name"] for g in designer.store.list_graphs()) == sorted(imported)
    assert load_examples(designer.store, REPO / "examples") == []
    assert len(designer.store.list_graphs()) == len(files)


def test_every_repository_example_is_a_runnable_graph(designer):
    for path in sorted((REPO / "examples").glob("*.json")):
        assert designer.validate(json.loads(path.read_text())) == [], path.name


def test_the_examples_folder_can_be_overridden_and_broken_files_are_skipped(designer, tmp_path, monkeypatch):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps({"format": "designer-graph/1", "name": "Mine", "nodes": [], "edges": []}))
    (folder / "b.json").write_text("{not json")
    (folder / "c.json").write_text(json.dumps({"format": "other"}))
    (folder / "d.json").write_text(json.dumps({"format": "designer-graph/1", "nodes": [], "edges": []}))
    monkeypatch.setenv("DESIGNER_EXAMPLES", str(folder))
    assert examples_folder() == folder
    assert load_examples(designer.store) == ["Mine", "d"]
    assert load_examples(designer.store) == []


def test_a_user_graph_with_an_example_name_is_left_alone(designer, tmp_path, iris):
    designer.store.create_graph({**iris, "description": "my own"})
    assert iris["name"] not in load_examples(designer.store, REPO / "examples")
    mine = designer.store.find_graph_by_name(iris["name"])
    assert mine["description"] == "my own"


def test_a_missing_examples_folder_imports_nothing(designer, tmp_path):
    assert load_examples(designer.store, tmp_path / "absent") == []


def test_an_example_the_user_deleted_stays_deleted_after_a_restart(designer, tmp_path):
    record = tmp_path / "examples-imported.json"
    imported = load_examples(designer.store, REPO / "examples", record=record)
    victim = designer.store.find_graph_by_name(imported[0])
    designer.store.delete_graph(victim["id"])
    assert load_examples(designer.store, REPO / "examples", record=record) == []
    assert designer.store.find_graph_by_name(imported[0]) is None
