"""The execute-python-script component: a user's `azureml_main` run in a sandboxed process, with limits.

Azure ML designer's contract is kept so existing scripts work unchanged: the
script defines `azureml_main(dataframe1 = None, dataframe2 = None)` and returns
a tuple of up to two pandas DataFrames. The script runs in a child process
(`components._script_host`, inside `components.script_sandbox`) so a crash, a
hang, a fork bomb or a curious script cannot harm the run or the server; tables
cross over as Parquet files in a private temporary folder.
"""
import os
import queue
import shutil
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
from components.script_sandbox import SandboxedProcess, ScriptLimits, detect_isolation
from components.spec import ComponentError, Input, Param, component

SCRIPT_COMPONENT = "execute-python-script"
#: Set to "off" (by `designer serve --no-python-script`) to refuse running scripts in this process tree.
SCRIPT_SWITCH = "DESIGNER_PYTHON_SCRIPT"
HOST_FILE = "_script_host.py"

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


@component(id=SCRIPT_COMPONENT, category="Python Language",
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
    runs in a sandboxed process (no network, no access to the designer's files
    where the machine has bubblewrap; memory and process limits everywhere) and
    is stopped after `timeout_seconds` (at most the server's maximum).
    """
    if os.environ.get(SCRIPT_SWITCH, "").lower() in ("off", "0", "false"):
        raise ComponentError("execute-python-script is turned off on this server")
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
    """Run the child in its sandbox, streaming its output lines into ctx.log; returns (exit status, last
    stderr lines)."""
    limits = ScriptLimits.from_environment()
    if timeout_seconds > limits.max_seconds:
        ctx.log(f"note: timeout_seconds {timeout_seconds} is above this server's maximum; "
                f"the script gets {limits.max_seconds} s")
        timeout_seconds = limits.max_seconds
    isolation = detect_isolation()
    shutil.copyfile(host.__file__, work / HOST_FILE)
    process = SandboxedProcess(work, HOST_FILE, limits, isolation)
    ctx.log(f"isolation: {isolation.describe()}; runs as {process.runs_as}; limits: {limits.describe()}")
    lines: queue.Queue = queue.Queue()
    stderr_tail: deque = deque(maxlen=_STDERR_TAIL)
    pumps = [threading.Thread(target=_pump, args=(stream, kind, lines), daemon=True)
             for stream, kind in ((process.process.stdout, "stdout"), (process.process.stderr, "stderr"))]
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
        process.stop()
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

