"""Names a user can tell apart: a graph imported beside one of the same name becomes "Name (2)"."""
from __future__ import annotations

import re
from typing import Iterable

_NUMBERED = re.compile(r"^(?P<base>.*?) \((?P<n>\d+)\)$")


def distinct_name(wanted: str, taken: Iterable[str], limit: int = 200) -> str:
    """`wanted`, or `wanted (N)` with the smallest N from 2 that no name in `taken` has."""
    taken = {t.casefold() for t in taken if t}
    wanted = (wanted or "").strip()
    if wanted.casefold() not in taken:
        return wanted
    match = _NUMBERED.match(wanted)
    base = match.group("base") if match else wanted
    n = 2
    while True:
        suffix = f" ({n})"
        candidate = base[:limit - len(suffix)] + suffix
        if candidate.casefold() not in taken:
            return candidate
        n += 1
