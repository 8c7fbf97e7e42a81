"""Why a run cannot become an inference graph: refusals with a code, a message and the node concerned."""
from __future__ import annotations


class InferenceConversionError(Exception):
    """The run cannot become an inference graph that scores exactly as it did; `code` says why."""

    def __init__(self, code: str, message: str, *, node: str | None = None, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.node = node
        self.status = status

    def details(self) -> dict:
        return {"node": self.node} if self.node else {}
