"""The loop one worker process of the `process` target runs: receive a task, run it, send events and the outcome.

Messages on the worker's pipe, child to parent:
    ("ready", pid, devices)          once, when warm
    ("devices", devices)             when GPUs become visible (a component imported torch)
    ("event", token, kind, payload)  progress / log / metrics of the running task
    ("done", token, NodeOutcome)
    ("error", token, PortableError)
Parent to child: (token, ShippedTask) or None to exit.
"""
from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import traceback
from dataclasses import dataclass

from components.context import Cancelled
from components.spec import ComponentError


def warm_up() -> None:
    """Import what nearly every node needs, so the first task on a fresh worker starts at once."""
    import components
    import pandas  # noqa: F401

    components.catalogue()


@dataclass(frozen=True)
class PortableError:
    """A component's exception as it crosses the pipe: pickled when it survives pickling, else described."""

    pickled: bytes | None
    type_name: str
    message: str
    is_component_error: bool
    is_cancelled: bool
    traceback: str

    @classmethod
    def of(cls, exc: BaseException) -> "PortableError":
        trace = "".join(traceback.format_exception(exc))
        try:
            data = pickle.dumps(exc)
            pickle.loads(data)
        except Exception:
            data = None
        return cls(data, type(exc).__name__, str(exc), isinstance(exc, ComponentError),
                   isinstance(exc, Cancelled), trace)

    def rebuild(self) -> BaseException:
        """The exception to raise in the parent, with the worker's traceback attached as a note."""
        exc: BaseException | None = None
        if self.pickled is not None:
            try:
                exc = pickle.loads(self.pickled)
            except Exception:
                exc = None
        if exc is None:
            if self.is_cancelled:
                exc = Cancelled(self.message)
            elif self.is_component_error:
                exc = ComponentError(self.message)
            else:  # keep the original type's name: the node's error reads the same as on `local`
                exc = type(self.type_name, (Exception,), {"__module__": "designer.compute.worker"})(self.message)
        if not isinstance(exc, Cancelled):
            exc.add_note(f"traceback in the worker process:\n{self.traceback}")
        return exc


def worker_main(conn, cancel_flag, sys_path: list[str]) -> None:
    """Entry point of a worker process; `cancel_flag` is shared memory the parent sets to cancel the task."""
    # Ctrl-C in a terminal reaches the whole process group; the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for entry in reversed(sys_path):  # the parent's import path, so modules it can import are found here too
        if entry not in sys.path:
            sys.path.insert(0, entry)
    from designer.compute.local import local_devices
    from designer.compute.shipping import ensure_component
    from designer.execution.node_task import run_node_task

    warm_up()
    send_lock = threading.Lock()

    def send(message) -> None:
        with send_lock:
            conn.send(message)

    devices = tuple(local_devices())
    torch_seen = "torch" in sys.modules
    send(("ready", os.getpid(), list(devices)))
    while True:
        if not torch_seen and "torch" in sys.modules:
            # local_devices never imports torch; once a component has, GPUs can be seen and offered.
            torch_seen, devices = True, tuple(local_devices())
            send(("devices", list(devices)))
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if message is None:
            return
        token, shipped = message

        def report(kind: str, payload: dict, token=token) -> None:
            try:
                send(("event", token, kind, payload))
            except (pickle.PicklingError, TypeError, AttributeError):
                send(("event", token, kind, {k: _plain(v) for k, v in payload.items()}))

        try:
            ensure_component(shipped)
            outcome = run_node_task(shipped.task, report, lambda: cancel_flag.value != 0, devices)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent as the node's error
            send(("error", token, PortableError.of(exc)))
        else:
            send(("done", token, outcome))


def _plain(value):
    try:
        pickle.dumps(value)
        return value
    except Exception:
        return repr(value)
