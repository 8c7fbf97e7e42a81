"""`designer serve-endpoint`'s server: the lean scoring app on gunicorn, with N workers that each hold it warm.

The master only binds the port and watches its workers (a worker that dies is
replaced); nothing is preloaded in it, so each worker opens the store and loads
its endpoints itself after the fork, and no model, database connection or BLAS
thread pool is ever shared across a fork.
"""
from __future__ import annotations

import logging
import sys
from typing import Callable, Sequence

from gunicorn.app.base import BaseApplication

log = logging.getLogger("designer.serving")


def scoring_app(home=None, db=None, names: Sequence[str] | None = None, *, rows: bool = True):
    """The ScoringApp over a home's store and artifacts, its endpoints loaded (what each worker runs)."""
    from canvas_store.artifacts import ArtifactStore
    from canvas_store.repository import Store
    from designer.home import Home
    from designer.serving.shared_runtimes import SharedRuntimes
    from designer.serving.wsgi import ScoringApp

    resolved = Home.resolve(home, db)
    store = Store.for_home(resolved.path, resolved.db_url)
    artifacts = ArtifactStore(resolved.artifacts)
    app = ScoringApp(SharedRuntimes(store, artifacts.get, resolved.datastore), names, rows=rows)
    app.warm()
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

    def load(self):
        return self.factory()


def serve_endpoints(names: Sequence[str], *, home=None, db=None, host: str = "127.0.0.1", port: int = 8765,
                    workers: int = 2, threads: int = 1, rows: bool = True, announce: str = "") -> int:
    """Serve `names` until stopped (SIGTERM or Ctrl+C); returns the exit code."""
    def factory():
        return scoring_app(home, db, names, rows=rows)

    def ready(bound_host: str, bound_port: int) -> None:
        shown = "127.0.0.1" if bound_host in ("0.0.0.0", "") else bound_host
        urls = ", ".join(f"http://{shown}:{bound_port}/endpoints/{n}/score" for n in names)
        print(f"{announce}Serving {len(names)} endpoint(s) with {workers} worker(s): {urls}  "
              "(press Ctrl+C to stop)", flush=True)

    server = EndpointServer(factory, host=host, port=port, workers=workers, threads=threads, on_ready=ready)
    try:
        server.run()
    except SystemExit as exc:  # gunicorn exits through sys.exit, also when it cannot bind
        code = exc.code if isinstance(exc.code, int) else 1
        if code:
            print(f"error: the endpoint server stopped (exit {code}); see the messages above", file=sys.stderr)
        return code
    return 0
