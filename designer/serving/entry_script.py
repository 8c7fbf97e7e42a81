"""An entry-script deployment: a registered model served by the author's score.py in a warm sandboxed process.

Azure ML's contract is kept so existing score.py files work unchanged: `init()`
runs once and loads the model from `os.environ["AZUREML_MODEL_DIR"]` (a private
copy of the version's files, mounted read-only; a run's scikit-learn estimator is
also there as `model.pkl`), and `run(raw_data)` gets each request body as text
and returns something JSON. The script runs in the sandbox Execute Python Script
runs in (`components.script_sandbox`: no network, no designer files, a scrubbed
environment, memory and process limits; rlimits only where bubblewrap is not
usable), started at deploy time and kept warm; a process that dies is started
again (init() again) by the next request. An `init()` that fails is a
DeploymentError carrying its traceback. A run() that raises answers 400 with its
traceback, as a graph that cannot score the rows does; one that outlives its
time is stopped (504), one that runs out of memory or takes its process down
is a 502: the endpoint, not the caller, failed.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from components import _script_host as script_host
from components.script_sandbox import SandboxedProcess, ScriptLimits, detect_isolation, inside_path
from designer.serving.endpoint import DeploymentError

KIND = "entry-script"
#: Seconds init() may take (loading a large model); the server's DESIGNER_SCRIPT_MAX_SECONDS caps it.
INIT_TIMEOUT = 300
#: Seconds one run() may take before its process is stopped (and warmed again for the next request).
RUN_TIMEOUT = 60
_STDERR_TAIL = 30
#: The address space a warm process may use: PyTorch alone maps about 4 GiB, so more than a script's 2 GiB.
MEMORY_SETTING, MEMORY_MB = "DESIGNER_ENDPOINT_MEMORY_MB", 8192
HOST_FILE, SCRIPT_HOST_FILE, MODEL_FOLDER = "_entry_host.py", "_script_host.py", "model"
#: What the script may read but not change: the host's code, its own and the model.
READ_ONLY = (HOST_FILE, SCRIPT_HOST_FILE, script_host.SCRIPT_FILE, MODEL_FOLDER)
#: The project's packages, shown read-only to the script (a designer model's default score.py loads with them).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("canvas_store", "components", "designer")


class EntryScriptFailed(Exception):
    """run() gave no answer: it raised (400), outlived its time (504), or ran out of memory or its process (502)."""

    def __init__(self, message: str, *, status: int = 400, code: str = "scoring-failed", traceback: str = ""):
        super().__init__(message)
        self.message, self.status, self.code, self.traceback = message, status, code, traceback or message


class EndpointRetired(Exception):
    """This runtime was replaced by a redeploy after the request picked it up; ask for the current one."""


def is_entry_script(document: dict | None) -> bool:
    return isinstance(document, dict) and document.get("kind") == KIND


def entry_script_document(model: dict, entry_script: str) -> dict:
    """What the store keeps for an entry-script deployment (the endpoint's `document`)."""
    return {"kind": KIND, "model": f"{model['name']}:{model['version']}", "digest": model["digest"],
            "flavor": model.get("flavor"), "entry_script": entry_script}


#: A model trained in a run keeps its scikit-learn estimator here; Azure ML's docs load "model.pkl".
ESTIMATOR_FILE, AZURE_MODEL_FILE = "estimator.joblib", "model.pkl"


def _alias_model_file(model_dir: Path) -> None:
    """Give a run's scikit-learn estimator the name Azure ML's sample score.py files open, when it is free."""
    if (model_dir / ESTIMATOR_FILE).exists() and not (model_dir / AZURE_MODEL_FILE).exists():
        shutil.copyfile(model_dir / ESTIMATOR_FILE, model_dir / AZURE_MODEL_FILE)


class _Lines:
    """The host's protocol stream read line by line, each line waited for at most `timeout` seconds."""

    def __init__(self, stream):
        self.fd, self.buffer = stream.fileno(), bytearray()

    def read(self, timeout: float) -> str | None:
        """The next line; "" once the process has ended, None when it did not come in time."""
        deadline = time.monotonic() + timeout
        while (end := self.buffer.find(b"\n")) < 0:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return None
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return ""
            self.buffer += chunk
        line = bytes(self.buffer[:end])
        del self.buffer[:end + 1]
        return line.decode("utf-8", "replace") or "{}"


class EntryScriptEndpoint:
    """One warm sandboxed process running score.py; `run(raw)` is thread-safe (requests take turns with it)."""

    kind = KIND

    def __init__(self, name: str, document: dict, model_dir: Path):
        self.name = name
        self.document = document
        self.inputs = ()
        self.outputs = ()
        self._lock = threading.Lock()
        self._state = threading.Lock()
        self._users = 0
        self._retired = False
        self._closed = False
        self._stderr: deque = deque(maxlen=_STDERR_TAIL)
        self._work = Path(tempfile.mkdtemp(prefix=f"designer-endpoint-{name}-"))
        try:
            shutil.copytree(model_dir, self._work / MODEL_FOLDER)
            _alias_model_file(self._work / MODEL_FOLDER)
            (self._work / script_host.SCRIPT_FILE).write_text(document.get("entry_script") or "")
            shutil.copyfile(Path(__file__).with_name(HOST_FILE), self._work / HOST_FILE)
            shutil.copyfile(script_host.__file__, self._work / SCRIPT_HOST_FILE)
            self._start()
        except BaseException:
            shutil.rmtree(self._work, ignore_errors=True)
            raise

    # ------------------------------------------------------------ the sandboxed process
    def _start(self) -> None:
        """Start the process and wait for init() (DeploymentError with its traceback when it fails)."""
        self.limits = ScriptLimits.from_environment(MEMORY_SETTING, MEMORY_MB)
        isolation = detect_isolation()
        model_dir = f"{inside_path(self._work, isolation)}/{MODEL_FOLDER}"
        packages = tuple(str(PROJECT_ROOT / name) for name in PACKAGES if (PROJECT_ROOT / name).is_dir())
        self._process = SandboxedProcess(
            self._work, HOST_FILE, self.limits, isolation, read_only=READ_ONLY, shown=packages,
            environment={"AZUREML_MODEL_DIR": model_dir}, host_args=(str(PROJECT_ROOT),), stdin=subprocess.PIPE,
            cpu_seconds=None, lasting=True)  # a warm process: each run() has a wall-clock limit instead
        self._stderr.append(f"isolation: {isolation.describe()}; runs as {self._process.runs_as}; "
                            f"limits: {self.limits.describe()}")
        threading.Thread(target=self._drain, args=(self._process.process.stderr,), daemon=True).start()
        self._lines = _Lines(self._process.process.stdout)
        timeout = min(INIT_TIMEOUT, self.limits.max_seconds)
        first = self._lines.read(timeout)
        if first is None:
            self._process.stop()
            raise DeploymentError("init-timeout", f"the entry script's init() did not finish within "
                                  f"{timeout:.0f} seconds")
        answer = json.loads(first) if first else {}
        if answer.get("ready"):
            return
        self._process.stop()
        if "error" in answer:
            raise DeploymentError("init-failed", "the entry script failed in init():\n" + answer["error"],
                                  {"traceback": answer["error"]})
        tail = "\n".join(self._stderr)
        raise DeploymentError("init-failed", "the entry script's process ended before init() finished"
                              + (f":\n{tail}" if tail else ""), {"traceback": tail})

    def _restart(self) -> None:
        self._stderr.append(f"the entry script's process ended (exit status {self._process.returncode}); "
                            "starting it again")
        self._process.stop()
        try:
            self._start()
        except DeploymentError as exc:
            raise EntryScriptFailed(f"the entry script's process ended and could not be started again: {exc}",
                                    status=503, code="endpoint-unavailable") from None

    def _drain(self, stream) -> None:
        with stream:
            for line in stream:
                self._stderr.append(line.rstrip("\n"))

    # ------------------------------------------------------------ requests
    def run(self, raw: str) -> Any:
        """run(raw) in the child; EntryScriptFailed for the script's own error, EndpointRetired after a swap."""
        with self._state:
            if self._closed:
                raise EndpointRetired(self.name)
            self._users += 1
        try:
            with self._lock:
                return self._call(raw)
        finally:
            with self._state:
                self._users -= 1
                finish = self._retired and self._users == 0
            if finish:
                self.close()

    def _call(self, raw: str) -> Any:
        timeout = min(RUN_TIMEOUT, self.limits.max_seconds)
        for attempt in (1, 2):
            if self._process.poll() is not None:
                self._restart()  # the process died since the last request: warm a new one
            try:
                self._process.process.stdin.write(json.dumps({"raw": raw}) + "\n")
                self._process.process.stdin.flush()
                started = self._lines.read(timeout)
            except (BrokenPipeError, OSError):
                started = ""
            if started:
                return self._answer(timeout)
            if started is None:
                self._timed_out(timeout)
            self._process.stop()  # it ended before the request reached run(): once more on a new one
        raise EntryScriptFailed("the entry script's process ends as soon as it is started",
                                status=503, code="endpoint-unavailable", traceback=self._tail())

    def _answer(self, timeout: float) -> Any:
        line = self._lines.read(timeout)
        if line is None:
            self._timed_out(timeout)
        if not line:  # it died inside run(): this request fails, the next one starts a new process
            self._process.stop()
            status = self._process.returncode
            raise EntryScriptFailed(f"the entry script's process ended while scoring (exit status {status}; its "
                                    f"limits: {self.limits.describe()})", status=502, code="entry-script-crashed",
                                    traceback=self._tail())
        answer = json.loads(line)
        if answer.get("ok"):
            return answer.get("result")
        error = answer.get("error") or "run() failed"
        if answer.get("memory"):
            raise EntryScriptFailed(f"the entry script's run() ran out of memory (its limit is "
                                    f"{self.limits.memory_bytes >> 20} MiB):\n{error}", status=502,
                                    code="entry-script-out-of-memory", traceback=error)
        raise EntryScriptFailed(f"the entry script's run() failed:\n{error}", traceback=error)

    def _timed_out(self, timeout: float):
        self._process.stop()
        raise EntryScriptFailed(f"the entry script's run() did not answer within {timeout:.0f} seconds and was "
                                "stopped; the next request starts it again", status=504, code="scoring-timeout")

    def _tail(self) -> str:
        return "\n".join(list(self._stderr)[-10:])

    def log_tail(self) -> list[str]:
        return list(self._stderr)

    # ------------------------------------------------------------ lifetime
    def retire(self) -> None:
        """Stop once the requests already holding this runtime have their answers."""
        with self._state:
            self._retired = True
            idle = self._users == 0
        if idle:
            self.close()

    def close(self) -> None:
        with self._state:
            if self._closed:
                return
            self._closed = True
        with self._lock:
            try:
                self._process.process.stdin.close()
            except OSError:
                pass
            try:
                self._process.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
            self._process.stop()
        shutil.rmtree(self._work, ignore_errors=True)
