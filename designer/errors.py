"""A mistake of the caller's, however they called (HTTP or the CLI): the status, code, message and details
they are told. The HTTP layer answers every one as contract 3's JSON error; the CLI prints the message."""
from __future__ import annotations


class CallerError(Exception):
    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
