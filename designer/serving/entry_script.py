"""An entry-script deployment: a registered model served by the author's score.py in a warm child process.

Azure ML's contract is kept so existing score.py files work unchanged: `init()`
runs once and loads the model from `os.environ["AZUREML_MODEL_DIR"]` (a private
copy of the version's files; a run's scikit-learn estimator is also there as
`model.pkl`), and `run(raw_data)` gets each request body as text
and returns something JSON. The script runs in its own process, like Execute
Python Script, so it cannot harm the server; it is started at deploy time and
kept warm. An `init()` that fails is a DeploymentError carrying its traceback.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import deque
from pathlib import Path
from typing import Any

from components import _script_host as host
from components.script_sandbox import kill_process_group as _kill
from designer.serving.endpoint import DeploymentError

KIND = "entry-script"
#: Seconds init() may take (loading a large model).
INIT_TIMEOUT = 300
#: Seconds one run() may take before its process is stopped (and warmed again for the next request).
RUN_TIMEOUT = 60
_STDERR_TAIL = 30


class EntryScriptFailed(Exception):
    """run() raised; `message` is its traceback (the caller's request, not the server, failed)."""


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


class EntryScriptEndpoint:
    """One warm child running score.py; `run(raw)` is thread-safe (requests take turns with the child)."""

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
            self._model_dir = self._work / "model"
            shutil.copytree(model_dir, self._model_dir)
            _alias_model_file(self._model_dir)
            (self._work / host.SCRIPT_FILE).write_text(document.get("entry_script") or "")
            self._process = self._start()
        except BaseException:
            shutil.rmtree(self._work, ignore_errors=True)
            raise

    # ------------------------------------------------------------ the child
    def _start(self) -> subprocess.Popen:
        package_root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "AZUREML_MODEL_DIR": str(self._model_dir),
               "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
        process = subprocess.Popen(
            [sys.executable, "-m", "designer.serving._entry_host", str(self._work)], cwd=self._work, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
            errors="replace", bufsize=1, start_new_session=(os.name == "posix"))
        threading.Thread(target=self._drain, args=(process.stderr,), daemon=True).start()
        first = self._read_line(process, INIT_TIMEOUT)
        answer = json.loads(first) if first else {}
        if answer.get("ready"):
            return process
        _kill(process)
        if "error" in answer:
            raise DeploymentError("init-failed", "the entry script failed in init():\n" + answer["error"],
                                  {"traceback": answer["error"]})
        tail = "\n".join(self._stderr)
        raise DeploymentError("init-failed", "the entry script's process ended before init() finished"
                              + (f":\n{tail}" if tail else ""), {"traceback": tail})

    def _drain(self, stream) -> None:
        with stream:
            for line in stream:
                self._stderr.append(line.rstrip("\n"))

    @staticmethod
    def _read_line(process: subprocess.Popen, timeout: float) -> str:
        found: list[str] = []
        reader = threading.Thread(target=lambda: found.append(process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if reader.is_alive():
            _kill(process)
            reader.join(2)
            raise DeploymentError("init-timeout", f"the entry script's init() did not finish within "
                                  f"{timeout:.0f} seconds")
        return found[0] if found else ""

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
        for attempt in (1, 2):
            if self._process.poll() is not None:
                self._process = self._start()  # the script crashed its process: warm a new one
            try:
                self._process.stdin.write(json.dumps({"raw": raw}) + "\n")
                self._process.stdin.flush()
                # One answer line per request, so nothing waits unread in the pipe's buffer between calls.
                ready, _, _ = select.select([self._process.stdout], [], [], RUN_TIMEOUT)
                if not ready:
                    _kill(self._process)
                    raise EntryScriptFailed(f"run() did not answer within {RUN_TIMEOUT} seconds and was stopped")
                line = self._process.stdout.readline()
            except (BrokenPipeError, OSError):
                line = ""
            if line:
                answer = json.loads(line)
                if answer.get("ok"):
                    return answer.get("result")
                raise EntryScriptFailed(answer.get("error") or "run() failed")
            if attempt == 2:
                tail = "\n".join(list(self._stderr)[-10:])
                raise EntryScriptFailed("the entry script's process ended while scoring"
                                        + (f":\n{tail}" if tail else ""))
        raise AssertionError("unreachable")

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
                self._process.stdin.close()
            except OSError:
                pass
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
            _kill(self._process)
        shutil.rmtree(self._work, ignore_errors=True)
