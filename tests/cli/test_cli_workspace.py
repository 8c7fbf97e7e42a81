"""`designer run --experiment`, `designer runs list|compare` and `designer models list|show|register|download`."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import joblib
import pytest
from sklearn.datasets import load_iris
from sklearn.tree import DecisionTreeClassifier

from designer.cli import main

ROOT = Path(__file__).resolve().parents[2]
IRIS = ROOT / "examples" / "iris-classification.json"
CLI = Path(sys.executable).with_name("designer")


def cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A home with two runs of iris in experiment 'cli-exp' that differ in the split seed."""
    home = tmp_path_factory.mktemp("cli-home")
    document = json.loads(IRIS.read_text())
    run_ids = []
    for seed in (7, 8):
        for node in document["nodes"]:
            if node["id"] == "split":
                node["params"]["seed"] = seed
        path = home / f"iris-{seed}.json"
        path.write_text(json.dumps(document))
        done = subprocess.run([CLI, "run", path, "--home", home, "--json", "--experiment", "cli-exp",
                               "--display-name", f"seed {seed}", "--tag", f"seed={seed}"],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        run_ids.append(json.loads(done.stdout)["run_id"])
    return home, run_ids


def test_run_with_experiment_display_name_and_tags_shows_in_runs_list(capsys, home):
    path, run_ids = home
    code, out, _ = cli(capsys, "runs", "list", "--experiment", "cli-exp", "--json", "--home", path)
    assert code == 0
    listed = json.loads(out)
    assert {r["run_id"] for r in listed["runs"]} == set(run_ids) and listed["total"] == 2
    by_id = {r["run_id"]: r for r in listed["runs"]}
    assert by_id[run_ids[0]]["display_name"] == "seed 7" and by_id[run_ids[0]]["tags"] == {"seed": "7"}
    code, out, _ = cli(capsys, "runs", "list", "--experiment", "cli-exp", "--home", path)
    assert code == 0 and "seed 7" in out and "seed 8" in out


def test_runs_list_with_a_bad_sort_exits_2(capsys, home):
    code, _, err = cli(capsys, "runs", "list", "--sort", "colour", "--home", home[0])
    assert code == 2 and "colour" in err


def test_runs_compare_json_is_the_object_the_api_gives(capsys, home):
    path, run_ids = home
    code, out, _ = cli(capsys, "runs", "compare", *run_ids, "--json", "--home", path)
    assert code == 0
    result = json.loads(out)
    assert set(result) >= {"runs", "parameters", "differing", "metrics", "curves"}
    assert result["differing"] == ["split.seed"]
    assert set(result["metrics"]["eval.accuracy"]) == set(run_ids)
    from designer.server import close_app, create_app

    app = create_app(home=str(path))
    try:
        api = app.test_client().post("/api/runs/compare", json={"run_ids": run_ids}).get_json()
    finally:
        close_app(app)
    assert api == result
    code, out, _ = cli(capsys, "runs", "compare", *run_ids, "--home", path)
    assert code == 0 and "split.seed" in out and "eval.accuracy" in out


def test_runs_compare_of_an_unknown_run_exits_2(capsys, home):
    code, _, err = cli(capsys, "runs", "compare", "0" * 32, "--home", home[0])
    assert code == 2 and "0" * 32 in err


def test_models_register_list_show_and_download(capsys, home, tmp_path):
    path, run_ids = home
    code, out, _ = cli(capsys, "models", "register", "iris-cli", "--run", run_ids[0], "--node", "train",
                       "--tag", "stage=dev", "--json", "--home", path)
    assert code == 0 and json.loads(out) == {"name": "iris-cli", "version": 1}
    code, out, _ = cli(capsys, "models", "list", "--json", "--home", path)
    assert [m["name"] for m in json.loads(out)["models"]] == ["iris-cli"]
    code, out, _ = cli(capsys, "models", "show", "iris-cli:1", "--json", "--home", path)
    assert code == 0 and json.loads(out)["lineage"]["run_id"] == run_ids[0]
    code, out, _ = cli(capsys, "models", "show", "iris-cli", "--home", path)
    assert code == 0 and "iris-cli:1" in out
    target = tmp_path / "iris.zip"
    code, _, _ = cli(capsys, "models", "download", "iris-cli:1", "--out", target, "--home", path)
    assert code == 0 and "model.json" in zipfile.ZipFile(target).namelist()


def test_models_register_a_file_and_refusals_exit_2(capsys, home, tmp_path):
    path, run_ids = home
    X, y = load_iris(return_X_y=True)
    model_file = tmp_path / "model.pkl"
    joblib.dump(DecisionTreeClassifier().fit(X, y), model_file)
    code, out, _ = cli(capsys, "models", "register", "tree-file", "--file", model_file, "--flavor", "sklearn",
                       "--home", path)
    assert code == 0 and "tree-file:1" in out
    garbage = tmp_path / "garbage.pkl"
    garbage.write_bytes(b"nope")
    code, _, err = cli(capsys, "models", "register", "garbage", "--file", garbage, "--flavor", "sklearn", "--home", path)
    assert code == 2 and "does not load" in err
    code, _, err = cli(capsys, "models", "register", "m", "--run", run_ids[0], "--node", "eval", "--home", path)
    assert code == 2 and "Metrics" in err
    code, _, err = cli(capsys, "models", "show", "never:1", "--home", path)
    assert code == 2 and "never:1" in err
    code, _, _ = cli(capsys, "models", "register", "m", "--home", path)
    assert code == 2
