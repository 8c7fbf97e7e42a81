"""execute-python-script against hostile scripts: fork bombs, escaping grandchildren, reading the database, the network."""
from __future__ import annotations

import os
import socket
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from components import script_sandbox
from components.spec import ComponentError
from test_python_script import assert_no_process_of, logged, processes_of, script_uid

ISOLATION = script_sandbox.detect_isolation().level
needs_bubblewrap = pytest.mark.skipif(ISOLATION != "bubblewrap",
                                      reason=f"bubblewrap is not usable here ({script_sandbox.detect_isolation()})")
LEVELS = ["auto", "rlimits"]
#: Whether the rlimits fallback can give scripts a throwaway uid here (root, and a Python others may run).
FALLBACK_OWN_UID = os.geteuid() == 0 and script_sandbox.others_can_run_python()


def own_uid(sandbox: str) -> bool:
    """Whether scripts under `sandbox` run as a throwaway uid (the process limit binds; their processes
    can be found by uid)."""
    if os.geteuid() != 0:
        return False
    return FALLBACK_OWN_UID or (sandbox == "auto" and ISOLATION == "bubblewrap")


def script(body: str) -> str:
    return textwrap.dedent(body).lstrip()


@pytest.fixture(params=LEVELS)
def sandbox(request, monkeypatch):
    """Each hostile test runs under what the machine offers and again under the rlimits fallback."""
    monkeypatch.setenv("DESIGNER_SCRIPT_SANDBOX", request.param)
    return request.param


FORK_BOMB = script("""
    import os, time
    import pandas as pd
    def azureml_main(dataframe1 = None, dataframe2 = None):
        print(f"sandbox-uid={os.getuid()}", flush=True)
        forks, error = 0, ""
        try:
            while forks < 5000:
                if os.fork() == 0:
                    time.sleep(60)
                    os._exit(0)
                forks += 1
        except OSError as exc:
            error = str(exc)
        return pd.DataFrame({"forks": [forks], "error": [error]}),
""")


def test_a_fork_bomb_is_bounded_by_the_process_limit_and_leaves_nothing_behind(run_component, ctx, sandbox,
                                                                                monkeypatch):
    if not own_uid(sandbox):
        pytest.skip("the process limit binds only a throwaway uid (root server, Python others may run)")
    monkeypatch.setenv("DESIGNER_SCRIPT_MAX_PROCESSES", "32")
    started = time.monotonic()
    result = run_component("execute-python-script", {}, {"script": FORK_BOMB, "timeout_seconds": 60})
    row = result["result_dataset"].iloc[0]
    assert row["forks"] < 32, row.to_dict()
    assert "Resource temporarily unavailable" in row["error"]
    assert time.monotonic() - started < 30
    assert_no_process_of(script_uid(logged(ctx)))


def test_a_double_forked_grandchild_does_not_outlive_the_node(run_component, ctx, sandbox):
    code = script("""
        import os, time
        def azureml_main(dataframe1 = None, dataframe2 = None):
            print(f"sandbox-uid={os.getuid()}", flush=True)
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    print(f"grandchild-pid={os.getpid()}", flush=True)
                    time.sleep(120)
                os._exit(0)
            os.wait()
            time.sleep(0.5)
            return dataframe1,
    """)
    run_component("execute-python-script", {"dataframe1": pd.DataFrame({"a": [1]})}, {"script": code})
    if own_uid(sandbox):
        assert_no_process_of(script_uid(logged(ctx)))
    else:  # same PID namespace and user as the server: look the grandchild up by its pid
        pid = int(next(line for line in logged(ctx) if line.startswith("grandchild-pid=")).split("=")[1])
        assert_pid_gone(pid)


def test_the_script_cannot_read_the_database(run_component, ctx, tmp_path, sandbox):
    database = tmp_path / "home" / "designer.db"
    database.parent.mkdir()
    database.write_text("SQLite format 3 -- secret rows")
    code = script(f"""
        import pandas as pd
        def azureml_main(dataframe1 = None, dataframe2 = None):
            try:
                text = open({str(database)!r}).read()
            except OSError as exc:
                text = "refused: " + type(exc).__name__
            return pd.DataFrame({{"read": [text]}}),
    """)
    if sandbox == "rlimits" and not FALLBACK_OWN_UID:
        pytest.skip("without bubblewrap or a throwaway uid the script runs as the server's own user")
    read = run_component("execute-python-script", {}, {"script": code})["result_dataset"]["read"].iloc[0]
    assert read.startswith("refused"), read


