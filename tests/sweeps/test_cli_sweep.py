"""`designer sweep` on the command line: --json prints the sweep as the API does; exit codes 0, 1, 2."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from graphs import iris_network

DESIGNER = Path(sys.executable).with_name("designer")
ROOT = Path(__file__).resolve().parents[2]


def _designer(*args, home):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([str(DESIGNER), *args, "--home", str(home)], capture_output=True, text=True,
                          env=env, timeout=300)


def test_cli_sweep_json_prints_the_sweep_and_exits_0(tmp_path):
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps(iris_network(epochs=20)))
    done = _designer("sweep", str(graph), "--space", "learning_rate=choice(0.05, 0.0000001)",
                     "--metric", "eval.accuracy", "--sampling", "grid", "--trials", "2", "--concurrent", "1",
                     "--policy", "bandit", "--slack", "0.1", "--interval", "1", "--delay", "2",
                     "--intermediate", "train.val_accuracy", "--seed", "1", "--json", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    view = json.loads(done.stdout)
    assert view["status"] == "completed"
    assert set(view) >= {"sweep_id", "status", "trials", "best"}
    statuses = {t["parameters"]["learning_rate"]: t["status"] for t in view["trials"]}
    assert statuses == {0.05: "completed", 1e-7: "early_terminated"}
    assert view["best"]["parameters"] == {"learning_rate": 0.05}


def test_cli_sweep_shows_a_table_of_trials(tmp_path):
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps(iris_network(epochs=2)))
    done = _designer("sweep", str(graph), "--space", "learning_rate=choice(0.05, 0.02)", "nn.seed=choice(1)", "--metric",
                     "eval.accuracy", "--sampling", "grid", "--trials", "2", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert "learning_rate" in done.stdout and "eval.accuracy" in done.stdout and "best: trial" in done.stdout


def test_cli_sweep_refuses_a_bad_expression_with_exit_2(tmp_path):
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps(iris_network()))
    done = _designer("sweep", str(graph), "--space", "learning_rate=gaussian(0, 1)", "--metric", "eval.accuracy",
                     home=tmp_path / "home")
    assert done.returncode == 2
    assert "learning_rate" in done.stderr and "unknown function" in done.stderr


def test_cli_sweep_exits_1_when_every_trial_fails(tmp_path):
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps(iris_network(epochs=1)))
    done = _designer("sweep", str(graph), "--space", "learning_rate=choice(0.05)", "--metric", "eval.nonsense",
                     "--json", home=tmp_path / "home")
    assert done.returncode == 1
    view = json.loads(done.stdout)
    assert view["status"] == "failed" and "eval.nonsense" in view["trials"][0]["error"]
