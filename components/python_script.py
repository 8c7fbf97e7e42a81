"""The execute-python-script component: a user's `azureml_main` run in its own process, with a time limit.

Azure ML designer's contract is kept so existing scripts work unchanged: the
script defines `azureml_main(dataframe1 = None, dataframe2 = None)` and returns
a tuple of up to two pandas DataFrames. The script runs in a child process
(`components._script_host`) so a crash, a hang or a stray `os.chdir` cannot
harm the run; tables cross over as Parquet files in a temporary folder.
"""
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from pathlib import Path

import pandas as pd

from components import _script_host as host
from components.columns import keep_roles
from components.ports import DataFrame
from components.roles import Role
from components.spec import ComponentError, Input, Param, component

DEFAULT_SCRIPT = '''\
# The script MUST contain a function named azureml_main, the entry point of this component.
import pandas as pd


# Each argument is the pandas.DataFrame connected to that input port, or None when none is.
def azureml_main(dataframe1 = None, dataframe2 = None):

    # Execution logic goes here
    print(f'Input pandas.DataFrame #1: {dataframe1}')

    # Return a sequence of up to two pandas.DataFrames, e.g.
    #   return dataframe1,
    #   return dataframe1, dataframe2
    return dataframe1,
'''
#: How many of the script's last stderr lines a crash message quotes.
_STDERR_TAIL = 15
_POLL_SECONDS = 0.1


@component(id="execute-python-script", category="Python Language",
           inputs={"dataframe1": Input(DataFrame, optional=True, description="Passed as dataframe1."),
                   "dataframe2": Input(DataFrame, optional=True, description="Passed as dataframe2.")},
           outputs={"result_dataset": DataFrame, "result_dataset2": DataFrame}, roles={Role.NO_INFERENCE_FORM})
def execute_python_script(dataframe1, dataframe2, *,
                          script: Param(str, DEFAULT_SCRIPT, widget="code",
                                        description="Python defining azureml_main(dataframe1, dataframe2)."),
                          timeout_seconds: Param(int, 600, min=1,
                                                 description="Stop the script after this many seconds."),
                          ctx):
    """Run your own Python (pandas, scikit-learn, ...) on up to two tables.

    The script defines `azureml_main(dataframe1 = None, dataframe2 = None)`; each
    argument is the table on that input port, or None. It returns a tuple of up
    to two DataFrames, which become `result_dataset` and `result_dataset2` (an
    empty table when not returned). What it prints appears in the node's log. It
    runs in a separate process and is stopped after `timeout_seconds`.
    """
    with tempfile.TemporaryDirectory(prefix="designer-script-") as temp:
        work = Path(temp)
        (work / host.SCRIPT_FILE).write_text(script or "")
        for name, frame in (("dataframe1", dataframe1), ("dataframe2", dataframe2)):
            if frame is not None:
                _write_input(frame, work / f"{name}.parquet")
        returncode, stderr_tail = _run_host(work, timeout_seconds, ctx)
        if (work / host.USER_ERROR_FILE).exists():
            raise ComponentError("the Python script failed:\n" + (work / host.USER_ERROR_FILE).read_text())
        if returncode != 0:
            detail = "\n".join(stderr_tail)
            raise ComponentError(f"the Python script's process ended abruptly (exit status {returncode})"
                                 + (f":\n{detail}" if detail else ""))
        results = [pd.read_parquet(work / f"result{i}.parquet") if (work / f"result{i}.parquet").exists()
                   else pd.DataFrame() for i in (1, 2)]
    source = dataframe1 if dataframe1 is not None else dataframe2
    if source is not None:
        results = [keep_roles(result, source) for result in results]
    return tuple(results)


def _write_input(frame: pd.DataFrame, path: Path) -> None:
    plain = frame.copy(deep=False)
    plain.attrs = {}
    plain.columns = [str(c) for c in plain.columns]
    plain.to_parquet(path, engine="pyarrow")


def _run_host(work: Path, timeout_seconds: int, ctx) -> tuple[int, list[str]]:
    """Run the child, streaming its output lines into ctx.log; returns (exit status, last stderr lines)."""
    package_root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen(
        [sys.executable, "-m", "components._script_host", str(work)], cwd=work, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, encoding="utf-8", errors="replace", start_new_session=(os.name == "posix"))
    lines: queue.Queue = queue.Queue()
    stderr_tail: deque = deque(maxlen=_STDERR_TAIL)
    pumps = [threading.Thread(target=_pump, args=(stream, kind, lines), daemon=True)
             for stream, kind in ((process.stdout, "stdout"), (process.stderr, "stderr"))]
    for pump in pumps:
        pump.start()
    deadline = time.monotonic() + timeout_seconds
    try:
        while process.poll() is None:
            _log_lines(lines, ctx, stderr_tail, wait=_POLL_SECONDS)
            ctx.check_cancelled()
            if time.monotonic() > deadline:
                raise ComponentError(f"the Python script did not finish within {timeout_seconds} seconds "
                                     f"and was stopped; raise timeout_seconds if it needs longer")
    finally:
        _kill(process)
        for pump in pumps:
            pump.join(timeout=2)
        _log_lines(lines, ctx, stderr_tail, wait=0)
    return process.returncode, list(stderr_tail)


def _pump(stream, kind: str, lines: queue.Queue) -> None:
    with stream:
        for line in stream:
            lines.put((kind, line.rstrip("\n")))


def _log_lines(lines: queue.Queue, ctx, stderr_tail: deque, wait: float) -> None:
    """Pass every queued output line to the log, waiting up to `wait` seconds for the first."""
    try:
        item = lines.get(timeout=wait) if wait else lines.get_nowait()
        while True:
            kind, text = item
            if kind == "stderr":
                stderr_tail.append(text)
            ctx.log(text)
            item = lines.get_nowait()
    except queue.Empty:
        return


def _kill(process: subprocess.Popen) -> None:
    """Stop the child and anything it started (its whole process group on POSIX)."""
    if process.poll() is not None:
        return
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        pass
    process.wait()
