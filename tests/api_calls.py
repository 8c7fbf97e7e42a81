"""Helpers every API test folder uses: waiting for a run through the API, and a Bearer header."""
from __future__ import annotations

import time

FINISHED = ("completed", "failed", "cancelled")


def wait_for_run(client, run_id: str, timeout: float = 120) -> dict:
    """The run's JSON once it has finished (or when `timeout` seconds have passed)."""
    client.application.extensions["designer"].wait(run_id, timeout)
    deadline = time.monotonic() + timeout
    while True:
        run = client.get(f"/api/runs/{run_id}").get_json()
        if run["status"] in FINISHED or time.monotonic() > deadline:
            return run
        time.sleep(0.05)


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}
