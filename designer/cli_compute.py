"""`designer compute list|add|remove`: its options come from each compute kind's declared settings."""
from __future__ import annotations

import json

from designer.compute.kinds import target_kinds
from designer.cli_common import EXIT_INVALID, EXIT_OK, err, open_designer



def add_commands(sub, state_options) -> None:
    compute = sub.add_parser("compute", help="manage compute targets")
    compute_sub = compute.add_subparsers(dest="compute_command")
    c_list = compute_sub.add_parser("list")
    c_list.add_argument("--json", action="store_true")
    state_options(c_list)
    c_list.set_defaults(handler=_list)

    kinds = target_kinds()
    described = "; ".join(f"{k.name}: {k.description} (settings: {', '.join(s.name for s in k.settings) or 'none'})"
                          for k in kinds.values())
    c_add = compute_sub.add_parser("add", description=f"Kinds — {described}.")
    c_add.add_argument("name")
    choice = c_add.add_mutually_exclusive_group(required=True)
    for kind in kinds.values():
        for setting in kind.settings:
            if setting.flag:
                choice.add_argument(setting.flag, dest=_dest(setting.flag), metavar=setting.metavar or "VALUE",
                                    help=f"a '{kind.name}' target: {setting.description}")
    choice.add_argument("--kind", choices=sorted(kinds), help="the kind, when no shortcut option names it")
    c_add.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE",
                       help="another setting of the kind (repeatable)")
    state_options(c_add)
    c_add.set_defaults(handler=_add)

    c_remove = compute_sub.add_parser("remove")
    c_remove.add_argument("name")
    state_options(c_remove)
    c_remove.set_defaults(handler=_remove)
    compute.set_defaults(handler=lambda args: (compute.print_help(), EXIT_INVALID)[1])


def _dest(flag: str) -> str:
    return "kind_" + flag.lstrip("-").replace("-", "_")





def kind_and_settings(args) -> tuple[str, dict]:
    """The kind and settings the options name; ValueError says what is wrong, in the user's words."""
    from components.spec import parse_typed_text

    kinds = target_kinds()
    kind_name, settings = args.kind, {}
    for kind in kinds.values():
        for setting in kind.settings:
            text = getattr(args, _dest(setting.flag), None) if setting.flag else None
            if text is not None:
                kind_name = kind.name
                settings[setting.name] = _typed(setting, text, parse_typed_text)
    kind = kinds[kind_name]
    for pair in args.setting:
        name, sep, text = pair.partition("=")
        declared = kind.setting(name.strip())
        if not sep or declared is None:
            known = ", ".join(s.name for s in kind.settings) or "none"
            raise ValueError(f"--setting expects NAME=VALUE with a setting of the '{kind.name}' kind "
                             f"({known}), got {pair!r}")
        settings[declared.name] = _typed(declared, text, parse_typed_text)
    problems = kind.problems(settings)
    if problems:
        raise ValueError(problems[0][1])
    return kind.name, settings


def _typed(setting, text: str, parse):
    try:
        return parse(setting.type, text)
    except ValueError as exc:
        raise ValueError(f"{setting.flag or setting.name}: {exc}") from None


def _list(args) -> int:
    designer = open_designer(args)
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


def _add(args) -> int:
    from canvas_store.repository import Conflict

    if args.name == "local":
        err("error: 'local' is built in")
        return EXIT_INVALID
    try:
        kind, settings = kind_and_settings(args)
    except ValueError as exc:
        err(f"error: {exc}")
        return EXIT_INVALID
    designer = open_designer(args)
    try:
        designer.store.add_compute_target(args.name, kind, settings)
    except Conflict:
        err(f"error: a compute target named '{args.name}' already exists")
        return EXIT_INVALID
    finally:
        designer.close()
    print(f"added compute target {args.name} ({kind})")
    return EXIT_OK


def _remove(args) -> int:
    from canvas_store.repository import NotFound

    designer = open_designer(args)
    try:
        designer.store.remove_compute_target(args.name)
    except NotFound:
        err(f"error: no compute target named '{args.name}'")
        return EXIT_INVALID
    finally:
        designer.close()
    print(f"removed compute target {args.name}")
    return EXIT_OK
