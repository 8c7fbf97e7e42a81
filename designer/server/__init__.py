"""The web designer's server: a Flask app factory with Flask-SocketIO, one blueprint per resource, and `serve`."""
from __future__ import annotations

import logging
import os
import shlex
import sys
from typing import Any, Mapping

from flask import Flask
from flask_socketio import SocketIO

from components.python_script import SCRIPT_COMPONENT, SCRIPT_SWITCH
from designer.home import Home
from designer.server import compute_api, components_api, graphs_api, runs_api, site
from designer.server import access_api, endpoints_api, inference_api, login, monitoring_api, pipelines_api
from designer.server import datasets_api, datastores_api, schedules_api, schemas_api
from designer.server import models_api, revisions_api, workspace_runs_api
from designer.server import automl_api, sweeps_api
from designer.server.app_state import EXTENSION, RUNTIMES, current_designer
from designer.server.auth import install_auth, install_socket_gate
from designer.server.errors import ApiError, register_error_handlers
from designer.server.events import RunEventForwarder, register_socket_handlers
from designer.server.json_values import DesignerJSONProvider
from designer.server.operations import install_operations, stop_operations
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
    #: Paths that take multipart/form-data (file uploads) instead of JSON.
    #: The built browser app; None means the repository's static/dist.
    "STATIC_DIST": None,
    #: Largest upload into a datastore, in bytes (streamed to disk; larger ones get 413 and nothing is kept);
    #: None: $DESIGNER_UPLOAD_LIMIT, else 10 GiB.
    "DESIGNER_UPLOAD_LIMIT": None,
    #: When to ask for credentials: "auto" (once any user or token exists), "required" (always; `serve` on a
    #: non-loopback address), "off". See designer/server/auth.py.
    "DESIGNER_AUTH": "auto",
    #: Whether execute-python-script may run (`designer serve --no-python-script` turns it off).
    "DESIGNER_PYTHON_SCRIPT": True,
    #: Sweeps a stopped server was running continue when it starts again (else: interrupted, resumable).
    "DESIGNER_RESUME_SWEEPS": True,
}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
BLUEPRINTS = (components_api.blueprint, graphs_api.blueprint, runs_api.blueprint, compute_api.blueprint,
              inference_api.blueprint, endpoints_api.blueprint, pipelines_api.blueprint,
              schedules_api.blueprint, monitoring_api.blueprint, datastores_api.blueprint,
              datasets_api.blueprint, schemas_api.blueprint, models_api.blueprint, workspace_runs_api.blueprint,
              revisions_api.blueprint, access_api.blueprint, login.blueprint, sweeps_api.blueprint,
              automl_api.blueprint, site.blueprint)
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
    if not app.config["DESIGNER_PYTHON_SCRIPT"]:
        designer.disabled_components.add(SCRIPT_COMPONENT)
    # Runs left queued or running by a previous server can never finish now.
    designer.store.mark_unfinished_runs_failed()
    designer.automl.recover()  # before the sweeps: the sweep an interrupted job was in stops with it
    designer.sweeps.recover(resume=app.config["DESIGNER_RESUME_SWEEPS"])

    register_error_handlers(app)
    install_request_guards(app)
    install_auth(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.add_url_rule("/api/health", "health", _health)
    install_operations(app, designer)

    socketio = SocketIO(app, async_mode="threading",
                        cors_allowed_origins=list(app.config["DESIGNER_ALLOWED_ORIGINS"]) or None)
    forwarder = RunEventForwarder(socketio)
    gate = install_socket_gate(app, socketio)
    register_socket_handlers(socketio, forwarder, permitted=gate.permitted)
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
    stop_operations(app)
    endpoints = app.extensions.get(RUNTIMES)
    if endpoints is not None:
        endpoints.close()  # entry-script deployments run in child processes
    if forwarder is not None:
        if designer is not None and forwarder in designer.listeners:
            designer.listeners.remove(forwarder)
        forwarder.close()
    if designer is not None and app.extensions.get(_OWNED):
        designer.close()


def serve(host: str = "127.0.0.1", port: int = 8765, home=None, db=None, load_examples: bool = True,
          python_script: bool = True) -> int:
    """`designer serve`: listen, print the URL once it answers, serve until interrupted; returns the exit code.

    On a loopback address nobody signs in (unless users or tokens exist); on any other address
    everyone must, and the server refuses to start while there is nobody who could.
    """
    from werkzeug.serving import make_server

    from designer.server.examples import load_examples as import_examples

    _quiet_logging()
    loopback = host in LOOPBACK_HOSTS
    if not python_script:
        os.environ[SCRIPT_SWITCH] = "off"  # process workers started from here refuse it too
    app = create_app(home=home, db=db, config={"DESIGNER_ALLOWED_HOSTS": LOOPBACK_HOSTS if loopback else None,
                                               "DESIGNER_AUTH": "auto" if loopback else "required",
                                               "DESIGNER_PYTHON_SCRIPT": python_script})
    designer = app.extensions[EXTENSION]
    if not loopback and not designer.store.has_credentials():
        close_app(app)
        print(f"error: refusing to serve on {host}: nobody could sign in. Anyone who can reach this address\n"
              f"could run code as this user, so the designer needs a login first. Make one with\n"
              f"  designer users add NAME --role admin{_state_flags(home, db)}   (reads the password from stdin)\n"
              f"or a token for scripts with\n"
              f"  designer tokens create NAME --role admin{_state_flags(home, db)}\n"
              f"then start the server again (or serve on 127.0.0.1, which needs no login).",
              file=sys.stderr, flush=True)
        return 2
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
        print(_script_note(python_script), flush=True)
        if not loopback:
            print("sign-in required: browsers sign in at /login, scripts send 'Authorization: Bearer TOKEN'",
                  flush=True)
        try:
            server.serve_forever()
        finally:
            server.server_close()
    finally:
        close_app(app)
    return 0


def _script_note(enabled: bool) -> str:
    if not enabled:
        return "execute-python-script: turned off (--no-python-script)"
    from components.script_sandbox import detect_isolation

    return f"execute-python-script isolation: {detect_isolation().describe()}"


def _state_flags(home, db) -> str:
    flags = f" --home {shlex.quote(str(home))}" if home else ""
    return flags + (f" --db {shlex.quote(str(db))}" if db else "")


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
