"""`designer serve-endpoint`'s server: the lean scoring app on gunicorn, with N workers that each hold it warm.

The master only binds the port and watches its workers (a worker that dies is
replaced); nothing is preloaded in it, so each worker opens the store and loads
its endpoints itself after the fork, and no model, database connection or BLAS
thread pool is ever shared across a fork.

Each worker monitors what it answers as `designer serve` does: per-minute
rollups, sampled request logs and drift inputs go to the shared store from a
background thread (and once more when the worker exits), and its Prometheus
counts to a file in the master's metrics folder, which `/metrics` adds up.
"""
from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from types import SimpleNamespace
from typing import Callable, Sequence

from gunicorn.app.base import BaseApplication

log = logging.getLogger("designer.serving")


def scoring_app(home=None, db=None, names: Sequence[str] | None = None, *, rows: bool = True,
                monitoring: bool = True, flush_seconds: float | None = None):
    """The ScoringApp over a home's store and artifacts, its endpoints loaded and monitored (what each worker runs)."""
    from canvas_store.artifacts import ArtifactStore
    from canvas_store.repository import Store
    from designer.home import Home
    from designer.serving.drift import TrainingProfiles
    from designer.serving.monitoring import FLUSH_SECONDS, EndpointMonitor
    from designer.serving.shared_metrics import use_multiprocess_metrics
    from designer.serving.shared_runtimes import SharedRuntimes
    from designer.serving.wsgi import ScoringApp

    use_multiprocess_metrics()
    resolved = Home.resolve(home, db)
    store = Store.for_home(resolved.path, resolved.db_url)
    artifacts = ArtifactStore(resolved.artifacts)
    runtimes = SharedRuntimes(store, artifacts.get, resolved.datastore, artifact_path=artifacts.existing_path)
    monitor = None
    if monitoring:
        workspace = SimpleNamespace(store=store, artifacts=artifacts)  # what training profiles read
        if flush_seconds is None:  # the same setting as `designer serve`'s DESIGNER_MONITOR_FLUSH_SECONDS
            flush_seconds = float(os.environ.get("DESIGNER_MONITOR_FLUSH_SECONDS") or FLUSH_SECONDS)
        monitor = EndpointMonitor(store, profile_for=TrainingProfiles(workspace), flush_seconds=flush_seconds)
    app = ScoringApp(runtimes, names, rows=rows, monitor=monitor)
    app.warm()
    if monitor is not None:
        monitor.start()
    return app


class EndpointServer(BaseApplication):
    """gunicorn driven from Python: `factory()` builds the WSGI app in every worker."""

    def __init__(self, factory: Callable, *, host: str, port: int, workers: int, threads: int = 1,
                 on_ready: Callable[[str, int], None] | None = None, timeout: int = 120):
        self.factory = factory
        self.options = {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "preload_app": False,
            "keepalive": 5,
            # Also bounds a worker's boot (loading its models): generous, so a large model is not killed loading.
            "timeout": timeout,
            "graceful_timeout": 10,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "designer-serve-endpoint",
        }
        self.on_ready = on_ready
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        if self.on_ready is not None:
            on_ready = self.on_ready

            def when_ready(server):
                host, port = server.LISTENERS[0].sock.getsockname()[:2]
                on_ready(host, port)

            self.cfg.set("when_ready", when_ready)
        self.cfg.set("worker_exit", _worker_exit)

    def load(self):
        return self.factory()


def _worker_exit(server, worker) -> None:
    # In the exiting worker: its last counts reach the store and its entry scripts' processes stop.
    app = getattr(worker, "wsgi", None)
    if callable(getattr(app, "close", None)):
        try:
            app.close()
        except Exception:
            log.exception("the worker could not shut its endpoints down cleanly")


def serve_endpoints(names: Sequence[str], *, home=None, db=None, host: str = "127.0.0.1", port: int = 8765,
                    workers: int = 2, threads: int = 1, rows: bool = True, announce: str = "",
                    monitoring: bool = True, flush_seconds: float | None = None) -> int:
    """Serve `names` until stopped (SIGTERM or Ctrl+C); returns the exit code."""
    from designer.serving.shared_metrics import MULTIPROCESS_DIR

    def factory():
        return scoring_app(home, db, names, rows=rows, monitoring=monitoring, flush_seconds=flush_seconds)

    def ready(bound_host: str, bound_port: int) -> None:
        shown = "127.0.0.1" if bound_host in ("0.0.0.0", "") else bound_host
        urls = ", ".join(f"http://{shown}:{bound_port}/endpoints/{n}/score" for n in names)
        print(f"{announce}Serving {len(names)} endpoint(s) with {workers} worker(s): {urls}  "
              "(press Ctrl+C to stop)", flush=True)

    # The workers' Prometheus files: an operator's own folder is kept, a folder of ours lives as long as the server.
    own_metrics = not os.environ.get(MULTIPROCESS_DIR)
    if own_metrics:
        os.environ[MULTIPROCESS_DIR] = tempfile.mkdtemp(prefix="designer-metrics-")
    server = EndpointServer(factory, host=host, port=port, workers=workers, threads=threads, on_ready=ready)
    master = os.getpid()
    try:
        server.run()
    except SystemExit as exc:  # gunicorn exits through sys.exit, also when it cannot bind
        if os.getpid() != master:
            raise  # a worker leaving: its exit is the master's business (forked, it unwinds through here too)
        code = exc.code if isinstance(exc.code, int) else 1
        if code:
            print(f"error: the endpoint server stopped (exit {code}); see the messages above", file=sys.stderr)
        return code
    finally:
        if own_metrics and os.getpid() == master:
            shutil.rmtree(os.environ.pop(MULTIPROCESS_DIR), ignore_errors=True)
    return 0
