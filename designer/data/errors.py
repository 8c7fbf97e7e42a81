"""The one error type of the data layer: a caller mistake with the HTTP status and code it maps to."""
from __future__ import annotations


class DataError(Exception):
    """Bad input about data (a path outside its datastore, a CSV that does not parse, ...).

    The HTTP layer answers `status` with `code`; the CLI prints `message` and exits 2.
    """

    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
