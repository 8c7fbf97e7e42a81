"""Datastores over HTTP: list, add and remove them, browse their files, upload (streamed) and delete files."""
from __future__ import annotations

import os

from flask import Blueprint, Response, current_app, request, send_file

from designer.data.catalogue import DataCatalogue
from designer.data.uploads import DEFAULT_UPLOAD_LIMIT, place, receive, staging_folder, too_large
from designer.server.app_state import current_designer
from designer.server.auth import requires_role
from designer.server.errors import ApiError
from designer.server.payloads import field, json_object, takes_uploads

blueprint = Blueprint("datastores_api", __name__)

#: Largest file the Data page previews as a table or shows as an image.
PREVIEW_BYTES = 32 << 20


def catalogue() -> DataCatalogue:
    return DataCatalogue(current_designer())


@blueprint.get("/api/datastores")
def list_datastores():
    return {"datastores": [d.to_json() for d in catalogue().datastores()]}


@blueprint.post("/api/datastores")
@requires_role("admin")
def add_datastore():
    body = json_object()
    name = field(body, "name", str)
    kind = field(body, "kind", str)
    path = field(body, "path", str, default=None, nullable=True)
    url = field(body, "url", str, default=None, nullable=True)
    return catalogue().add_datastore(name, kind, path=path, url=url).to_json(), 201


@blueprint.get("/api/datastores/<name>")
def get_datastore(name: str):
    return catalogue().datastore(name).to_json()


@blueprint.delete("/api/datastores/<name>")
@requires_role("admin")
def remove_datastore(name: str):
    catalogue().remove_datastore(name)
    return Response(status=204)


@blueprint.get("/api/datastores/<name>/files")
def list_files(name: str):
    return catalogue().list_files(name, request.args.get("prefix", ""))


@blueprint.post("/api/datastores/<name>/files")
@takes_uploads
def upload_files(name: str):
    store = catalogue().datastore(name)
    limit = upload_limit()
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit)  # before touching the body, and naming this limit (not MAX_CONTENT_LENGTH)
    request.max_content_length = limit
    form, files = receive(request.stream, request.mimetype, request.content_length, request.mimetype_params,
                          staging=staging_folder(store), limit=limit)
    extract = str(form.get("extract", "")).lower() in ("1", "true", "yes", "on")
    placed = place(store, files, form.get("folder") or "", extract=extract, limit=limit)
    return {"datastore": store.name, "files": placed}, 201


def upload_limit() -> int:
    """The largest upload: DESIGNER_UPLOAD_LIMIT (app config, else the environment variable, else 10 GiB),
    capped by MAX_CONTENT_LENGTH when an operator set that to something else than its default."""
    from designer.server import DEFAULT_MAX_CONTENT_LENGTH

    configured = current_app.config.get("DESIGNER_UPLOAD_LIMIT") or os.environ.get("DESIGNER_UPLOAD_LIMIT")
    limit = int(configured or DEFAULT_UPLOAD_LIMIT)
    request_limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if request_limit and request_limit != DEFAULT_MAX_CONTENT_LENGTH:
        limit = min(limit, int(request_limit))
    return limit


@blueprint.delete("/api/datastores/<name>/files/<path:path>")
def delete_file(name: str, path: str):
    return catalogue().delete(name, path)


@blueprint.get("/api/datastores/<name>/content/<path:path>")
def file_content(name: str, path: str):
    """A file's bytes (images for thumbnails) or, with ?preview=table, its first rows as a table."""
    store = catalogue().datastore(name)
    file = store.locate(path)
    if not file.is_file():
        raise ApiError(404, "not-found", f"{path!r} is not a file in datastore '{name}'", {"path": path})
    if request.args.get("preview") == "table":
        return _table_preview(file, path)
    return send_file(file, conditional=True, max_age=0)


def _table_preview(file, path: str) -> dict:
    from components.spec import ComponentError
    from components.table_formats import read_table_file
    from designer.data.registration import TABLE_SUFFIXES
    from designer.server.previews import cell

    fmt = TABLE_SUFFIXES.get(file.suffix.lower())
    if fmt is None:
        raise ApiError(400, "unknown-format", f"{path!r} is not a CSV, Parquet, JSON or Excel file", {"path": path})
    if file.stat().st_size > PREVIEW_BYTES and fmt != "parquet":
        raise ApiError(400, "too-large-to-preview", f"{path!r} is too large to preview here; register it as a "
                       f"dataset to see its profile", {"path": path})
    try:
        frame = read_table_file(file, fmt, shown=path, delimiter="\t" if file.suffix.lower() == ".tsv" else ",")
    except ComponentError as exc:
        raise ApiError(400, "unreadable-data", str(exc), {"path": path}) from None
    head = frame.head(20)
    return {"columns": [str(c) for c in frame.columns], "total_rows": int(len(frame)),
            "rows": [[cell(v) for v in row] for row in head.itertuples(index=False, name=None)]}
