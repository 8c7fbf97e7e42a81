"""The example pipelines: imported into a home on start, once per name, so restarts never duplicate them."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from designer.server.documents import document_errors

log = logging.getLogger("designer.server")
#: designer/server/examples.py -> the repository root (where designer/__init__.py also lives).
REPO_ROOT = Path(__file__).resolve().parents[2]


def examples_folder() -> Path:
    """`$DESIGNER_EXAMPLES`, else the repository's `examples/` folder."""
    configured = os.environ.get("DESIGNER_EXAMPLES")
    return Path(configured) if configured else REPO_ROOT / "examples"


def load_examples(store, folder: str | os.PathLike | None = None,
                  record: str | os.PathLike | None = None) -> list[str]:
    """Import every `*.json` of `folder` whose name no live graph has yet; returns the names imported.

    `record` (a JSON file in the home) remembers what was imported once, so an
    example the user deleted stays deleted across restarts.
    """
    folder = Path(folder) if folder is not None else examples_folder()
    if not folder.is_dir():
        return []
    seen = _read_record(record)
    imported = []
    for path in sorted(folder.glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            log.warning("skipping example %s: not readable JSON (%s)", path.name, exc)
            continue
        errors = document_errors(document)
        if errors:
            log.warning("skipping example %s: %s", path.name, errors[0]["message"])
            continue
        name = (document.get("name") or "").strip() or path.stem
        if name not in seen and store.find_graph_by_name(name) is None:
            store.create_graph({**document, "name": name})
            imported.append(name)
        seen.add(name)
    _write_record(record, seen)
    return imported


def _read_record(record) -> set[str]:
    if record is None:
        return set()
    try:
        names = json.loads(Path(record).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {n for n in names if isinstance(n, str)} if isinstance(names, list) else set()


def _write_record(record, names: set[str]) -> None:
    if record is None:
        return
    path = Path(record)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(sorted(names)), encoding="utf-8")
    os.replace(temporary, path)
