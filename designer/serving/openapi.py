"""The OpenAPI (Swagger) description of one endpoint: its URL, key and the columns each input takes."""
from __future__ import annotations

from designer.serving.endpoint import MAX_ROWS, Endpoint
from designer.serving.entry_script import is_entry_script
from designer.serving.traffic import is_split

_JSON_TYPES = {"integer": {"type": "integer"}, "number": {"type": "number"}, "boolean": {"type": "boolean"},
               "datetime": {"type": "string", "format": "date-time"}, "text": {"type": "string"}}


def served_document(runtime, name: str, score_url: str) -> dict:
    """What `/endpoints/<name>/swagger.json` answers for any loaded runtime: a split is described by its
    busiest deployment (requests must fit every one), an entry script by what Azure ML's contract says."""
    if is_split(runtime.document):
        runtime = runtime.primary()
    if is_entry_script(runtime.document):
        return entry_script_document(name, runtime.document, score_url)
    return openapi_document(runtime, score_url)


def entry_script_document(name: str, document: dict, score_url: str) -> dict:
    return {"openapi": "3.0.3", "info": {"title": f"{name} (entry script, {document.get('model')})", "version": "1"},
            "servers": [{"url": score_url.rsplit("/endpoints/", 1)[0]}],
            "components": {"securitySchemes": {"key": {"type": "http", "scheme": "bearer"}}},
            "security": [{"key": []}],
            "paths": {f"/endpoints/{name}/score": {"post": {
                "summary": "Send the body to the entry script's run(raw_data)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {}}}},
                "responses": {"200": {"description": "What run() returned"}}}}}}


def openapi_document(endpoint: Endpoint, score_url: str) -> dict:
    rows = {name: _rows_schema(columns) for name, columns in
            ((i.name, i.columns) for i in endpoint.inputs)}
    first = endpoint.inputs[0].name
    designer_request = {"type": "object", "required": ["data"], "additionalProperties": False,
                        "properties": {"data": rows[first]}}
    azure_request = {"type": "object", "required": ["Inputs"],
                     "properties": {"Inputs": {"type": "object", "required": list(rows), "properties": rows},
                                    "GlobalParameters": {"type": "object"}}}
    classic_table = {"type": "object", "required": ["ColumnNames", "Values"], "properties": {
        "ColumnNames": {"type": "array", "items": {"type": "string"}},
        "Values": {"type": "array", "maxItems": MAX_ROWS, "items": {"type": "array"}}}}
    classic_request = {"type": "object", "required": ["Inputs"], "description": "Studio (classic) shape",
                       "properties": {"Inputs": {"type": "object", "additionalProperties": classic_table},
                                      "GlobalParameters": {"type": "object"}}}
    error = {"type": "object", "properties": {"error": {"type": "object", "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "object"}}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": f"{endpoint.name} (real-time endpoint)", "version": "1",
                 "description": "Scores rows with the models of the graph this endpoint was deployed from. "
                                f"Send at most {MAX_ROWS} rows per request."},
        "servers": [{"url": score_url.rsplit("/endpoints/", 1)[0] or "/"}],
        "components": {"securitySchemes": {"key": {"type": "http", "scheme": "bearer"}}},
        "security": [{"key": []}],
        "paths": {f"/endpoints/{endpoint.name}/score": {"post": {
            "summary": "Score rows",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"oneOf": [designer_request, azure_request, classic_request]},
                "example": {"data": [_example_row(endpoint.inputs[0].columns)]}}}},
            "responses": {
                "200": {"description": '{"predictions": [...]} for {"data"}; {"Results": {output: [rows]}} for '
                                       '{"Inputs"}; {"Results": {"output1": {"type": "table", "value": '
                                       '{"ColumnNames", "ColumnTypes", "Values"}}}} for Studio (classic) tables',
                        "content": {"application/json": {"schema": {"type": "object"}}}},
                "400": {"description": "The rows do not fit the input schema (the column is named).",
                        "content": {"application/json": {"schema": error}}},
                "401": {"description": "No key, or a wrong one.", "content": {"application/json": {"schema": error}}},
                "404": {"description": "No such endpoint.", "content": {"application/json": {"schema": error}}},
            }}}},
        "x-inputs": endpoint.input_schema(),
        "x-outputs": [o.name for o in endpoint.outputs],
    }


def _rows_schema(columns) -> dict:
    if not columns:
        return {"type": "array", "minItems": 1, "maxItems": MAX_ROWS, "items": {"type": "object"}}
    properties = {c.name: {**_JSON_TYPES[c.kind], "nullable": True, "x-dtype": c.dtype} for c in columns}
    return {"type": "array", "minItems": 1, "maxItems": MAX_ROWS,
            "items": {"type": "object", "required": [c.name for c in columns], "additionalProperties": False,
                      "properties": properties}}


def _example_row(columns) -> dict:
    samples = {"integer": 0, "number": 0.0, "boolean": False, "datetime": "2024-01-01T00:00:00", "text": ""}
    return {c.name: samples[c.kind] for c in columns}
