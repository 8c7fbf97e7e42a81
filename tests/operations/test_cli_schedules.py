"""`designer schedules add|list|pause|resume|remove` in a real subprocess against a real home."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from canvas_store.repository import Store
from operations_support import iris_document

CLI = Path(sys.executable).with_name("designer")


def designer(home, *args):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run([str(CLI), *args, "--home", str(home)], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.fixture
def home_with_pipeline(tmp_path):
    home = tmp_path / "home"
    with Store.for_home(home) as store:
        graph = store.create_graph(iris_document())
        published = store.publish_pipeline(graph["id"], 1, iris_document())
    return home, published["pipeline_id"], graph["id"]


def test_add_list_pause_resume_and_remove(home_with_pipeline):
    home, pipeline_id, graph_id = home_with_pipeline
    added = designer(home, "schedules", "add", "--pipeline", pipeline_id, "--cron", "0 6 * * 1-5",
                     "--timezone", "Europe/Paris", "--param", "test_fraction=0.4", "--name", "mornings", "--json")
    assert added.returncode == 0, added.stderr
    schedule = json.loads(added.stdout)
    assert schedule["parameters"] == {"test_fraction": 0.4} and schedule["next_run"]
    every = designer(home, "schedules", "add", "--graph", graph_id, "--every", "2", "--unit", "hours")
    assert every.returncode == 0 and "every 2 hours" in every.stdout
    listed = json.loads(designer(home, "schedules", "list", "--json").stdout)["schedules"]
    assert [s["name"] for s in listed] == ["mornings", ""]
    table = designer(home, "schedules", "list").stdout
    assert "cron 0 6 * * 1-5 (Europe/Paris)" in table and "every 2 hours" in table
    paused = json.loads(designer(home, "schedules", "pause", schedule["id"], "--json").stdout)
    assert paused["enabled"] is False and paused["next_run"] is None
    resumed = json.loads(designer(home, "schedules", "resume", schedule["id"], "--json").stdout)
    assert resumed["enabled"] is True and resumed["next_run"]
    assert designer(home, "schedules", "remove", schedule["id"]).returncode == 0
    assert len(json.loads(designer(home, "schedules", "list", "--json").stdout)["schedules"]) == 1


@pytest.mark.parametrize("args, says", [
    (["--pipeline", "nope", "--cron", "0 6 * * *"], "pipeline_id"),
    (["--pipeline", "PIPELINE", "--cron", "99 * * * *"], "cron"),
    (["--pipeline", "PIPELINE", "--cron", "0 6 * * *", "--timezone", "Nowhere/Town"], "timezone"),
    (["--pipeline", "PIPELINE", "--every", "0"], "every.interval"),
    (["--pipeline", "PIPELINE", "--version", "7", "--every", "1"], "version"),
    (["--pipeline", "PIPELINE", "--every", "1", "--param", "oops"], "--param"),
])
def test_bad_input_exits_2_naming_the_field(home_with_pipeline, args, says):
    home, pipeline_id, _ = home_with_pipeline
    result = designer(home, "schedules", "add", *[pipeline_id if a == "PIPELINE" else a for a in args])
    assert result.returncode == 2 and says in result.stderr


def test_pausing_an_unknown_schedule_exits_2(home_with_pipeline):
    home, _, _ = home_with_pipeline
    assert designer(home, "schedules", "pause", "nope").returncode == 2
    assert designer(home, "schedules", "remove", "nope").returncode == 2
