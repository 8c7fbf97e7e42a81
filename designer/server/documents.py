"""Checking a graph document against the designer-graph/1 JSON Schema before it is stored."""
from __future__ import annotations

from functools import lru_cache

from jsonschema import Draft202012Validator

from designer.graph.document import graph_schema
from designer.server.errors import ApiError

#: Schema messages quote the offending value; a huge value must not make a huge error.
MESSAGE_LIMIT = 300
ERROR_LIMIT = 50

@lru_cache(maxsize=1)
def _schema_validator() -> Draft202012Validator:
    return Draft202012Validator(graph_schema())


def document_errors(document) -> list[dict]:
    """The JSON Schema violations of `document`, each as {node, port, code, message, path}."""
    if not isinstance(document, dict):
        return [{"node": None, "port": None, "code": "invalid-document", "path": "",
                 "message": "a graph document must be a JSON object"}]
    errors = []
    for error in sorted(_schema_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        path = list(error.absolute_path)
        node = None
        if len(path) >= 2 and path[0] == "nodes" and isinstance(path[1], int):
            item = document["nodes"][path[1]]
            node = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else None
        location = "/".join(map(str, path))
        message = error.message if len(error.message) <= MESSAGE_LIMIT else error.message[:MESSAGE_LIMIT] + "…"
        errors.append({"node": node, "port": None, "code": "invalid-document", "path": location,
                       "message": f"{location or 'document'}: {message}"})
        if len(errors) >= ERROR_LIMIT:
            break
    return errors


def checked_document(document) -> dict:
    """`document` if it is a designer-graph/1 document, else a 400 naming every schema violation."""
    errors = document_errors(document)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ApiError(400, "invalid-document", f"not a designer-graph/1 document: {errors[0]['message']}{more}",
                       {"errors": errors})
    return document
