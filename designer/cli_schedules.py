"""`designer schedules add|list|pause|resume|remove`: recurring runs of published pipelines and graphs."""
from __future__ import annotations

import json
import sys
from designer.cli_common import EXIT_INVALID, EXIT_OK



def add_commands(sub, state_options) -> None:
    schedules = sub.add_parser("schedules", help="run published pipelines or graphs on a schedule")
    commands = schedules.add_subparsers(dest="schedules_command")

    add = commands.add_parser("add", help="add a schedule")
    target = add.add_mutually_exclusive_group(required=True)
    target.add_argument("--pipeline", metavar="ID", help="a published pipeline")
    target.add_argument("--graph", metavar="ID", help="a graph (its newest revision runs)")
    add.add_argument("--version", type=int, help="pipeline version (default: the pipeline's default)")
    timing = add.add_mutually_exclusive_group(required=True)
    timing.add_argument("--cron", metavar="EXPR", help='cron expression, e.g. "0 6 * * 1-5"')
    timing.add_argument("--every", type=int, metavar="N", help="every N units (with --unit)")
    add.add_argument("--unit", default="minutes", choices=("seconds", "minutes", "hours", "days", "weeks"))
    add.add_argument("--timezone", default="UTC", metavar="TZ", help="IANA time zone of the cron expression")
    add.add_argument("--param", action="append", default=[], metavar="K=V", help="pipeline parameter value")
    add.add_argument("--name", default="", help="a name to recognise it by")
    add.add_argument("--json", action="store_true")
    state_options(add)
    add.set_defaults(handler=_add)

    listing = commands.add_parser("list", help="list schedules with their next and last run")
    listing.add_argument("--json", action="store_true")
    state_options(listing)
    listing.set_defaults(handler=_list)

    for name, helptext, handler in (("pause", "stop a schedule firing", _pause),
                                    ("resume", "let a paused schedule fire again", _resume),
                                    ("remove", "delete a schedule", _remove)):
        command = commands.add_parser(name, help=helptext)
        command.add_argument("id", metavar="ID")
        command.add_argument("--json", action="store_true")
        state_options(command)
        command.set_defaults(handler=handler)
    schedules.set_defaults(handler=lambda args: (schedules.print_help(), EXIT_INVALID)[1])


def _store(args):
    from canvas_store.repository import Store
    from designer.home import Home

    home = Home.resolve(args.home, args.db)
    return Store.for_home(home.path, home.db_url)


def _params(pairs: list[str]) -> dict:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--param expects K=V, got {pair!r}")
        values[name.strip()] = _value(value)
    return values


def _value(text: str):
    """Numbers and true/false as such (as a JSON body would send them); anything else as text."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, (int, float, bool)) else text


def _add(args) -> int:
    from designer.scheduling.schedules import schedule_json, schedule_values
    from designer.scheduling.timing import ScheduleInputError

    body = {"timezone": args.timezone, "name": args.name}
    if args.pipeline:
        body["pipeline_id"] = args.pipeline
        if args.version is not None:
            body["version"] = args.version
    else:
        body["graph_id"] = args.graph
    if args.cron:
        body["cron"] = args.cron
    else:
        body["every"] = {"interval": args.every, "unit": args.unit}
    try:
        body["parameters"] = _params(args.param)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    with _store(args) as store:
        try:
            record = store.create_schedule(**schedule_values(body, store))
        except ScheduleInputError as exc:
            print(f"error: {exc.field}: {exc.message}", file=sys.stderr)
            return EXIT_INVALID
        answer = schedule_json(record)
    return _report(args, answer, f"schedule {answer['id']}: {answer['summary']}, next run {answer['next_run']}")


def _list(args) -> int:
    from designer.scheduling.schedules import schedule_json

    with _store(args) as store:
        schedules = [schedule_json(s) for s in store.list_schedules()]
    if args.json:
        print(json.dumps({"schedules": schedules}))
        return EXIT_OK
    if not schedules:
        print("no schedules")
        return EXIT_OK
    print(f"{'ID':32}  {'STATE':7}  {'WHEN':34}  {'NEXT RUN':25}  LAST RUN")
    for s in schedules:
        state = "on" if s["enabled"] else "paused"
        last = f"{s['last_run']} ({s['last_run_status']})" if s["last_run"] else "-"
        print(f"{s['id']:32}  {state:7}  {s['summary'][:34]:34}  {s['next_run'] or '-':25}  {last}")
        if s["paused_reason"]:
            print(f"{'':32}  {s['paused_reason']}")
    return EXIT_OK


def _change(args, enabled: bool) -> int:
    from canvas_store.repository import NotFound
    from designer.scheduling.schedules import schedule_json, schedule_values

    with _store(args) as store:
        try:
            current = store.get_schedule(args.id)
        except NotFound:
            print(f"error: there is no schedule {args.id!r}", file=sys.stderr)
            return EXIT_INVALID
        record = store.update_schedule(args.id, **schedule_values({"enabled": enabled}, store, current=current))
        answer = schedule_json(record)
    return _report(args, answer, f"schedule {args.id} "
                   f"{'resumed, next run ' + str(answer['next_run']) if enabled else 'paused'}")


def _pause(args) -> int:
    return _change(args, False)


def _resume(args) -> int:
    return _change(args, True)


def _remove(args) -> int:
    from canvas_store.repository import NotFound

    with _store(args) as store:
        try:
            store.delete_schedule(args.id)
        except NotFound:
            print(f"error: there is no schedule {args.id!r}", file=sys.stderr)
            return EXIT_INVALID
    return _report(args, {"id": args.id, "removed": True}, f"schedule {args.id} removed")


def _report(args, answer: dict, line: str) -> int:
    """One JSON object with --json, else one line for a person."""
    print(json.dumps(answer) if args.json else line)
    return EXIT_OK
