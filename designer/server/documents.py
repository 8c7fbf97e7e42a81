"""Checking a graph document against the designer-graph/1 JSON Schema before it is stored."""
from __future__ import annotations

from designer.graph.document import schema_violations
from designer.server.errors import ApiError

ERROR_LIMIT = 50


def document_errors(document) -> list[dict]:
    """The JSON Schema violations of `document`, each as {node, port, code, message, path}."""
    if not isinstance(document, dict):
        return [{"node": None, "port": None, "code": "invalid-document", "path": "",
                 "message": "a graph document must be a JSON object"}]
    return [{"node": v.node, "port": None, "code": "invalid-document", "path": v.path, "message": v.message}
            for v in schema_violations(document, limit=ERROR_LIMIT)]


def checked_document(document) -> dict:
    """`document` if it is a designer-graph/1 document, else a 400 naming every schema violation."""
    errors = document_errors(document)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ApiError(400, "invalid-document", f"not a designer-graph/1 document: {errors[0]['message']}{more}",
                       {"errors": errors})
    return document
