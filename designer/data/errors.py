"""The one error type of the data layer: a caller mistake with the HTTP status and code it maps to."""
from __future__ import annotations

from designer.errors import CallerError


class DataError(CallerError):
    """Bad input about data (a path outside its datastore, a CSV that does not parse, ...).

    The HTTP layer answers `status` with `code`; the CLI prints `message` and exits 2.
    """
