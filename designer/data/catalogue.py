"""The data catalogue of one designer home: datastores, their files, and dataset versions with lineage.

HTTP handlers and the CLI both call this; it raises DataError (or the store's
NotFound / Conflict) for anything the caller got wrong.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from canvas_store.errors import Conflict, NotFound
from designer.data import datastores as stores
from designer.data import registration, uploads
from designer.data.datastores import WORKSPACE, Datastore
from designer.data.errors import DataError

#: Rows a dataset version's page previews.
PREVIEW_ROWS = 20


class DataCatalogue:
    def __init__(self, designer):
        self.designer = designer
        self.store = designer.store
        self.artifacts = designer.artifacts

    # ------------------------------------------------------------ datastores
    def datastores(self) -> list[Datastore]:
        named = [stores.from_record(r) for r in self.store.list_datastores()]
        return [stores.workspace(self.designer.home.datastore), *named]

    def datastore(self, name: str) -> Datastore:
        if name == WORKSPACE:
            return stores.workspace(self.designer.home.datastore)
        return stores.from_record(self.store.get_datastore(name))

    def add_datastore(self, name, kind, *, path=None, url=None) -> Datastore:
        settings = stores.checked_settings(name, kind, path, url)
        try:
            record = self.store.add_datastore(name, kind, settings)
        except Conflict:
            raise DataError(409, "conflict", f"datastore '{name}' already exists", {"name": name}) from None
        return stores.from_record(record)

    def remove_datastore(self, name: str) -> None:
        """Forget a datastore; its files stay where they are and dataset versions keep their own copies."""
        if name == WORKSPACE:
            raise DataError(400, "built-in", f"the '{WORKSPACE}' datastore is the home's own and cannot be removed",
                            {"name": name})
        self.store.remove_datastore(name)

    # ------------------------------------------------------------ files
    def list_files(self, name: str, prefix: str = "") -> dict:
        return stores.list_files(self.datastore(name), prefix)

    def delete(self, name: str, path: str) -> dict:
        return stores.delete_path(self.datastore(name), path)

    def copy_in(self, name: str, sources: list[Path], folder: str = "", extract: bool = False,
                limit: int = uploads.DEFAULT_UPLOAD_LIMIT) -> list[dict]:
        """Upload local files (the CLI): each is copied to staging first, then all are placed at once."""
        store = self.datastore(name)
        staging = uploads.staging_folder(store)
        staging.mkdir(parents=True, exist_ok=True)
        arrived = []
        try:
            for source in sources:
                if not source.is_file():
                    raise DataError(400, "not-a-file", f"{str(source)!r} is not a file", {"path": str(source)})
                if source.stat().st_size > limit:
                    raise uploads.too_large(limit)
                handle = tempfile.NamedTemporaryFile(dir=staging, prefix="upload-", suffix=".partial", delete=False)
                with handle, open(source, "rb") as reader:
                    shutil.copyfileobj(reader, handle, uploads.CHUNK)
                arrived.append(uploads.ArrivedFile(source.name, Path(handle.name)))
        except BaseException:
            for item in arrived:
                item.staged.unlink(missing_ok=True)
            raise
        return uploads.place(store, arrived, folder, extract=extract, limit=limit)

    # ------------------------------------------------------------ datasets
    def register(self, name: str, *, datastore: str = WORKSPACE, path: str, description: str = "",
                 tags: dict | None = None) -> dict:
        registration.check_name(name)
        tags = registration.check_tags(tags)
        store = self.datastore(datastore)
        content = registration.pin_from_datastore(self.artifacts, store, path)
        return self._record(name, content, {"datastore": store.name, "path": path}, description, tags)

    def register_from_run(self, name: str, *, run_id: str, node: str, port: str, description: str = "",
                          tags: dict | None = None) -> dict:
        registration.check_name(name)
        tags = registration.check_tags(tags)
        run = self.store.get_run(run_id)
        content = registration.pin_from_run(self.artifacts, run, node, port)
        return self._record(name, content, {"run_id": run_id, "node": node, "port": port}, description, tags)

    def _record(self, name, content, source, description, tags) -> dict:
        return self.store.register_dataset_version(name, kind=content.kind, digest=content.digest,
                                                   schema=content.schema, rows=content.rows, source=source,
                                                   description=description or "", tags=tags)

    def datasets(self) -> list[dict]:
        return [_summary(d) for d in self.store.list_datasets()]

    def versions(self, name: str) -> dict:
        versions = self.store.list_dataset_versions(name)
        return {"name": name, "latest_version": versions[0]["version"], "versions": [_summary(v) for v in versions]}

    def version(self, name: str, version: int | None = None, *, preview: bool = True) -> dict:
        """One version with its schema, profile, preview rows and lineage (the newest when `version` is None)."""
        record = self.store.get_dataset_version(name, version)
        detail = {**_summary(record), "schema": record["schema"], "source": record["source"],
                  "lineage": self.store.dataset_lineage(name, record["version"])}
        detail.update(self._described(record, preview))
        return detail

    def _described(self, record: dict, preview: bool) -> dict:
        from designer.server.previews import object_summary, table_page, table_profile

        try:
            path = self.artifacts.existing_path(record["digest"])
        except KeyError:
            return {"profile": None, "error": "the content of this version is missing from the artifact store"}
        if record["kind"] == "tabular":
            out = {"profile": [dict(c) for c in table_profile(str(path))]}
            if preview:
                out["preview"] = table_page(path, 0, PREVIEW_ROWS)
            return out
        summary = object_summary(str(path))
        out = {"profile": {"images": summary.get("images"), "classes": summary.get("classes"),
                           "per_class": summary.get("per_class"), "unlabelled": summary.get("unlabelled")}}
        if preview:
            out["preview"] = {"images": _sample_images(path)}
        return out

    def rows(self, name: str, version: int, offset: int, limit: int) -> dict:
        from designer.server.previews import table_page

        record = self.store.get_dataset_version(name, version)
        if record["kind"] != "tabular":
            raise DataError(400, "not-tabular", f"dataset '{name}' version {version} holds images, not rows")
        return table_page(self.artifacts.existing_path(record["digest"]), offset, limit)

    def image_file(self, name: str, version: int, relative: str) -> Path:
        """One image file of an image dataset version (for thumbnails)."""
        from components.datastore_paths import PathOutsideDatastore, confine

        record = self.store.get_dataset_version(name, version)
        root = self.artifacts.existing_path(record["digest"])
        try:
            path = confine(root, relative)
        except PathOutsideDatastore as exc:
            raise DataError(400, "path-outside-datastore", str(exc), {"path": relative}) from None
        if not path.is_file() or not relative.startswith("images/"):
            raise NotFound("image", relative)
        return path


def _summary(record: dict) -> dict:
    out = {key: record[key] for key in ("name", "version", "kind", "description", "tags", "rows", "created_at")}
    for key in ("latest_version", "versions"):
        if key in record:
            out[key] = record[key]
    return out


def _sample_images(path: Path, per_class: int = 4) -> list[dict]:
    import csv

    shown: dict[str, int] = {}
    samples = []
    labels = path / "labels.csv"
    if not labels.is_file():
        return samples
    with open(labels, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            label = row.get("label") or ""
            if shown.get(label, 0) < per_class:
                shown[label] = shown.get(label, 0) + 1
                samples.append({"file": row["file"], "label": label or None, "image": row["image"]})
    return samples
