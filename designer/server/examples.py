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


def load_examples(store, folder: str | os.PathLike | None = None) -> list[str]:
    """Import every `*.json` of `folder` whose name no live graph has yet; returns the names imported."""
    folder = Path(folder) if folder is not None else examples_folder()
    if not folder.is_dir():
        return []
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
        if store.find_graph_by_name(name) is None:
            store.create_graph({**document, "name": name})
            imported.append(name)
    return imported
