"""Fuzzing help: hostile JSON texts, mutations of real documents, and the check every answer must pass."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import strategies as st

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BASE_DOCUMENTS = [json.loads((EXAMPLES / name).read_text()) for name in
                  ("iris-classification.json", "wine-neural-network.json", "iris-clustering.json")]

#: JSON texts that are (or hide) what broke the server: each is spliced in where a value goes.
HOSTILE_TEXTS = [
    "[" * 1500 + "]" * 1500,                    # RecursionError in the reader and the schema check
    '{"a":' * 1200 + "1" + "}" * 1200,
    "9" * 5000,                                  # past Python's 4,300-digit int limit
    str(2**63), str(2**64), str(-(2**63) - 1), str(2**31),  # past SQLite's and PostgreSQL's integers
    "NaN", "Infinity", "-Infinity", "1e400", "-1e999",
    '"\\ud800"', '"a\\udfffb"', '"\\udc00\\ud800"',  # lone surrogates
    '"a\\u0000b.csv"', '"\\u0000"',             # NUL bytes
    '"' + "x" * 300 + '"', '"' + "é" * 70_000 + '"',
    '"../../../../etc/passwd"', '"/etc/passwd"',
    "null", "true", "0", "-1", "[]", "{}", '""', '{"$param": "nope"}', '{"$param": "\\u0000"}',
]
PLACEHOLDER = "\x1ehostile-{}\x1e"


def json_values(max_leaves: int = 8):
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
                        st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40))
    return st.recursive(scalars, lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)),
        max_leaves=max_leaves)


_VALUES = st.one_of(json_values(), st.sampled_from(range(len(HOSTILE_TEXTS))).map(PLACEHOLDER.format))


def values():
    """A plain JSON value, or a placeholder for one of HOSTILE_TEXTS (one strategy, built once)."""
    return _VALUES


def to_text(value) -> str:
    """JSON text of `value`, with each placeholder replaced by its hostile text."""
    text = json.dumps(value)
    for index, raw in enumerate(HOSTILE_TEXTS):
        text = text.replace(json.dumps(PLACEHOLDER.format(index)), raw)
    return text


def _slots(value, path=()):
    """Every (container path, key) of `value`, so a mutation can reach any depth."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield path, key
            yield from _slots(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield path, index
            yield from _slots(child, path + (index,))


def _at(value, path):
    for key in path:
        value = value[key]
    return value


@st.composite
def mutated_documents(draw) -> str:
    """A real example document with 1-4 values replaced, removed or added anywhere, as JSON text."""
    document = copy.deepcopy(draw(st.sampled_from(BASE_DOCUMENTS)))
    for _ in range(draw(st.integers(1, 4))):
        slots = list(_slots(document))
        if not slots:
            break
        path, key = draw(st.sampled_from(slots))
        container = _at(document, path)
        action = draw(st.sampled_from(("replace", "replace", "remove", "add")))
        if action == "remove":
            del container[key]
        elif action == "add" and isinstance(container, dict):
            container[draw(st.text(max_size=12))] = draw(values())
        elif action == "add":
            container.insert(key, draw(values()))
        else:
            container[key] = draw(values())
    return to_text(document)


def assert_json_answer(response, what: str) -> None:
    """No 5xx; an error is the JSON shape of contract 3; a success is JSON (or empty)."""
    assert response.status_code < 500, f"{what}: {response.status_code} {response.get_data(as_text=True)[:500]}"
    if response.status_code >= 400:
        body = response.get_json(silent=True)
        assert isinstance(body, dict) and isinstance(body.get("error"), dict), (what, response.data[:300])
        assert set(body["error"]) == {"code", "message", "details"}, (what, body)
        assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str)
    elif response.status_code != 204 and response.mimetype == "application/json":
        json.loads(response.get_data(as_text=True))
