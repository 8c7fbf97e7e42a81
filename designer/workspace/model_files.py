"""Uploaded model files: checked by loading them in a child process (a pickle is code), kept as artifacts, zipped.

An uploaded file is stored under its own (sanitised) name, so a score.py written
for Azure ML finds it at `os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.pkl")`.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

FLAVORS = ("sklearn", "torch")
UPLOAD_META = "upload.json"
#: Seconds a child process may take to load an uploaded file.
CHECK_TIMEOUT = 120
MAX_FILE_NAME = 120


class ModelFileError(Exception):
    """The file does not load as its flavor says (the message is the loader's reason)."""


def safe_file_name(name: str, flavor: str) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", os.path.basename(name or "")).strip("._")[:MAX_FILE_NAME]
    if base in ("", "meta.json", UPLOAD_META):
        base = "model.pkl" if flavor == "sklearn" else "model.pt"
    return base


@dataclass
class UploadedModel:
    """A model file as a person uploaded it, with its flavor (and a torch architecture); the artifact's value."""

    file_name: str
    data: bytes
    flavor: str
    architecture: dict = field(default_factory=dict)
    summary: dict = field(default_factory=dict)

    def save_to(self, directory: Path) -> dict:
        directory = Path(directory)
        (directory / self.file_name).write_bytes(self.data)
        (directory / UPLOAD_META).write_text(json.dumps(
            {"file": self.file_name, "flavor": self.flavor, "architecture": self.architecture,
             "summary": self.summary}, sort_keys=True, indent=1))
        return {"flavor": self.flavor, "file": self.file_name}

    @classmethod
    def load_from(cls, directory: Path) -> "UploadedModel":
        directory = Path(directory)
        meta = json.loads((directory / UPLOAD_META).read_text())
        return cls(meta["file"], (directory / meta["file"]).read_bytes(), meta["flavor"],
                   meta.get("architecture") or {}, meta.get("summary") or {})


def parse_architecture(text: str | None) -> dict:
    """A torch architecture: a torchvision name ("resnet18", optionally with num_classes) or an MLP as JSON
    {"inputs", "hidden_layers", "activation", "outputs"}."""
    from components.vision.architectures import ARCHITECTURES

    text = (text or "").strip()
    if not text:
        raise ModelFileError(f"a torch state dict needs `architecture`: one of {', '.join(ARCHITECTURES)}, "
                             'or an MLP as JSON {"inputs": 4, "hidden_layers": [16], "activation": "relu", '
                             '"outputs": 3}')
    if text.startswith("{"):
        try:
            mlp = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelFileError(f"architecture is not valid JSON: {exc}") from None
        missing = [k for k in ("inputs", "hidden_layers", "outputs") if k not in mlp]
        if missing:
            raise ModelFileError(f"an MLP architecture needs {', '.join(missing)}")
        return {"kind": "mlp", "inputs": mlp["inputs"], "hidden_layers": list(mlp["hidden_layers"]),
                "activation": mlp.get("activation", "relu"), "outputs": mlp["outputs"]}
    if text not in ARCHITECTURES:
        raise ModelFileError(f"unknown architecture {text!r}; choose one of {', '.join(ARCHITECTURES)} or an MLP")
    return {"kind": "torchvision", "architecture": text}


def check_model_file(path: Path, flavor: str, architecture: dict | None = None) -> dict:
    """Load `path` as `flavor` in a child process; returns a summary, or raises ModelFileError with the reason."""
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run([sys.executable, "-m", "designer.workspace._load_check", str(path), flavor,
                               json.dumps(architecture or {})], capture_output=True, text=True, env=env,
                              timeout=CHECK_TIMEOUT, stdin=subprocess.DEVNULL, cwd=Path(path).parent)
    except subprocess.TimeoutExpired:
        raise ModelFileError(f"loading the file took longer than {CHECK_TIMEOUT} seconds") from None
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise ModelFileError(f"the loader stopped (exit status {done.returncode}){': ' + tail if tail else ''}")
    answer = json.loads(lines[-1])
    if not answer.get("ok"):
        raise ModelFileError(answer.get("reason") or "the file does not load")
    return answer.get("summary") or {}


def zip_directory(directory: Path, extra: dict[str, str]) -> io.BytesIO:
    """The files of a model version, plus `extra` {name: text}, as a zip in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(Path(directory).rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(directory).as_posix())
        for name, text in extra.items():
            archive.writestr(name, text)
    buffer.seek(0)
    return buffer


def copy_model_files(source: Path, target: Path) -> Path:
    """A private copy of a version's files (a script may write next to them; the artifact must not change)."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    return target
