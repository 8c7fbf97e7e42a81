"""The `designer` command line: serve, run, validate, components, compute."""
from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_INVALID
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="designer", description="A local-first visual ML pipeline designer.")
    sub = parser.add_subparsers(dest="command")

    def state_options(p):
        p.add_argument("--home", help="state folder (default $DESIGNER_HOME, else ./.designer)")
        p.add_argument("--db", help="SQLAlchemy database URL (default SQLite in the home; $DESIGNER_DB_URL)")

    serve = sub.add_parser("serve", help="start the web designer")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--no-examples", action="store_true", help="do not load the example pipelines")
    state_options(serve)
    serve.set_defaults(handler=_serve)

    run = sub.add_parser("run", help="run a graph document to completion")
    run.add_argument("graph", help="path to a designer-graph/1 JSON file")
    run.add_argument("--compute", help="compute target for nodes that do not choose one")
    run.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="pipeline parameter value")
    run.add_argument("--to", metavar="NODE", help="run only what NODE needs, then stop")
    run.add_argument("--rerun", action="append", default=[], metavar="NODE", help="ignore the cache for NODE")
    run.add_argument("--json", action="store_true", help="print one JSON object instead of the progress display")
    state_options(run)
    run.set_defaults(handler=_run)

    validate = sub.add_parser("validate", help="check a graph document")
    validate.add_argument("graph")
    validate.add_argument("--json", action="store_true")
    validate.set_defaults(handler=_validate)

    comps = sub.add_parser("components", help="list the component catalogue")
    comps.add_argument("--json", action="store_true")
    comps.set_defaults(handler=_components)

    deploy = sub.add_parser("deploy", help="deploy a real-time inference graph as a scoring endpoint")
    deploy.add_argument("graph_id", metavar="GRAPH_ID")
    deploy.add_argument("--name", required=True, help="endpoint name (lower-case letters, digits, dashes)")
    deploy.add_argument("--url", default="http://127.0.0.1:8765", help="base URL the server is reached at")
    state_options(deploy)
    deploy.set_defaults(handler=_deploy)

    compute = sub.add_parser("compute", help="manage compute targets")
    compute_sub = compute.add_subparsers(dest="compute_command")
    c_list = compute_sub.add_parser("list")
    c_list.add_argument("--json", action="store_true")
    state_options(c_list)
    c_list.set_defaults(handler=_compute_list)
    c_add = compute_sub.add_parser("add")
    c_add.add_argument("name")
    kind = c_add.add_mutually_exclusive_group(required=True)
    kind.add_argument("--process", type=int, metavar="N", help="a pool of N worker processes on this machine")
    kind.add_argument("--dask", metavar="ADDRESS", help="attach an existing Dask scheduler (tcp://HOST:PORT)")
    kind.add_argument("--dask-local", type=int, metavar="N", help="start a Dask LocalCluster with N workers")
    state_options(c_add)
    c_add.set_defaults(handler=_compute_add)
    c_remove = compute_sub.add_parser("remove")
    c_remove.add_argument("name")
    state_options(c_remove)
    c_remove.set_defaults(handler=_compute_remove)
    compute.set_defaults(handler=lambda args: (compute.print_help(), EXIT_INVALID)[1])
    from designer import cli_sweep
    cli_sweep.add_commands(sub, state_options)
    return parser


# ---------------------------------------------------------------- helpers

def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _read_document(path: str):
    from designer.graph.document import GraphFileError, read_graph_file

    try:
        return read_graph_file(path)
    except GraphFileError as exc:
        _err(f"error: {exc}")
        return None


def _designer(args):
    from designer.home import Home
    from designer.service import Designer

    return Designer(Home.resolve(args.home, args.db))


def _parse_params(pairs: list[str]) -> dict | None:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            _err(f"error: --param expects NAME=VALUE, got {pair!r}")
            return None
        values[name.strip()] = value
    return values


# ---------------------------------------------------------------- commands

def _validate(args) -> int:
    import components
    from designer.graph.validation import validate

    document = _read_document(args.graph)
    if document is None:
        return EXIT_INVALID
    problems = validate(document, components.catalogue())
    if args.json:
        print(json.dumps({"valid": not problems, "errors": [p.to_json() for p in problems]}, indent=2))
    elif problems:
        for problem in problems:
            _err(f"error: {problem}")
    else:
        print(f"{args.graph}: valid ({len(document.get('nodes', []))} nodes, {len(document.get('edges', []))} edges)")
    return EXIT_INVALID if problems else EXIT_OK


def _components(args) -> int:
    import components

    catalogue = sorted(components.catalogue().values(), key=lambda s: (s.category, s.id))
    if args.json:
        print(json.dumps([s.to_json() for s in catalogue], indent=2, default=str))
        return EXIT_OK
    category = None
    for spec in catalogue:
        if spec.category != category:
            category = spec.category
            print(f"\n{category}")
        summary = spec.description.splitlines()[0] if spec.description else ""
        print(f"  {spec.id:<30} {summary}")
        ins = ", ".join(f"{n}: {p.type.name}{'?' if p.optional else ''}" for n, p in spec.inputs.items())
        outs = ", ".join(f"{n}: {t.name}" for n, t in spec.outputs.items())
        print(f"  {'':<30}   in ({ins or '-'})  out ({outs or '-'})")
        if spec.params:
            params = ", ".join(f"{p.name}: {p.type_name}={p.default!r}" for p in spec.params.values())
            print(f"  {'':<30}   params {params}")
    return EXIT_OK


