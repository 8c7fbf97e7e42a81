"""`designer sweep` and `designer automl`: hyperparameter sweeps and learner trials from the command line."""
from __future__ import annotations

import json
import sys
import time
from designer.cli_common import EXIT_FAILED, EXIT_INVALID, EXIT_OK, err, open_designer, read_document

POLL_SECONDS = 0.3


def add_commands(sub, state_options) -> None:
    sweep = sub.add_parser("sweep", help="tune a graph's parameters: many runs, the best kept")
    sweep.add_argument("graph", help="path to a designer-graph/1 JSON file")
    sweep.add_argument("--space", action="extend", nargs="+", default=[], metavar="NAME=EXPR", required=True,
                       help="a pipeline parameter (or NODE.PARAM) and its range, e.g. lr='loguniform(0.0001, 0.1)'")
    sweep.add_argument("--metric", required=True, metavar="NODE.METRIC", help="primary metric, e.g. eval.accuracy")
    sweep.add_argument("--goal", default="maximize", choices=("maximize", "minimize"))
    sweep.add_argument("--sampling", default="random", choices=("random", "grid", "bayesian"))
    sweep.add_argument("--trials", type=int, default=10, metavar="N", help="most trials in total")
    sweep.add_argument("--concurrent", type=int, default=2, metavar="K", help="trials running at once")
    sweep.add_argument("--policy", choices=("none", "bandit", "median_stopping", "truncation_selection"),
                       default="none", help="early termination policy")
    sweep.add_argument("--slack", type=float, help="bandit slack factor (ratio to the best so far)")
    sweep.add_argument("--slack-amount", type=float, help="bandit slack as an absolute amount instead")
    sweep.add_argument("--truncation", type=float, metavar="PERCENT", help="truncation_selection percentage")
    sweep.add_argument("--interval", type=int, default=1, help="evaluate the policy every N intermediate values")
    sweep.add_argument("--delay", type=int, default=0, help="first evaluation after this many values")
    sweep.add_argument("--intermediate", metavar="NODE.METRIC", help="per-epoch metric the policy watches")
    sweep.add_argument("--compute", help="compute target the trials run on")
    sweep.add_argument("--seed", type=int, help="sampler seed")
    sweep.add_argument("--json", action="store_true", help="print the sweep as GET /api/sweeps/<id> does")
    state_options(sweep)
    sweep.set_defaults(handler=run_sweep)

    automl = sub.add_parser("automl", help="try the catalogue's learners on a dataset and keep the best")
    source = automl.add_mutually_exclusive_group(required=True)
    source.add_argument("--dataset", metavar="NAME[:V]", help="a registered dataset")
    source.add_argument("--sample", metavar="NAME", help="a sample dataset (iris, wine, breast_cancer, ...)")
    automl.add_argument("--label", required=True, metavar="COL", help="the column to predict")
    automl.add_argument("--task", choices=("classification", "regression"), help="default: guessed from the label")
    automl.add_argument("--trials", type=int, default=3, metavar="N", help="trials per learner")
    automl.add_argument("--compute", help="compute target the trials run on")
    automl.add_argument("--seed", type=int, default=0)
    automl.add_argument("--json", action="store_true", help="print the leaderboard as one JSON object")
    state_options(automl)
    automl.set_defaults(handler=run_automl)



def sweep_request(args) -> dict | None:
    """The contract-6 request body the flags describe (None after printing what is wrong)."""
    space = {}
    for pair in args.space:
        name, sep, expression = pair.partition("=")
        if not sep or not name.strip():
            err(f"error: --space expects NAME=EXPR, got {pair!r}")
            return None
        space[name.strip()] = expression.strip()
    body = {"search_space": space, "sampling": args.sampling, "primary_metric": args.metric, "goal": args.goal,
            "max_total_trials": args.trials, "max_concurrent_trials": args.concurrent}
    if args.policy != "none":
        policy = {"policy": args.policy, "evaluation_interval": args.interval, "delay_evaluation": args.delay}
        if args.policy == "bandit":
            if args.slack_amount is not None:
                policy["slack_amount"] = args.slack_amount
            else:
                policy["slack_factor"] = 0.15 if args.slack is None else args.slack
        elif args.policy == "truncation_selection":
            policy["truncation_percentage"] = 20 if args.truncation is None else args.truncation
        body["early_termination"] = policy
    for key, value in (("intermediate_metric", args.intermediate), ("compute", args.compute), ("seed", args.seed)):
        if value is not None:
            body[key] = value
    return body


def run_sweep(args) -> int:
    from designer.service import GraphInvalid
    from designer.sweeps.config import SweepConfigError

    document = read_document(args.graph)
    if document is None:
        return EXIT_INVALID
    body = sweep_request(args)
    if body is None:
        return EXIT_INVALID
    designer = open_designer(args)
    try:
        if args.compute and args.compute not in designer.targets.names():
            err(f"error: compute target '{args.compute}' does not exist "
                 f"(known: {', '.join(designer.targets.names())})")
            return EXIT_INVALID
        try:
            sweep_id = designer.sweeps.submit(document, body)
        except SweepConfigError as error:
            err(f"error: {error}")
            return EXIT_INVALID
        except GraphInvalid as error:
            for problem in error.problems:
                err(f"error: {problem}")
            return EXIT_INVALID
        view = follow(designer, sweep_id, live=not args.json)
    finally:
        designer.close()
    if args.json:
        print(json.dumps(view, default=str))
    return EXIT_OK if view["status"] == "completed" else EXIT_FAILED


