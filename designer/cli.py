"""The `designer` command line: serve, run, validate, components, compute, and the workspace's command groups."""
from __future__ import annotations

import argparse
import json
import sys

from designer import (cli_auth, cli_compute, cli_data, cli_export, cli_models, cli_runs, cli_schedules, cli_serving,
                      cli_sweep)
from designer.cli_common import (EXIT_FAILED, EXIT_INVALID, EXIT_OK, err, open_designer, parse_pairs, parse_tags,
                                 read_document, state_options)


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
    except BrokenPipeError:
        # The reader went away (`designer runs list | head`): stop quietly, as Unix tools do.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="designer", description="A local-first visual ML pipeline designer.")
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="start the web designer")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--no-examples", action="store_true", help="do not load the example pipelines")
    serve.add_argument("--no-python-script", action="store_true",
                       help="run no users' code on this server: turns off execute-python-script and "
                            "endpoint entry scripts (score.py)")
    state_options(serve)
    serve.set_defaults(handler=_serve)

    run = sub.add_parser("run", help="run a graph document to completion")
    run.add_argument("graph", help="path to a designer-graph/1 JSON file")
    run.add_argument("--compute", help="compute target for nodes that do not choose one")
    run.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="pipeline parameter value")
    run.add_argument("--to", metavar="NODE", help="run only what NODE needs, then stop")
    run.add_argument("--rerun", action="append", default=[], metavar="NODE", help="ignore the cache for NODE")
    run.add_argument("--json", action="store_true", help="print one JSON object instead of the progress display")
    run.add_argument("--experiment", help="the experiment this run belongs to (default: the graph's name)")
    run.add_argument("--display-name", help="a name for this run")
    run.add_argument("--tag", action="append", default=[], metavar="K=V", help="a tag of this run")
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

    cli_compute.add_commands(sub, state_options)
    cli_schedules.add_commands(sub, state_options)
    cli_data.add_commands(sub, state_options)
    cli_export.add_commands(sub, state_options)
    cli_models.add_commands(sub, state_options)
    cli_runs.add_commands(sub, state_options)
    cli_auth.add_commands(sub, state_options)
    cli_serving.add_commands(sub, state_options)
    cli_sweep.add_commands(sub, state_options)
    return parser


# ---------------------------------------------------------------- helpers








# ---------------------------------------------------------------- commands

def _validate(args) -> int:
    import components
    from designer.graph.validation import validate

    document = read_document(args.graph)
    if document is None:
        return EXIT_INVALID
    problems = validate(document, components.catalogue())
    if args.json:
        print(json.dumps({"valid": not problems, "errors": [p.to_json() for p in problems]}, indent=2))
    elif problems:
        for problem in problems:
            err(f"error: {problem}")
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
        if spec.roles:
            print(f"  {'':<30}   roles {', '.join(sorted(spec.roles))}")
    return EXIT_OK


def _run(args) -> int:
    from designer.progress_display import ProgressDisplay
    from designer.service import GraphInvalid

    document = read_document(args.graph)
    if document is None:
        return EXIT_INVALID
    parameters = parse_pairs(args.param, "--param")
    tags = parse_tags(args.tag)
    if parameters is None or tags is None:
        return EXIT_INVALID
    designer = open_designer(args)
    try:
        try:
            plan = designer.plan(document, compute=args.compute, parameters=parameters, to=args.to, rerun=args.rerun)
        except GraphInvalid as exc:
            for problem in exc.problems:
                err(f"error: {problem}")
            return EXIT_INVALID
        listeners = [] if args.json else [ProgressDisplay(list(plan.order))]
        result = designer.run(document, compute=args.compute, parameters=parameters, to=args.to,
                              rerun=args.rerun, listeners=listeners, experiment=args.experiment,
                              display_name=args.display_name, tags=tags)
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

    return serve(host=args.host, port=args.port, home=args.home, db=args.db, load_examples=not args.no_examples,
                 python_script=not args.no_python_script)


def _deploy(args) -> int:
    from canvas_store.repository import Conflict, NotFound
    from designer.serving import DeploymentError, EndpointRuntimes
    from designer.serving.deployment import deploy_endpoint

    designer = open_designer(args)
    try:
        runtimes = EndpointRuntimes(designer.store, designer.artifacts.get, designer.home.datastore)
        record, _ = deploy_endpoint(designer, runtimes, args.name, args.graph_id)
    except (DeploymentError, NotFound, Conflict) as exc:
        err(f"error: {getattr(exc, 'message', exc)}")
        return EXIT_INVALID
    finally:
        designer.close()
    print(f"url: {args.url.rstrip('/')}/endpoints/{record['name']}/score")
    print(f"key: {record['key']}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
