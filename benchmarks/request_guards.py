"""What sign-in and the strict JSON reader cost per request, against an open server, side by side.

Rounds alternate (open, token, session) so machine noise hits all alike; prints medians and ratios.
Also: parsing a graph document with the strict reader (json_limits.parse_json) vs plain json.loads.
"""
from __future__ import annotations

import json
import re
import statistics
import tempfile
import time
from pathlib import Path

from designer.server import close_app, create_app
from designer.server.json_limits import parse_json

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ROUNDS, REQUESTS = 7, 200


def clients(home: str):
    open_app = create_app(home=f"{home}/open", config={"DESIGNER_AUTH": "off", "STATIC_DIST": "/nonexistent"})
    closed = create_app(home=f"{home}/closed", config={"STATIC_DIST": "/nonexistent"})
    store = closed.extensions["designer"].store
    _, token = store.create_token("bench", "editor")
    store.add_user("bench", "editor", "bench password")
    browser = closed.test_client()
    page = browser.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    browser.post("/login", data={"name": "bench", "password": "bench password", "csrf": csrf})
    tokened = closed.test_client()
    tokened.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return (open_app, closed), {"open": open_app.test_client(), "token": tokened, "session": browser}


def per_request(client, document: dict) -> float:
    started = time.perf_counter()
    for _ in range(REQUESTS):
        assert client.get("/api/graphs").status_code == 200
        assert client.post("/api/validate", json=document,
                           headers={"X-CSRF-Token": client.get_cookie("designer_csrf").value}
                           if client.get_cookie("designer_csrf") else {}).status_code == 200
    return (time.perf_counter() - started) / (2 * REQUESTS) * 1e6


def main() -> None:
    document = json.loads((EXAMPLES / "iris-classification.json").read_text())
    with tempfile.TemporaryDirectory() as home:
        apps, named = clients(home)
        try:
            times = {name: [] for name in named}
            for _ in range(ROUNDS):
                for name, client in named.items():
                    times[name].append(per_request(client, document))
        finally:
            for app in apps:
                close_app(app)
    base = statistics.median(times["open"])
    print(f"per request (GET /api/graphs + POST /api/validate), median of {ROUNDS} rounds of {REQUESTS}:")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:<8} {median:8.0f} µs   ×{median / base:.2f} of open")
    text = json.dumps(document)
    strict, plain = [], []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(2000):
            parse_json(text)
        strict.append(time.perf_counter() - started)
        started = time.perf_counter()
        for _ in range(2000):
            json.loads(text)
        plain.append(time.perf_counter() - started)
    s, p = statistics.median(strict) / 2000 * 1e6, statistics.median(plain) / 2000 * 1e6
    print(f"parse iris document: strict {s:.1f} µs, json.loads {p:.1f} µs (×{s / p:.2f})")


if __name__ == "__main__":
    main()