def follow(designer, sweep_id: str, *, live: bool) -> dict:
    """Wait for the sweep, drawing its trials table as they change; Ctrl+C cancels it."""
    table = TrialTable(sys.stdout) if live else None
    try:
        while True:
            view = designer.sweeps.view(sweep_id)
            if table:
                table.draw(view)
            if view["status"] != "running":
                designer.sweeps.wait(sweep_id, 5)
                return designer.sweeps.view(sweep_id)
            time.sleep(POLL_SECONDS)
    except KeyboardInterrupt:
        designer.sweeps.cancel(sweep_id)
        designer.sweeps.wait(sweep_id, 30)
        return designer.sweeps.view(sweep_id)


class TrialTable:
    """The trials as a table, redrawn in place on a terminal, appended when piped (only when it changed)."""

    def __init__(self, out):
        self.out, self.tty = out, out.isatty()
        self.last: list[str] = []

    def draw(self, view: dict) -> None:
        lines = trial_lines(view)
        if lines == self.last:
            return
        if self.tty and self.last:
            self.out.write(f"\x1b[{len(self.last)}F\x1b[J")
        elif self.last:
            lines_to_print = [line for line in lines if line not in self.last]
            self.out.write("\n".join(lines_to_print) + "\n")
            self.out.flush()
            self.last = lines
            return
        self.out.write("\n".join(lines) + "\n")
        self.out.flush()
        self.last = lines


def trial_lines(view: dict) -> list[str]:
    config = view.get("config") or {}
    metric = config.get("primary_metric", "metric")
    names = list((config.get("search_space") or {}).keys())
    header = ["trial", *names, "status", metric, "epochs"]
    rows = []
    for trial in view["trials"]:
        values = [_short(trial["parameters"].get(n)) for n in names]
        rows.append([str(trial["trial"]), *values, trial["status"],
                     "" if trial["metric"] is None else f"{trial['metric']:.4f}", str(len(trial["intermediate"]))])
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = [f"sweep {view['sweep_id'][:8]}  {view['status']}  ({len(view['trials'])}/"
             f"{config.get('max_total_trials', '?')} trials)",
             "  ".join(h.ljust(w) for h, w in zip(header, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    best = view.get("best")
    if best:
        lines.append(f"best: trial {best['trial']}  {metric} = {best['metric']:.4f}  {json.dumps(best['parameters'])}")
    return lines


def _short(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def run_automl(args) -> int:
    from designer.automl import AutomlError

    designer = open_designer(args)
    try:
        try:
            job = designer.automl.start(dataset=args.dataset, sample=args.sample, label=args.label, task=args.task,
                                        trials=args.trials, compute=args.compute, seed=args.seed)
        except AutomlError as error:
            err(f"error: {error}")
            return EXIT_INVALID
        view = follow_automl(designer, job, live=not args.json)
    finally:
        designer.close()
    if args.json:
        print(json.dumps(view, default=str))
    return EXIT_OK if view["status"] == "completed" else EXIT_FAILED


def follow_automl(designer, job_id: str, *, live: bool) -> dict:
    """Wait for the job, printing each learner as it finishes and the ranked leaderboard at the end; Ctrl+C
    cancels it (as `designer sweep`)."""
    from designer.automl import AutomlNotActive, leaderboard_lines

    reported: set[str] = set()

    def show(view: dict) -> None:
        if not live:
            return
        if not reported:
            print(f"automl {view['automl_id'][:8]}: trying {len(view['leaderboard'])} learners, "
                  f"{view['task']} of '{view['label']}' from {view['data']} (metric {view['metric']})", flush=True)
            reported.add("")
        finished = [r for r in view["leaderboard"] if r["status"] not in ("queued", "running")]
        for row in sorted(finished, key=lambda r: r.get("finished_at") or ""):
            if row["learner"] not in reported:
                reported.add(row["learner"])
                metric = "" if row["metric"] is None else f"{row['metric']:.4f}"
                why = f"  {row['error']}" if row["metric"] is None and row.get("error") else ""
                print(f"  {row['learner']:<24} {row['status']:<10} {metric}{why}", flush=True)

    def finish(view: dict) -> dict:
        if live:
            print("\n".join(["", *leaderboard_lines(view)]), flush=True)
        return view

    try:
        while True:
            view = designer.automl.view(job_id)
            show(view)
            if view["status"] != "running":
                designer.automl.wait(job_id, 5)
                return finish(designer.automl.view(job_id))
            time.sleep(POLL_SECONDS)
    except KeyboardInterrupt:
        try:
            designer.automl.cancel(job_id)
        except AutomlNotActive:
            pass  # it has just finished
        designer.automl.wait(job_id, 30)
        return finish(designer.automl.view(job_id))
