"""What a running component may touch: progress, log, metrics, cancellation and confined paths."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from components import datastore_paths
from components.spec import ComponentError


class Cancelled(Exception):
    """Raised inside a component when its run was cancelled."""


def _no_report(kind: str, payload: dict) -> None:
    return None


@dataclass
class RunContext:
    """Passed as `ctx` to components that declare it.

    `report(kind, payload)` carries the events of DESIGN.md contract 4
    (`node.progress`, `node.log`, `node.metrics`) back to the executor, whichever
    process or machine the component runs in.
    """

    run_id: str = ""
    node_id: str = ""
    #: Root of the user's datastore: `import-data` paths and weight files are confined to it.
    datastore: Path | None = None
    #: The other named datastores: name -> {"kind": "folder", "path"} | {"kind": "sql", "url"}.
    datastores: dict = field(default_factory=dict, repr=False)
    #: A scratch directory that lives as long as this node's cache key (checkpoints, resume).
    #: It is created on first use: call `ctx.scratch(name)` (or mkdir it yourself).
    work_dir: Path | None = None
    #: The compute target's device list, e.g. ["cpu"] or ["cpu", "cuda:0"].
    devices: tuple = ("cpu",)
    report: Callable[[str, dict], None] = field(default=_no_report, repr=False)
    is_cancelled: Callable[[], bool] = field(default=lambda: False, repr=False)
    #: Loads a stored artifact by digest (set by the executor and by endpoints; saved-model nodes use it).
    artifact_loader: Callable[[str], Any] | None = field(default=None, repr=False)
    #: Input port -> directory of the stored artifact its value was loaded from (set by the executor): a
    #: component that writes an input out unchanged may copy those bytes instead of encoding them again.
    stored_inputs: Mapping[str, Path] = field(default_factory=dict, repr=False)

    def progress(self, fraction: float, message: str = "") -> None:
        self.check_cancelled()
        self.report("node.progress", {"fraction": max(0.0, min(1.0, float(fraction))), "message": message})

    def log(self, text: str) -> None:
        self.report("node.log", {"text": str(text)})

    def metrics(self, values: dict[str, Any]) -> None:
        self.report("node.metrics", dict(values))

    def check_cancelled(self) -> None:
        if self.is_cancelled():
            raise Cancelled("run cancelled")

    def load_artifact(self, digest: str) -> Any:
        """The value of a stored artifact (a trained model, a fitted transformation)."""
        if self.artifact_loader is None:
            raise ComponentError("this run has no artifact store to load saved artifacts from")
        try:
            return self.artifact_loader(digest)
        except KeyError:
            raise ComponentError(f"artifact {digest!r} is not in the artifact store") from None

    def stored_table_file(self, port: str) -> Path | None:
        """The Parquet file the table on input `port` is stored as, if the executor loaded it from the store."""
        directory = self.stored_inputs.get(port)
        file = Path(directory) / "data.parquet" if directory is not None else None
        return file if file is not None and file.is_file() else None

    def datastore_path(self, relative: str, datastore: str | None = None) -> Path:
        """Resolve a user-given path inside a datastore (the workspace one by default), refusing any
        path that escapes it by '..', an absolute path or a link."""
        return datastore_paths.confine(self.datastore_root(datastore), relative)

    def datastore_root(self, datastore: str | None = None) -> Path:
        """The folder of datastore `datastore` ("workspace" or None: the home's datastore)."""
        if datastore in (None, "", "workspace"):
            if self.datastore is None:
                raise ComponentError("no datastore is configured for this run")
            return Path(self.datastore)
        info = self.datastore_info(datastore)
        if info.get("kind") != "folder":
            raise ComponentError(f"datastore '{datastore}' is a {info.get('kind')} datastore, not a folder; "
                                 f"it has no files to read")
        return Path(info["path"])

    def datastore_info(self, datastore: str) -> dict:
        """What a named datastore is: {"kind": "folder", "path"} or {"kind": "sql", "url"}."""
        if datastore in (None, "", "workspace"):
            return {"kind": "folder", "path": str(self.datastore)}
        info = (self.datastores or {}).get(datastore)
        if info is None:
            known = ", ".join(["workspace", *sorted(self.datastores or {})])
            raise ComponentError(f"datastore '{datastore}' does not exist (datastores: {known})")
        return info

    def datastore_files(self, path: str | Path, datastore: str | None = None) -> list[Path]:
        """Every file under a datastore folder (or the file itself), each checked to resolve inside it."""
        return datastore_paths.files_inside(self.datastore_root(datastore), path)

    def scratch(self, name: str) -> Path:
        base = self.work_dir or Path(os.environ.get("TMPDIR", "/tmp")) / "designer-scratch"
        path = Path(base) / name
        path.mkdir(parents=True, exist_ok=True)
        return path
