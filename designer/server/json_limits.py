"""What a JSON body may hold: strict parsing that refuses what would break the server later, as JsonRefused.

Plain functions over text, no Flask: the request reader turns JsonRefused into a 400.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any

#: Deeper than any graph document or scoring payload needs; far below Python's recursion limit.
MAX_DEPTH = 64
#: Longest integer literal taken (2^63 has 19 digits); Python itself refuses past 4,300.
MAX_INT_DIGITS = 30
#: Longest string (a pasted table or a script fits; a 64 MiB name does not).
MAX_STRING = 4_000_000
#: Longest object key.
MAX_KEY = 1000

_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonRefused(ValueError):
    """Valid JSON syntax the server will not take; the message says what and where."""

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(message)
        self.details = details or {}


def _constant(name: str):
    raise JsonRefused(f"{name} is not a JSON number; send a finite number or null", {"value": name})


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonRefused(f"an integer of {len(text.lstrip('-'))} digits is too large "
                          f"(at most {MAX_INT_DIGITS} digits)", {"digits": len(text.lstrip("-"))})
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonRefused(f"the number {text[:40]} is too large to be finite", {"value": text[:40]})
    return value


def parse_json(raw: bytes | str) -> Any:
    """`raw` parsed, refusing NaN/Infinity, huge numbers, deep nesting and bad strings (see check_value)."""
    try:
        value = json.loads(raw, parse_constant=_constant, parse_int=_integer, parse_float=_float)
    except RecursionError:
        raise JsonRefused(f"the JSON is nested too deeply (at most {MAX_DEPTH} levels)",
                          {"max_depth": MAX_DEPTH}) from None
    # NUL and lone surrogates can only arrive as \u escapes (raw ones are not valid JSON / UTF-8).
    escaped = "\\u" in raw if isinstance(raw, str) else b"\\u" in raw
    check_value(value, content=escaped)
    return value


def check_text(text: str, *, limit: int = MAX_STRING, where: str = "") -> None:
    """Refuse NUL bytes, lone surrogates (not encodable as UTF-8) and strings over `limit` characters."""
    at = f" at {where}" if where else ""
    if len(text) > limit:
        raise JsonRefused(f"a string{at} is {len(text)} characters long (at most {limit})",
                          {"path": where, "limit": limit})
    if "\x00" in text:
        raise JsonRefused(f"a string{at} contains a NUL character", {"path": where})
    if _SURROGATE.search(text):
        raise JsonRefused(f"a string{at} contains a lone surrogate (\\ud800-\\udfff), which is not text",
                          {"path": where})


def check_value(value: Any, *, content: bool = True) -> None:
    """Walk `value` without recursion: depth, and every key and string (see check_text; with
    `content` False only their lengths)."""
    stack = [(value, 1, "")]
    while stack:
        item, depth, path = stack.pop()
        if isinstance(item, str):
            if content or len(item) > MAX_STRING:
                check_text(item, where=path or "the top")
            continue
        if not isinstance(item, (dict, list)):
            continue
        if depth > MAX_DEPTH:
            raise JsonRefused(f"the JSON is nested too deeply at {path or 'the top'} (at most {MAX_DEPTH} levels)",
                              {"max_depth": MAX_DEPTH, "path": path})
        if isinstance(item, dict):
            for key, child in item.items():
                if content or len(key) > MAX_KEY:
                    check_text(key, limit=MAX_KEY, where=f"{path}/{key[:40]!r}" if path else repr(key[:40]))
                if isinstance(child, (dict, list)) or content or isinstance(child, str) and len(child) > MAX_STRING:
                    stack.append((child, depth + 1, f"{path}/{key[:40]}"))
        else:
            stack.extend((child, depth + 1, f"{path}/{index}") for index, child in enumerate(item)
                         if content or isinstance(child, (dict, list, str)))
