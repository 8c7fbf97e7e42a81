"""`designer serve-endpoint` (endpoints on a production server) and `designer package` (an endpoint as a bundle)."""
from __future__ import annotations

import json
import os
from designer.cli_common import EXIT_FAILED, EXIT_INVALID, EXIT_OK, err



def add_commands(sub, state_options) -> None:
    serve = sub.add_parser("serve-endpoint", help="serve deployed endpoints from a production server (gunicorn)")
    serve.add_argument("names", nargs="+", metavar="NAME", help="endpoint(s) to serve")
    serve.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    serve.add_argument("--threads", type=int, default=1, help="threads per worker (default 1)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--table-path", action="store_true",
                       help="score every request through tables (no row path); for comparisons")
    serve.add_argument("--no-monitoring", action="store_true",
                       help="do not count, time or log requests (only to measure what monitoring costs)")
    state_options(serve)
    serve.set_defaults(handler=_serve_endpoint)

    package = sub.add_parser("package", help="write an endpoint as a self-contained bundle that serves it elsewhere")
    package.add_argument("name", metavar="NAME")
    package.add_argument("--out", required=True, metavar="DIR", help="folder to write (new or empty)")
    package.add_argument("--json", action="store_true")
    state_options(package)
    package.set_defaults(handler=_package)



def _open_store(args):
    from canvas_store.repository import Store
    from designer.home import Home

    home = Home.resolve(args.home, args.db)
    return home, Store.for_home(home.path, home.db_url)


def _serve_endpoint(args) -> int:
    from designer.serving.gunicorn_server import serve_endpoints

    if args.workers < 1 or args.threads < 1:
        err("error: --workers and --threads must be at least 1")
        return EXIT_INVALID
    home, store = _open_store(args)  # migrates once here, before any worker opens it
    try:
        missing = [n for n in dict.fromkeys(args.names) if store.endpoint_state(n) is None]
    finally:
        store.close()
    if missing:
        for name in missing:
            err(f"error: no endpoint named '{name}' (deploy one with `designer deploy` or POST /api/endpoints)")
        return EXIT_INVALID
    return serve_endpoints(list(dict.fromkeys(args.names)), home=str(home.path), db=home.db_url, host=args.host,
                           port=args.port, workers=args.workers, threads=args.threads, rows=not args.table_path,
                           monitoring=not args.no_monitoring)


def _package(args) -> int:
    from canvas_store.artifacts import ArtifactNotFound, ArtifactStore
    from canvas_store.repository import NotFound
    from designer.serving.bundle import BundleError, write_bundle
    from designer.serving.endpoint import DeploymentError

    home, store = _open_store(args)
    try:
        summary = write_bundle(store, ArtifactStore(home.artifacts), args.name, os.path.abspath(args.out))
    except NotFound:
        err(f"error: no endpoint named '{args.name}'")
        return EXIT_INVALID
    except BundleError as exc:
        err(f"error: {exc}")
        return EXIT_INVALID
    except (DeploymentError, ArtifactNotFound) as exc:
        err(f"error: endpoint '{args.name}' does not load here, so it cannot be packaged: "
             f"{getattr(exc, 'message', exc)}")
        return EXIT_FAILED
    finally:
        store.close()
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"wrote {summary['out']}: endpoint '{summary['name']}', {summary['artifacts']} artifact(s), "
              f"{len(summary['requirements'])} pinned requirement(s)")
        print(f"serve it anywhere: pip install -r {summary['out']}/requirements.txt && "
              f"python {summary['out']}/serve.py --port 8080")
    return EXIT_OK