def test_the_script_gets_a_scrubbed_environment_and_no_inherited_handles(run_component, sandbox, monkeypatch,
                                                                         tmp_path):
    monkeypatch.setenv("DESIGNER_DB_URL", "postgresql://designer:secret@db/designer")
    held = open(tmp_path / "held.txt", "w")  # a handle the server holds must not reach the script
    held_fd = held.fileno()
    try:
        code = script("""
            import os
            import pandas as pd
            def azureml_main(dataframe1 = None, dataframe2 = None):
                return pd.DataFrame({"names": [",".join(sorted(os.environ))],
                                     "fds": [",".join(sorted(os.listdir("/proc/self/fd")))]}),
        """)
        row = run_component("execute-python-script", {}, {"script": code})["result_dataset"].iloc[0]
    finally:
        held.close()
    assert "DESIGNER_DB_URL" not in row["names"].split(",")
    assert set(row["names"].split(",")) <= {"PATH", "PWD", "HOME", "TMPDIR", "LANG", "LC_ALL", "PYTHONUNBUFFERED",
                                            "PYTHONDONTWRITEBYTECODE", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                            "MKL_NUM_THREADS"}
    assert str(held_fd) not in row["fds"].split(",")


def test_memory_beyond_the_limit_is_refused_to_the_script(run_component, monkeypatch, sandbox):
    monkeypatch.setenv("DESIGNER_SCRIPT_MEMORY_MB", "1024")
    code = script("""
        def azureml_main(dataframe1 = None, dataframe2 = None):
            block = bytearray(3 * 1024 ** 3)
            return dataframe1,
    """)
    with pytest.raises(ComponentError, match="MemoryError"):
        run_component("execute-python-script", {}, {"script": code})


def test_the_server_maximum_caps_a_longer_time_limit(run_component, ctx, monkeypatch):
    monkeypatch.setenv("DESIGNER_SCRIPT_MAX_SECONDS", "2")
    code = script("""
        import time
        def azureml_main(dataframe1 = None, dataframe2 = None):
            time.sleep(60)
    """)
    started = time.monotonic()
    with pytest.raises(ComponentError, match="did not finish within 2 seconds"):
        run_component("execute-python-script", {}, {"script": code, "timeout_seconds": 600})
    assert time.monotonic() - started < 15
    assert any("above this server's maximum" in line for line in logged(ctx))


def test_the_node_log_names_the_isolation_it_got(run_component, ctx, sandbox):
    run_component("execute-python-script", {"dataframe1": pd.DataFrame({"a": [1]})}, {})
    line = next(line for line in logged(ctx) if line.startswith("isolation:"))
    expected = "rlimits" if sandbox == "rlimits" else ISOLATION
    assert expected in line and "MiB memory" in line


@needs_bubblewrap
def test_with_bubblewrap_the_script_has_no_network_and_sees_no_designer_files(run_component, tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    code = script(f"""
        import os, socket
        import pandas as pd
        def azureml_main(dataframe1 = None, dataframe2 = None):
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=2)
                network = "connected"
            except OSError as exc:
                network = "refused: " + type(exc).__name__
            return pd.DataFrame({{"network": [network], "tmp": [",".join(os.listdir("/tmp"))],
                                 "test_dir": [os.path.exists({str(tmp_path)!r})],
                                 "cwd": [os.getcwd()]}}),
    """)
    try:
        row = run_component("execute-python-script", {}, {"script": code})["result_dataset"].iloc[0]
    finally:
        listener.close()
    assert row["network"].startswith("refused"), row["network"]
    # /tmp is private: at most the folders the Python install is mounted under (a venv inside /tmp) show.
    mounted = {Path(source).relative_to("/tmp").parts[0] for source, _ in script_sandbox._python_roots()
               if Path(source).is_relative_to("/tmp")}
    assert set(filter(None, row["tmp"].split(","))) <= mounted and not row["test_dir"]
    assert row["cwd"] == script_sandbox.SANDBOX_DIR


def test_the_component_refuses_to_run_when_the_server_turned_it_off(run_component, monkeypatch):
    monkeypatch.setenv("DESIGNER_PYTHON_SCRIPT", "off")
    with pytest.raises(ComponentError, match="turned off on this server"):
        run_component("execute-python-script", {}, {})


def assert_pid_gone(pid: int) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"the grandchild {pid} is still running")


def test_no_process_is_left_after_an_ordinary_script(run_component, ctx):
    code = script("""
        import os
        def azureml_main(dataframe1 = None, dataframe2 = None):
            print(f"sandbox-uid={os.getuid()}", flush=True)
            return dataframe1,
    """)
    run_component("execute-python-script", {}, {"script": code})
    uid = script_uid(logged(ctx))
    assert_no_process_of(uid)
    assert processes_of(uid) == []
