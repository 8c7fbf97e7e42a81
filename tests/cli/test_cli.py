"""The command line: exit codes, --json output, progress display, caching across invocations."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from designer.cli import main

ROOT = Path(__file__).resolve().parents[2]
IRIS = str(ROOT / "examples" / "iris-classification.json")


def run_cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_run_json_reports_every_node_and_the_metrics(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "run", IRIS, "--home", str(tmp_path), "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["status"] == "completed" and summary["run_id"]
    assert set(summary["nodes"]) == {"iris", "split", "algo", "train", "score", "eval"}
    for node in summary["nodes"].values():
        assert node["status"] == "completed" and node["cached"] is False and node["seconds"] >= 0
    metrics = summary["nodes"]["eval"]["metrics"]
    assert metrics["accuracy"] >= 0.9 and 0.9 <= metrics["auc"] <= 1.0


def test_second_run_is_all_cached_and_a_changed_param_reruns_descendants(tmp_path, capsys):
    run_cli(capsys, "run", IRIS, "--home", str(tmp_path), "--json")
    _, out, _ = run_cli(capsys, "run", IRIS, "--home", str(tmp_path), "--json")
    assert {n["status"] for n in json.loads(out)["nodes"].values()} == {"cached"}
    _, out, _ = run_cli(capsys, "run", IRIS, "--home", str(tmp_path), "--json", "--param", "test_fraction=0.4")
    statuses = {k: v["status"] for k, v in json.loads(out)["nodes"].items()}
    assert statuses == {"iris": "cached", "algo": "cached", "split": "completed", "train": "completed",
                        "score": "completed", "eval": "completed"}


def test_plain_run_prints_statuses_and_metrics(tmp_path, capsys):
    code, out, err = run_cli(capsys, "run", IRIS, "--home", str(tmp_path))
    assert code == 0
    assert "completed" in err and "eval" in err  # the live progress display
    assert "metrics of eval" in out and "accuracy" in out


def test_invalid_graph_exits_2_with_one_error_per_line(tmp_path, capsys):
    document = json.loads(Path(IRIS).read_text())
    document["edges"] = [e for e in document["edges"] if e["target"] != "score"]
    document["nodes"].append({"id": "mystery", "component": "not-a-component"})
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    code, out, err = run_cli(capsys, "run", str(path), "--home", str(tmp_path))
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert any("node 'score' port 'dataset'" in line for line in lines)
    assert any("node 'score' port 'trained_model'" in line for line in lines)
    assert any("node 'mystery'" in line and "unknown component" in line for line in lines)
    assert "Traceback" not in err


def test_failed_run_exits_1_and_names_the_node(tmp_path, capsys):
    document = json.loads(Path(IRIS).read_text())
    next(n for n in document["nodes"] if n["id"] == "train")["params"]["label_column"] = "colour"
    path = tmp_path / "failing.json"
    path.write_text(json.dumps(document))
    code, out, err = run_cli(capsys, "run", str(path), "--home", str(tmp_path), "--json")
    summary = json.loads(out)
    assert code == 1 and summary["status"] == "failed"
    assert summary["nodes"]["train"]["status"] == "failed"
    assert "colour" in summary["nodes"]["train"]["error"]
    assert summary["nodes"]["score"]["status"] == "skipped"
    assert summary["nodes"]["split"]["status"] == "completed"


@pytest.mark.parametrize("args", [
    ["--param", "test_fraction"],            # no '='
    ["--param", "test_fraction=lots"],       # not a number
    ["--param", "nonsense=1"],               # not a pipeline parameter
    ["--param", "test_fraction=2.0"],        # out of the declared range
    ["--to", "ghost"],
    ["--compute", "nowhere"],
])
def test_bad_run_options_exit_2(tmp_path, capsys, args):
    code, _, err = run_cli(capsys, "run", IRIS, "--home", str(tmp_path), *args)
    assert code == 2 and "error" in err and "Traceback" not in err


def test_missing_or_broken_file_exits_2(tmp_path, capsys):
    assert run_cli(capsys, "run", str(tmp_path / "nope.json"), "--home", str(tmp_path))[0] == 2
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json")
    code, _, err = run_cli(capsys, "validate", str(broken))
    assert code == 2 and "not valid JSON" in err


def test_run_to_a_node_stops_there(tmp_path, capsys):
    _, out, _ = run_cli(capsys, "run", IRIS, "--home", str(tmp_path), "--json", "--to", "split")
    assert set(json.loads(out)["nodes"]) == {"iris", "split"}


def test_validate_exit_codes(tmp_path, capsys):
    assert run_cli(capsys, "validate", IRIS)[0] == 0
    code, out, _ = run_cli(capsys, "validate", IRIS, "--json")
    assert json.loads(out) == {"valid": True, "errors": []}


def test_components_lists_the_catalogue(capsys):
    code, out, _ = run_cli(capsys, "components", "--json")
    ids = {c["id"] for c in json.loads(out)}
    assert {"sample-dataset", "split-data", "train-model", "score-model", "evaluate-model",
            "logistic-regression", "neural-network"} <= ids
    code, out, _ = run_cli(capsys, "components")
    assert code == 0 and "split-data" in out and "test_fraction" in out


def test_compute_targets_can_be_added_listed_and_removed(tmp_path, capsys):
    home = ["--home", str(tmp_path)]
    assert run_cli(capsys, "compute", "add", "pool", "--process", "2", *home)[0] == 0
    assert run_cli(capsys, "compute", "add", "pool", "--process", "2", *home)[0] == 2
    _, out, _ = run_cli(capsys, "compute", "list", "--json", *home)
    assert {t["name"] for t in json.loads(out)} == {"local", "pool"}
    assert run_cli(capsys, "compute", "remove", "pool", *home)[0] == 0
    assert run_cli(capsys, "compute", "remove", "pool", *home)[0] == 2


def test_the_console_script_runs_a_graph(tmp_path):
    designer = Path(sys.executable).with_name("designer")
    result = subprocess.run([str(designer), "run", IRIS, "--json"], capture_output=True, text=True,
                            env={**os.environ, "DESIGNER_HOME": str(tmp_path)}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "completed"
    assert (tmp_path / "designer.db").exists()


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    """`designer components --json | head -c 10`: the CLI stops quietly when its reader goes away."""
    cli = Path(sys.executable).with_name("designer")
    piped = subprocess.run(f"'{cli}' components --json | head -c 10", shell=True,
                           capture_output=True, text=True, timeout=120)
    assert piped.stdout.startswith("[") and len(piped.stdout) == 10
    assert "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr, piped.stderr