def _run(args) -> int:
    from designer.progress_display import ProgressDisplay
    from designer.service import GraphInvalid

    document = _read_document(args.graph)
    if document is None:
        return EXIT_INVALID
    parameters = _parse_params(args.param)
    if parameters is None:
        return EXIT_INVALID
    designer = _designer(args)
    try:
        try:
            plan = designer.plan(document, compute=args.compute, parameters=parameters, to=args.to, rerun=args.rerun)
        except GraphInvalid as exc:
            for problem in exc.problems:
                _err(f"error: {problem}")
            return EXIT_INVALID
        listeners = [] if args.json else [ProgressDisplay(list(plan.order))]
        result = designer.run(document, compute=args.compute, parameters=parameters, to=args.to,
                              rerun=args.rerun, listeners=listeners)
    finally:
        designer.close()
    if args.json:
        print(json.dumps(_json_summary(result), indent=2))
    else:
        _print_summary(result)
    return EXIT_OK if result.status == "completed" else EXIT_FAILED


def _json_summary(result) -> dict:
    nodes = {}
    for node_id, node in result.nodes.items():
        entry = {"status": node.status, "cached": node.cached,
                 "seconds": round(node.seconds, 4) if node.seconds is not None else None,
                 "compute": node.compute}
        if node.error:
            entry["error"] = node.error
        if node.metrics:
            entry["metrics"] = node.metrics
        nodes[node_id] = entry
    summary = {"run_id": result.run_id, "status": result.status, "nodes": nodes}
    if result.error:
        summary["error"] = result.error
    return summary


def _print_summary(result) -> None:
    width = max([len(n) for n in result.nodes] + [4])
    print(f"\nrun {result.run_id}: {result.status}")
    for node_id, node in result.nodes.items():
        seconds = f"{node.seconds:7.2f}s" if node.seconds is not None else "        "
        flag = "  (cached)" if node.cached else ""
        print(f"  {node_id:<{width}}  {node.status:<9} {seconds}{flag}")
    for node_id, node in result.nodes.items():
        if node.metrics:
            print(f"\nmetrics of {node_id}:")
            for key, value in node.metrics.items():
                print(f"  {key:<20} {value:.4f}" if isinstance(value, float) else f"  {key:<20} {value}")
    for node_id, node in result.nodes.items():
        if node.status == "failed":
            print(f"\nnode {node_id} failed: {node.error}", file=sys.stderr)
    if result.error and not any(n.status == "failed" for n in result.nodes.values()):
        print(f"\n{result.error}", file=sys.stderr)


def _serve(args) -> int:
    from designer.server import serve

    return serve(host=args.host, port=args.port, home=args.home, db=args.db, load_examples=not args.no_examples)


def _deploy(args) -> int:
    from canvas_store.repository import Conflict, NotFound
    from designer.serving import DeploymentError, EndpointRuntimes
    from designer.serving.deployment import deploy_endpoint

    designer = _designer(args)
    try:
        runtimes = EndpointRuntimes(designer.store, designer.artifacts.get, designer.home.datastore)
        record, _ = deploy_endpoint(designer, runtimes, args.name, args.graph_id)
    except (DeploymentError, NotFound, Conflict) as exc:
        _err(f"error: {getattr(exc, 'message', exc)}")
        return EXIT_INVALID
    finally:
        designer.close()
    print(f"url: {args.url.rstrip('/')}/endpoints/{record['name']}/score")
    print(f"key: {record['key']}")
    return EXIT_OK


def _compute_list(args) -> int:
    designer = _designer(args)
    try:
        targets = [{"name": "local", "kind": "local", "settings": {}, "status": "ready"}]
        targets += [t for t in designer.store.list_compute_targets() if t["name"] != "local"]
    finally:
        designer.close()
    if args.json:
        print(json.dumps(targets, indent=2, default=str))
    else:
        for t in targets:
            settings = ", ".join(f"{k}={v}" for k, v in (t.get("settings") or {}).items())
            print(f"{t['name']:<20} {t['kind']:<8} {t.get('status') or '':<10} {settings}")
    return EXIT_OK


def _compute_add(args) -> int:
    from canvas_store.repository import Conflict

    if args.name == "local":
        _err("error: 'local' is built in")
        return EXIT_INVALID
    if args.process is not None:
        kind, settings = "process", {"workers": args.process}
    elif args.dask is not None:
        kind, settings = "dask", {"address": args.dask}
    else:
        kind, settings = "dask", {"local_workers": args.dask_local}
    for key in ("workers", "local_workers"):
        if key in settings and settings[key] < 1:
            _err("error: the number of workers must be at least 1")
            return EXIT_INVALID
    designer = _designer(args)
    try:
        designer.store.add_compute_target(args.name, kind, settings)
    except Conflict:
        _err(f"error: a compute target named '{args.name}' already exists")
        return EXIT_INVALID
    finally:
        designer.close()
    print(f"added compute target {args.name} ({kind})")
    return EXIT_OK


def _compute_remove(args) -> int:
    from canvas_store.repository import NotFound

    designer = _designer(args)
    try:
        designer.store.remove_compute_target(args.name)
    except NotFound:
        _err(f"error: no compute target named '{args.name}'")
        return EXIT_INVALID
    finally:
        designer.close()
    print(f"removed compute target {args.name}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
