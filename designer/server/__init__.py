"""The web designer's server: a Flask app factory with Flask-SocketIO, one blueprint per resource, and `serve`."""
from __future__ import annotations

import logging
import sys
from typing import Any, Mapping

from flask import Flask
from flask_socketio import SocketIO

from designer.home import Home
from designer.server import compute_api, components_api, graphs_api, runs_api, site
from designer.server import automl_api, endpoints_api, inference_api, pipelines_api, sweeps_api
from designer.server.app_state import EXTENSION, current_designer
from designer.server.errors import ApiError, register_error_handlers
from designer.server.events import RunEventForwarder, register_socket_handlers
from designer.server.json_values import DesignerJSONProvider
from designer.server.payloads import install_request_guards
from designer.service import Designer

__all__ = ["ApiError", "close_app", "create_app", "serve", "socketio_for"]

DEFAULT_MAX_CONTENT_LENGTH = 64 << 20
DEFAULT_CONFIG = {
    "MAX_CONTENT_LENGTH": DEFAULT_MAX_CONTENT_LENGTH,
    #: Origins besides the server's own that may change state (e.g. a separately hosted canvas).
    "DESIGNER_ALLOWED_ORIGINS": (),
    #: Host names the server answers to (None: any); `serve` on a loopback address allows only loopback names.
    "DESIGNER_ALLOWED_HOSTS": None,
    #: The built browser app; None means the repository's static/dist.
    "STATIC_DIST": None,
    #: Sweeps a stopped server was running continue when it starts again (else: interrupted, resumable).
    "DESIGNER_RESUME_SWEEPS": True,
}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
BLUEPRINTS = (components_api.blueprint, graphs_api.blueprint, runs_api.blueprint, compute_api.blueprint,
              inference_api.blueprint, endpoints_api.blueprint, pipelines_api.blueprint,
              sweeps_api.blueprint, automl_api.blueprint, site.blueprint)
_EVENTS = "designer_events"
_OWNED = "designer_owned"


def create_app(designer: Designer | None = None, *, home=None, db=None,
               config: Mapping[str, Any] | None = None) -> Flask:
    """An app serving `designer` (or a new Designer over `home` / `db`); Socket.IO is at `socketio_for(app)`."""
    owned = designer is None
    if designer is None:
        designer = Designer(Home.resolve(home, db))
    app = Flask("designer.server", static_folder=None)
    app.json = DesignerJSONProvider(app)
    app.config.update(DEFAULT_CONFIG)
    app.config.update(config or {})
    app.extensions[EXTENSION] = designer
    app.extensions[_OWNED] = owned
    # Runs left queued or running by a previous server can never finish now.
    designer.store.mark_unfinished_runs_failed()
    designer.sweeps.recover(resume=app.config["DESIGNER_RESUME_SWEEPS"])

    register_error_handlers(app)
    install_request_guards(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.add_url_rule("/api/health", "health", _health)

    socketio = SocketIO(app, async_mode="threading",
                        cors_allowed_origins=list(app.config["DESIGNER_ALLOWED_ORIGINS"]) or None)
    forwarder = RunEventForwarder(socketio)
    register_socket_handlers(socketio, forwarder)
    designer.listeners.append(forwarder)
    app.extensions[_EVENTS] = forwarder
    return app


def _health():
    designer = current_designer()
    designer.store.list_compute_targets()  # proves the database answers
    return {"status": "ok", "compute_targets": designer.targets.names()}


def socketio_for(app: Flask) -> SocketIO:
    return app.extensions["socketio"]


def close_app(app: Flask) -> None:
    """Stop forwarding events; close the Designer too when the app created it."""
    forwarder = app.extensions.get(_EVENTS)
    designer = app.extensions.get(EXTENSION)
    if forwarder is not None:
        if designer is not None and forwarder in designer.listeners:
            designer.listeners.remove(forwarder)
        forwarder.close()
    if designer is not None and app.extensions.get(_OWNED):
        designer.close()


def serve(host: str = "127.0.0.1", port: int = 8765, home=None, db=None, load_examples: bool = True) -> int:
    """`designer serve`: listen, print the URL once it answers, serve until interrupted; returns the exit code."""
    from werkzeug.serving import make_server

    from designer.server.examples import load_examples as import_examples

    _quiet_logging()
    loopback = host in LOOPBACK_HOSTS
    app = create_app(home=home, db=db, config={"DESIGNER_ALLOWED_HOSTS": LOOPBACK_HOSTS if loopback else None})
    designer = app.extensions[EXTENSION]
    try:
        if load_examples:
            imported = import_examples(designer.store, record=designer.home.path / "examples-imported.json")
            if imported:
                print(f"loaded {len(imported)} example pipeline(s): {', '.join(imported)}", flush=True)
        try:
            # The threaded Werkzeug server is what Flask-SocketIO's threading mode runs on (WebSocket
            # included); making it here lets the URL be printed only once the port is really open.
            server = make_server(host, port, app, threaded=True)
        except (OSError, SystemExit) as exc:  # Werkzeug explains a busy port itself, then exits
            reason = exc.strerror if isinstance(exc, OSError) else "see above"
            print(f"error: cannot listen on {host}:{port} ({reason})", file=sys.stderr)
            return 1
        print(f"Designer running at {_url(host, server.server_port)}  (home: {designer.home.path}; "
              "press Ctrl+C to stop)", flush=True)
        if not loopback:
            print("warning: the designer API has no login; anyone who can reach this address can use it",
                  file=sys.stderr, flush=True)
        try:
            server.serve_forever()
        finally:
            server.server_close()
    finally:
        close_app(app)
    return 0


def _quiet_logging() -> None:
    # Our own line names the URL; the dev server's banner, production warnings and per-request lines are noise
    # for a local tool. Errors (and the tracebacks of 500s) still reach stderr.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)


def _url(host: str, port: int) -> str:
    shown = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "[::1]"}.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"
