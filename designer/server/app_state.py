"""The Designer an app serves, for handlers (kept on `app.extensions`, so one process may hold several apps)."""
from __future__ import annotations

from flask import current_app

from designer.service import Designer

EXTENSION = "designer"
#: Where the app keeps its warm endpoint runtimes (SharedRuntimes).
RUNTIMES = "designer.endpoints"


def current_designer() -> Designer:
    return current_app.extensions[EXTENSION]
