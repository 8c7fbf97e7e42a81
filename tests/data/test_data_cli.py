"""The data commands: upload, register, list, show, datastores — exit codes 0 / 2 and their JSON."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from data_support import IRIS_CSV

DESIGNER = Path(sys.executable).with_name("designer")


def cli(home, *args, stdin=None):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run([str(DESIGNER), *args, "--home", str(home)], capture_output=True, text=True,
                          timeout=120, env=env, input=stdin)


def in_process(home, *args):
    """The same commands without a new interpreter (quicker); returns (exit code, stdout, stderr)."""
    import contextlib
    import io

    from designer.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*args, "--home", str(home)])
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def test_upload_register_list_show(tmp_path):
    home = tmp_path / "home"
    source = tmp_path / "iris.csv"
    source.write_text(IRIS_CSV)
    uploaded = cli(home, "data", "upload", str(source), "--folder", "raw", "--json")
    assert uploaded.returncode == 0, uploaded.stderr
    assert json.loads(uploaded.stdout)["files"] == [{"path": "raw/iris.csv", "size": len(IRIS_CSV)}]
    assert (home / "datastore" / "raw" / "iris.csv").read_text() == IRIS_CSV
    registered = cli(home, "datasets", "register", "iris", "raw/iris.csv", "--tag", "team=botany",
                     "--description", "flowers", "--json")
    assert registered.returncode == 0, registered.stderr
    assert json.loads(registered.stdout) == {"name": "iris", "version": 1}
    again = cli(home, "datasets", "register", "iris", "raw/iris.csv")
    assert again.returncode == 0 and "version 2" in again.stdout
    listed = json.loads(cli(home, "datasets", "list", "--json").stdout)["datasets"]
    assert [(d["name"], d["latest_version"]) for d in listed] == [("iris", 2)]
    assert "iris" in cli(home, "datasets", "list").stdout
    shown = json.loads(cli(home, "datasets", "show", "iris:1", "--json").stdout)
    assert shown["version"] == 1 and shown["tags"] == {"team": "botany"} and shown["rows"] == 9
    text = cli(home, "datasets", "show", "iris").stdout
    assert "iris version 2" in text and "species" in text


def test_data_commands_refuse_bad_input_with_exit_2(tmp_path):
    home = tmp_path / "home"
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n3,4,5,6\n")
    assert in_process(home, "data", "upload", str(tmp_path / "missing.csv")).returncode == 2
    assert in_process(home, "data", "upload", str(tmp_path / "bad.csv"), "--folder", "../out").returncode == 2
    assert in_process(home, "data", "upload", str(tmp_path / "bad.csv"), "--datastore", "nope").returncode == 2
    in_process(home, "data", "upload", str(tmp_path / "bad.csv"))
    unparsable = in_process(home, "datasets", "register", "bad", "bad.csv")
    assert unparsable.returncode == 2 and "line 3" in unparsable.stderr
    assert in_process(home, "datasets", "register", "x", "../etc/passwd").returncode == 2
    assert in_process(home, "datasets", "register", "x", "bad.csv", "--tag", "novalue").returncode == 2
    assert in_process(home, "datasets", "show", "nope").returncode == 2
    assert in_process(home, "datasets", "show", "bad name!").returncode == 2
    assert in_process(home, "datastores", "add", "x", "--folder", "relative/path").returncode == 2


def test_datastores_list_and_add(tmp_path):
    home = tmp_path / "home"
    shared = tmp_path / "shared"
    shared.mkdir()
    assert in_process(home, "datastores", "add", "shared", "--folder", str(shared)).returncode == 0
    assert in_process(home, "datastores", "add", "db", "--sql", "postgresql://u:pw@h/db").returncode == 0
    assert in_process(home, "datastores", "add", "shared", "--folder", str(shared)).returncode == 2
    assert in_process(home, "datastores", "add", "other", "--kind", "folder", "--path", str(shared)).returncode == 0
    assert in_process(home, "datastores", "add", "nothing").returncode == 2
    stores = json.loads(in_process(home, "datastores", "list", "--json").stdout)["datastores"]
    assert [s["name"] for s in stores] == ["workspace", "db", "other", "shared"]
    assert "pw" not in json.dumps(stores)
    (tmp_path / "t.csv").write_text("a\n1\n")
    assert in_process(home, "data", "upload", str(tmp_path / "t.csv"), "--datastore", "shared").returncode == 0
    assert (shared / "t.csv").exists()
    assert in_process(home, "datastores", "remove", "shared").returncode == 0
    assert in_process(home, "datastores", "remove", "shared").returncode == 2
    assert in_process(home, "datastores", "remove", "workspace").returncode == 2
    stores = json.loads(in_process(home, "datastores", "list", "--json").stdout)["datastores"]
    assert [s["name"] for s in stores] == ["workspace", "db", "other"] and (shared / "t.csv").exists()
