"""Socket.IO on a real server: clients join a run's room and receive its events, in order, as they happen."""
from __future__ import annotations

import threading
import time

import requests
import socketio

from designer.server.events import RunEventForwarder
from server_components import iris_document, table_document

EVENTS = ("run.status", "node.status", "node.progress", "node.log", "node.metrics")


class Gate:
    """A Designer listener that holds a run's first event until released (so a client can join in time)."""

    def __init__(self):
        self.open = threading.Event()

    def __call__(self, event: dict) -> None:
        self.open.wait(10)


def connected_client(url: str) -> tuple[socketio.Client, list]:
    client = socketio.Client(reconnection=False)
    received: list = []
    for name in EVENTS:
        client.on(name, handler=lambda payload, name=name: received.append((name, payload)))
    client.connect(url, wait_timeout=10)
    return client, received


def disconnect(*clients: socketio.Client) -> None:
    # The dev server never answers the WebSocket close frame, so a client waits 3 s for it; not here.
    for client in clients:
        threading.Thread(target=client.disconnect, daemon=True).start()


def wait_until(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def runnable_example(designer) -> dict:
    document = iris_document()
    # Until every component of the example exists, test components stand in for it.
    return document if not designer.validate(document) else table_document()


def start_gated_run(live_server, designer, document) -> tuple[str, Gate]:
    gate = Gate()
    designer.listeners.insert(0, gate)  # before the forwarder, so nothing is emitted before the join
    graph_id = requests.post(f"{live_server}/api/graphs", json=document, timeout=10).json()["id"]
    response = requests.post(f"{live_server}/api/graphs/{graph_id}/runs", json={}, timeout=10)
    assert response.status_code == 202, response.text
    return response.json()["run_id"], gate


def test_socketio_client_receives_node_status_events_of_a_real_run_in_order(live_server, designer):
    document = runnable_example(designer)
    client, received = connected_client(live_server)
    try:
        run_id, gate = start_gated_run(live_server, designer, document)
        assert client.call("join", {"run_id": run_id}, timeout=10) == {"ok": True, "run_id": run_id, "replayed": 0}
        gate.open.set()
        wait_until(lambda: any(n == "run.status" and p["status"] != "running" for n, p in received))
    finally:
        disconnect(client)

    assert received[0] == ("run.status", {"run_id": run_id, "status": "running"})
    assert received[-1] == ("run.status", {"run_id": run_id, "status": "completed"})
    assert all(payload["run_id"] == run_id and "event" not in payload for _, payload in received)
    statuses: dict[str, list] = {}
    for name, payload in received:
        if name == "node.status":
            statuses.setdefault(payload["node_id"], []).append(payload["status"])
    assert statuses == {node["id"]: ["queued", "running", "completed"] for node in document["nodes"]}
    # A node starts only after every node feeding it has completed.
    order = [(p["node_id"], p["status"]) for n, p in received if n == "node.status"]
    for edge in document["edges"]:
        assert order.index((edge["source"], "completed")) < order.index((edge["target"], "running"))
    finished = [p for n, p in received if n == "node.status" and p["status"] == "completed"]
    assert all(p["seconds"] >= 0 and p["outputs"] for p in finished)


def test_progress_log_and_metrics_events_reach_the_room_and_leave_stops_them(live_server, designer):
    joined, joined_events = connected_client(live_server)
    outsider, outsider_events = connected_client(live_server)
    try:
        run_id, gate = start_gated_run(live_server, designer, table_document())
        assert joined.call("join", {"run_id": run_id}, timeout=10)["ok"] is True
        assert outsider.call("join", {"run_id": run_id}, timeout=10)["ok"] is True
        assert outsider.call("leave", {"run_id": run_id}, timeout=10)["ok"] is True
        gate.open.set()
        wait_until(lambda: any(n == "run.status" and p["status"] == "completed" for n, p in joined_events))
        assert joined.call("join", {"wrong": 1}, timeout=10)["ok"] is False
    finally:
        disconnect(joined, outsider)

    chatty = [(n, {k: v for k, v in p.items() if k not in ("run_id", "node_id")})
              for n, p in joined_events if n != "node.status" and p.get("node_id") == "chatty"]
    assert chatty == [("node.log", {"text": "hello from chatty"}),
                      ("node.progress", {"fraction": 0.5, "message": "half way"}),
                      ("node.metrics", {"epoch": 1, "loss": 0.5}),
                      ("node.metrics", {"epoch": 2, "loss": 0.25})]
    assert outsider_events == []


class StuckSocket:
    """A Socket.IO server whose emit hangs, like a client that stopped reading."""

    def __init__(self):
        self.release = threading.Event()
        self.emitted: list = []

    def emit(self, name, payload, to=None):
        self.release.wait(10)
        self.emitted.append((name, payload, to))


def test_forwarding_never_makes_the_executor_wait_for_a_slow_socket():
    socket = StuckSocket()
    forwarder = RunEventForwarder(socket)
    started = time.monotonic()
    for i in range(1000):
        forwarder({"event": "node.progress", "run_id": "r", "node_id": "n", "fraction": i / 1000,
                   "value": float("nan")})
    assert time.monotonic() - started < 0.5
    socket.release.set()
    forwarder.close()
    assert len(socket.emitted) == 1000
    assert socket.emitted[0] == ("node.progress", {"run_id": "r", "node_id": "n", "fraction": 0.0, "value": None}, "r")


def test_a_client_that_joins_after_the_run_finished_still_sees_every_event_in_order(live_server, designer):
    document = runnable_example(designer)
    graph_id = requests.post(f"{live_server}/api/graphs", json=document, timeout=10).json()["id"]
    run_id = requests.post(f"{live_server}/api/graphs/{graph_id}/runs", json={}, timeout=10).json()["run_id"]
    wait_until(lambda: requests.get(f"{live_server}/api/runs/{run_id}", timeout=10).json()["status"] == "completed")
    late, received = connected_client(live_server)
    try:
        answer = late.call("join_run", {"run_id": run_id}, timeout=10)
        wait_until(lambda: len(received) >= answer["replayed"])
    finally:
        disconnect(late)
    assert answer["ok"] is True and answer["replayed"] == len(received) > 0
    assert received[0] == ("run.status", {"run_id": run_id, "status": "running"})
    assert received[-1] == ("run.status", {"run_id": run_id, "status": "completed"})
    finished = {p["node_id"] for n, p in received if n == "node.status" and p["status"] == "completed"}
    assert finished == {node["id"] for node in document["nodes"]}
