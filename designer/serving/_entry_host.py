"""The warm sandboxed process of an entry-script deployment: Azure ML's `init()` once, then `run(raw_data)` per request.

A copy of this file runs beside a copy of `components/_script_host.py` in the endpoint's folder, inside
`components.script_sandbox`, as `python -I _entry_host.py [--uid UID] WORK_DIR [IMPORT_ROOT...]` with
AZUREML_MODEL_DIR set. WORK_DIR holds the script (`SCRIPT_FILE`); each IMPORT_ROOT goes on sys.path (the
project's own packages, which the default score.py of a designer model imports). The protocol stream
(the real stdout) first gets {"ready": true} or {"error": traceback}; then each request line {"raw": TEXT}
on stdin gets {"started": true} as soon as it is read (so the server knows the request reached run()),
then {"ok": true, "result": JSON} or {"ok": false, "error": traceback, "memory": bool}. What the script
prints goes to stderr (the server keeps the tail). Processes init() starts live as long as this one;
those a run() starts are killed once it has answered, and none outlives this process.
"""
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves this file's folder off the path

from _script_host import (SCRIPT_FILE, ScriptProblem, _become_reaper, _user_traceback,  # noqa: E402
                          children_of_this_process, drop_privileges, kill_descendants)


def _load(work: Path) -> dict:
    import linecache

    source = (work / SCRIPT_FILE).read_text()
    linecache.cache[SCRIPT_FILE] = (len(source), None, source.splitlines(True), SCRIPT_FILE)
    namespace = {"__name__": "score", "__file__": str(work / SCRIPT_FILE),
                 "__builtins__": __builtins__}
    exec(compile(source, SCRIPT_FILE, "exec"), namespace)
    for name in ("init", "run"):
        if not callable(namespace.get(name)):
            raise ScriptProblem(f"the entry script must define {name}()"
                                + (" (it loads the model from os.environ['AZUREML_MODEL_DIR'])" if name == "init"
                                   else " (it takes the request body as text and returns JSON)"))
    namespace["init"]()
    return namespace


def _answer(result):
    if isinstance(result, (bytes, bytearray)):
        result = result.decode("utf-8", "replace")
    if isinstance(result, str):
        try:  # many score.py files return json.dumps(...)
            return json.loads(result)
        except ValueError:
            return result
    if hasattr(result, "tolist"):
        return result.tolist()
    return result


def _failure(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, ScriptProblem) else _user_traceback(exc)


def _has_children() -> bool:
    """Whether any thread of this process has a child (one system call: no list is read in the usual case)."""
    try:
        os.waitpid(-1, os.WNOHANG)  # reaps one that has ended, if any
        return True
    except ChildProcessError:
        return False


def _serve(namespace: dict, protocol) -> None:
    run, kept = namespace["run"], children_of_this_process()
    for line in sys.stdin:
        protocol.write('{"started": true}\n')
        memory = False
        try:
            raw = json.loads(line)["raw"]
            result = _answer(run(raw))
            text = json.dumps({"ok": True, "result": result}, default=str, allow_nan=False)
        except BaseException as exc:  # noqa: BLE001 - reported per request; the process stays warm
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            memory = isinstance(exc, MemoryError)
            text = json.dumps({"ok": False, "error": _failure(exc), "memory": memory})
        if kept or _has_children():
            kill_descendants(kept)  # what run() started ends with its answer; init()'s processes stay
        protocol.write(text + "\n")


def main(work: Path) -> int:
    _become_reaper()
    # The protocol keeps the real stdout; anything the script prints lands on stderr instead.
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        try:
            namespace = _load(work)
        except BaseException as exc:  # noqa: BLE001 - the author reads it in the deploy's answer
            protocol.write(json.dumps({"error": _failure(exc)}) + "\n")
            return 1
        protocol.write(json.dumps({"ready": True}) + "\n")
        _serve(namespace, protocol)
        return 0
    finally:
        kill_descendants()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--uid"]:
        drop_privileges(int(arguments[1]))
        arguments = arguments[2:]
    sys.path[1:1] = arguments[1:]
    sys.exit(main(Path(arguments[0])))
