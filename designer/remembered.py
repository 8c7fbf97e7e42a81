"""A bounded, thread-safe memory of answers whose key says everything they depend on (a digest, a file's stat)."""
from __future__ import annotations

import threading
from typing import Any, Callable, Hashable

_MISSING = object()


class Remembered:
    """`get(key, compute)`: the answer kept for `key`, else `compute()` kept; past `size` keys the oldest half go."""

    def __init__(self, size: int):
        self.size = size
        self._answers: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            answer = self._answers.get(key, _MISSING)
        if answer is not _MISSING:
            return answer
        answer = compute()
        with self._lock:
            if len(self._answers) >= self.size:
                for old in list(self._answers)[:self.size // 2]:
                    del self._answers[old]
            self._answers[key] = answer
        return answer

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
