"""The warm child process of an entry-script deployment: Azure ML's `init()` once, then `run(raw_data)` per request.

Run as `python -m designer.serving._entry_host WORK_DIR` with AZUREML_MODEL_DIR set. WORK_DIR
holds the script (`components._script_host.SCRIPT_FILE`). The first line written to the
protocol stream is {"ready": true} or {"error": traceback}; then each request line
{"raw": TEXT} on stdin gets one answer line {"ok": true, "result": JSON} or {"ok": false,
"error": traceback}. What the script prints goes to stderr (the parent keeps the tail).
"""
import json
import os
import sys
from pathlib import Path

from components._script_host import SCRIPT_FILE, ScriptProblem, _user_traceback


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


def main(work: Path) -> int:
    # The protocol keeps the real stdout; anything the script prints lands on stderr instead.
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        namespace = _load(work)
    except BaseException as exc:  # noqa: BLE001 - the author reads it in the deploy's answer
        protocol.write(json.dumps({"error": _failure(exc)}) + "\n")
        return 1
    protocol.write(json.dumps({"ready": True}) + "\n")
    run = namespace["run"]
    for line in sys.stdin:
        try:
            raw = json.loads(line)["raw"]
            result = _answer(run(raw))
            text = json.dumps({"ok": True, "result": result}, default=str, allow_nan=False)
        except BaseException as exc:  # noqa: BLE001 - reported per request; the process stays warm
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            text = json.dumps({"ok": False, "error": _failure(exc)})
        protocol.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
