"""`designer runs list|compare`: the workspace's run history from the command line."""
from __future__ import annotations

import json
import sys
from designer.cli_common import EXIT_INVALID, EXIT_OK, with_designer




def add_commands(sub, state_options) -> None:
    runs = sub.add_parser("runs", help="the workspace's runs: list, compare")
    runs_sub = runs.add_subparsers(dest="runs_command")

    r_list = runs_sub.add_parser("list", help="runs, newest first")
    r_list.add_argument("--experiment")
    r_list.add_argument("--graph", metavar="GRAPH_ID")
    r_list.add_argument("--status")
    r_list.add_argument("--tag", metavar="K[:V]")
    r_list.add_argument("--trigger")
    r_list.add_argument("--search")
    r_list.add_argument("--sort", help="created_at, name, status, ... or metric:NODE.METRIC")
    r_list.add_argument("--order", choices=("asc", "desc"), default="desc")
    r_list.add_argument("--limit", type=int, default=50)
    r_list.add_argument("--json", action="store_true")
    state_options(r_list)
    r_list.set_defaults(handler=_list)

    compare = runs_sub.add_parser("compare", help="parameters, metrics and curves of runs side by side")
    compare.add_argument("run_ids", nargs="+", metavar="RUN")
    compare.add_argument("--json", action="store_true")
    state_options(compare)
    compare.set_defaults(handler=_compare)
    runs.set_defaults(handler=lambda args: (runs.print_help(), EXIT_INVALID)[1])


def _list(args) -> int:
    if not 1 <= args.limit <= 10_000:
        print("error: --limit is between 1 and 10000", file=sys.stderr)
        return EXIT_INVALID
    try:
        found = with_designer(args, lambda designer: designer.store.search_runs(
            experiment=args.experiment, graph_id=args.graph, status=args.status, tag=args.tag, trigger=args.trigger,
            search=args.search, sort=args.sort, order=args.order, limit=args.limit))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print(json.dumps(found, indent=2, default=str))
        return EXIT_OK
    if not found["runs"]:
        print("no runs")
    for run in found["runs"]:
        metrics = ", ".join(f"{k}={v:.4g}" for k, v in list(run["metrics"].items())[:3] if v is not None)
        title = run["display_name"] or run["name"]
        print(f"{run['run_id']}  {run['status']:<9} {run['experiment'][:24]:<24} {title[:30]:<30} "
              f"{(run['created_at'] or '')[:19]}  {metrics}")
    if found["total"] > len(found["runs"]):
        print(f"({len(found['runs'])} of {found['total']} runs)")
    return EXIT_OK


def _compare(args) -> int:
    from designer.workspace.stored_comparison import compare

    result = with_designer(args, lambda designer: compare(designer.store, designer.artifacts,
                                                          list(dict.fromkeys(args.run_ids))))
    if not isinstance(result, dict):  # the exit status of a refusal
        return result
    if args.json:
        print(json.dumps(result, default=str))
        return EXIT_OK
    ids = [r["run_id"] for r in result["runs"]]
    width = max([len(n) for n in [*result["differing"], *result["metrics"]]] + [10])
    print(f"{'':<{width}}  " + "  ".join(f"{i[:12]:<12}" for i in ids))
    if result["differing"]:
        print("parameters that differ:")
        for name in result["differing"]:
            print(f"{name:<{width}}  " + "  ".join(f"{str(result['parameters'][name][i])[:12]:<12}" for i in ids))
    else:
        print("parameters: all the same")
    print("metrics:")
    for name, values in result["metrics"].items():
        cells = []
        for run_id in ids:
            value = values.get(run_id)
            text = "-" if value is None else f"{value:.4g}"
            cells.append(f"{(text + ('*' if result['best'].get(name) == run_id else ''))[:12]:<12}")
        print(f"{name:<{width}}  " + "  ".join(cells))
    if result["curves"]:
        print("per-epoch curves: " + ", ".join(result["curves"]))
    return EXIT_OK
