"""The errors the store raises, named for what the caller got wrong (the HTTP layer maps them to 404 / 409)."""
from __future__ import annotations


class NotFound(LookupError):
    """No live record of kind `what` has id `id`."""

    def __init__(self, what: str, id: object):
        super().__init__(f"{what} {id!r} not found")
        self.what = what
        self.id = id

    def __reduce__(self):
        return type(self), (self.what, self.id)


class StaleRevision(Exception):
    """An update was based on a revision that is no longer the current one."""

    def __init__(self, current_revision: int, *, graph_id: str | None = None,
                 expected_revision: int | None = None):
        subject = "the graph" if graph_id is None else f"graph {graph_id!r}"
        message = f"{subject} is at revision {current_revision}"
        if expected_revision is not None:
            message += f", not {expected_revision}"
        super().__init__(message)
        self.graph_id = graph_id
        self.expected_revision = expected_revision
        self.current_revision = current_revision

    def __reduce__(self):
        return _stale_revision, (self.current_revision, self.graph_id, self.expected_revision)


def _stale_revision(current_revision, graph_id, expected_revision):
    return StaleRevision(current_revision, graph_id=graph_id, expected_revision=expected_revision)


class Conflict(Exception):
    """The record would clash with an existing one (e.g. a duplicate name)."""
