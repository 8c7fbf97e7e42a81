"""The child process of execute-python-script: runs the user's `azureml_main` on tables read from files.

Run as `python -I _script_host.py [--uid UID] WORK_DIR` (a copy of this file inside WORK_DIR, so it needs
nothing but the standard library, pandas and pyarrow). WORK_DIR holds `script.py` and,
when connected, `dataframe1.parquet` / `dataframe2.parquet`. On success it gets
`result1.parquet` / `result2.parquet` for what the script returned; when the
script itself fails it gets `error.txt`, a traceback of the script's own lines,
and the process exits with status 1. Anything the script prints goes to this
process's stdout/stderr, which the parent streams into the node's log.
"""
import inspect
import linecache
import sys
import traceback
from pathlib import Path

#: The file name the script's lines carry in tracebacks.
SCRIPT_FILE = "script.py"
USER_ERROR_FILE = "error.txt"
ENTRY_POINT = "azureml_main"
PR_SET_CHILD_SUBREAPER = 36


class ScriptProblem(Exception):
    """Something the script's author must fix; the message is shown as is."""


def main(work: Path) -> int:
    _become_reaper()
    try:
        return _run(work)
    finally:
        kill_descendants()


def _run(work: Path) -> int:
    import pandas as pd

    inputs = [pd.read_parquet(work / f"dataframe{i}.parquet") if (work / f"dataframe{i}.parquet").exists()
              else None for i in (1, 2)]
    try:
        results = _call_entry_point((work / SCRIPT_FILE).read_text(), inputs)
        frames = [_storable(frame, position) for position, frame in enumerate(results, start=1)]
    except ScriptProblem as problem:
        (work / USER_ERROR_FILE).write_text(str(problem))
        return 1
    for position, frame in enumerate(frames, start=1):
        if frame is not None:
            _write(frame, work / f"result{position}.parquet")
    return 0


def _call_entry_point(source: str, inputs: list) -> list:
    # Registering the source lets tracebacks quote the script's lines even if it changes directory.
    linecache.cache[SCRIPT_FILE] = (len(source), None, source.splitlines(True), SCRIPT_FILE)
    namespace = {"__name__": "azureml_script", "__file__": SCRIPT_FILE, "__builtins__": __builtins__}
    try:
        exec(compile(source, SCRIPT_FILE, "exec"), namespace)
        entry = namespace.get(ENTRY_POINT)
        if not callable(entry):
            raise ScriptProblem(f"the script must define a function {ENTRY_POINT}(dataframe1 = None, "
                                f"dataframe2 = None)")
        returned = entry(*inputs[:_positional_count(entry)])
    except ScriptProblem:
        raise
    except SystemExit as exc:
        raise ScriptProblem(f"the script called exit({exc.code!r}) instead of returning its tables") from None
    except BaseException as exc:  # noqa: BLE001 - any failure of the user's code is theirs to read
        raise ScriptProblem(_user_traceback(exc)) from None
    return _returned_frames(returned)


def _positional_count(function) -> int:
    """How many of the two tables `function` accepts (2 unless it declares fewer)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return 2
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return 2
    return min(2, sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in parameters))


def _user_traceback(exc: BaseException) -> str:
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == SCRIPT_FILE]
    lines = traceback.format_list(frames)
    if lines:
        lines.insert(0, "Traceback (most recent call last):\n")
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return "".join(lines).rstrip()


def _returned_frames(returned) -> list:
    import pandas as pd

    if returned is None:
        return []
    if isinstance(returned, pd.DataFrame):
        return [returned]
    if isinstance(returned, (tuple, list)):
        if len(returned) > 2:
            raise ScriptProblem(f"{ENTRY_POINT} returned {len(returned)} values; return at most two DataFrames")
        wrong = [type(v).__name__ for v in returned if v is not None and not isinstance(v, pd.DataFrame)]
        if not wrong:
            return list(returned)
        raise ScriptProblem(f"{ENTRY_POINT} must return pandas DataFrames, but returned a {wrong[0]}")
    raise ScriptProblem(f"{ENTRY_POINT} must return a tuple of up to two pandas DataFrames "
                        f"(e.g. `return dataframe1,`), not a {type(returned).__name__}")


def _storable(frame, position: int):
    """The frame as a plain table: string column names, index levels with names kept as columns."""
    import pandas as pd

    if frame is None:
        return None
    frame = frame.copy(deep=False)
    frame.attrs = {}
    if not (isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1):
        frame = frame.reset_index(drop=all(name is None for name in frame.index.names))
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = ["_".join(str(part) for part in key if str(part)) for key in frame.columns]
    frame.columns = [str(c) for c in frame.columns]
    duplicated = sorted(set(frame.columns[frame.columns.duplicated()]))
    if duplicated:
        raise ScriptProblem(f"returned DataFrame #{position} has several columns named {duplicated}")
    return frame


def _write(frame, path: Path) -> None:
    import pyarrow as pa

    try:
        frame.to_parquet(path, engine="pyarrow")
        return
    except (pa.ArrowException, TypeError, ValueError):
        pass
    # Columns mixing value types (numbers and text, say) cannot be Parquet columns: keep them as text.
    mixed = []
    for column in frame.columns:
        if frame[column].dtype == object:
            try:
                pa.array(frame[column], from_pandas=True)
            except (pa.ArrowException, TypeError, ValueError):
                mixed.append(column)
                frame[column] = frame[column].map(_text_or_none)
    print(f"note: columns {mixed} mix value types and were stored as text", file=sys.stderr)
    frame.to_parquet(path, engine="pyarrow")


def _text_or_none(value):
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


def _become_reaper() -> None:
    """Adopt every orphan the script leaves (a double fork), so none outlives this process."""
    import signal

    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the process group is all that is killed
        pass
    signal.signal(signal.SIGTERM, _stop_on_signal)


def _stop_on_signal(signum, _frame) -> None:
    import os

    kill_descendants()
    os._exit(128 + signum)


def kill_descendants(kept=frozenset()) -> None:
    """SIGKILL this process's children but `kept` until none are left (orphans keep arriving while their
    parents die: this process adopts them, it is a subreaper)."""
    import os
    import signal

    for _ in range(200):
        children = children_of_this_process() - set(kept)
        if not children:
            return
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except OSError:
                pass


def children_of_this_process() -> set:
    """The pids of this process's children: from its threads' children lists, or by a walk over /proc."""
    import os

    found = set()
    try:
        for task in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{task}/children") as fh:
                found.update(int(pid) for pid in fh.read().split())
        return found
    except (OSError, ValueError):  # a kernel without the children lists
        me = os.getpid()
        return {pid for pid in _processes() if _parent_of(pid) == me}


def _processes() -> list[int]:
    import os

    try:
        return [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def drop_privileges(uid: int) -> None:
    """Become `uid` (a throwaway user id) before any user code runs; only when started as root."""
    import os

    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--uid"]:
        drop_privileges(int(arguments[1]))
        arguments = arguments[2:]
    sys.exit(main(Path(arguments[0])))
