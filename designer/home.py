"""Where a designer keeps its state: database, artifact store and datastore under one home folder."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Home:
    path: Path
    db_url: str

    @classmethod
    def resolve(cls, home: str | os.PathLike | None = None, db_url: str | None = None) -> "Home":
        path = Path(home or os.environ.get("DESIGNER_HOME") or "./.designer").expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        url = db_url or os.environ.get("DESIGNER_DB_URL") or f"sqlite:///{path / 'designer.db'}"
        home_obj = cls(path, url)
        home_obj.datastore.mkdir(parents=True, exist_ok=True)
        return home_obj

    @property
    def artifacts(self) -> Path:
        return self.path / "artifacts"

    @property
    def datastore(self) -> Path:
        """Files users bring (CSV, images, weights); import paths are confined to it."""
        return self.path / "datastore"
