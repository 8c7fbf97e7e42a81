"""Progress reports thinned to a few a second, so a chatty component cannot flood events, sockets or the store."""
from __future__ import annotations

import time
from typing import Callable

#: Most node.progress events a node sends per second (the last one, fraction 1.0, always goes).
PROGRESS_EVENTS_PER_SECOND = 10

Report = Callable[[str, dict], None]


def throttled(report: Report, per_second: float = PROGRESS_EVENTS_PER_SECOND) -> Report:
    """`report(kind, payload)` that passes every event but drops node.progress sent too soon after the last."""
    interval = 1.0 / per_second
    last = [float("-inf")]

    def thinned(kind: str, payload: dict) -> None:
        if kind == "node.progress":
            now = time.monotonic()
            if now - last[0] < interval and payload.get("fraction", 0) < 1.0:
                return
            last[0] = now
        report(kind, payload)

    return thinned
