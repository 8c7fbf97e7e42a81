"""`designer models list|show|register|download`: the model registry from the command line."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from designer.cli_common import EXIT_INVALID, EXIT_OK, parse_tags, with_designer



def add_commands(sub, state_options) -> None:
    models = sub.add_parser("models", help="registered models: list, show, register, download")
    models_sub = models.add_subparsers(dest="models_command")

    m_list = models_sub.add_parser("list", help="every registered model")
    m_list.add_argument("--search", help="only names containing this")
    m_list.add_argument("--tag", help="only models with tag KEY or KEY:VALUE")
    m_list.add_argument("--json", action="store_true")
    state_options(m_list)
    m_list.set_defaults(handler=_list)

    show = models_sub.add_parser("show", help="a model's versions, or one version with its lineage")
    show.add_argument("model", metavar="NAME[:VERSION]")
    show.add_argument("--json", action="store_true")
    state_options(show)
    show.set_defaults(handler=_show)

    register = models_sub.add_parser("register", help="register a run's trained model or a model file")
    register.add_argument("name")
    register.add_argument("--run", "--run-id", dest="run", metavar="RUN_ID", help="the run that trained it")
    register.add_argument("--node", help="the node whose TrainedModel output to register")
    register.add_argument("--port", help="the output port (default: the node's only TrainedModel)")
    register.add_argument("--file", type=Path, help="a model file to upload instead")
    register.add_argument("--flavor", choices=("sklearn", "torch"), help="how --file loads")
    register.add_argument("--architecture", help="for torch: a torchvision name or an MLP as JSON")
    register.add_argument("--tag", action="append", default=[], metavar="K=V")
    register.add_argument("--description", default="")
    register.add_argument("--json", action="store_true")
    state_options(register)
    register.set_defaults(handler=_register)

    download = models_sub.add_parser("download", help="write a version's files as a zip")
    download.add_argument("model", metavar="NAME[:VERSION]")
    download.add_argument("--out", type=Path, help="zip file to write (default NAME-VERSION.zip)")
    state_options(download)
    download.set_defaults(handler=_download)
    models.set_defaults(handler=lambda args: (models.print_help(), EXIT_INVALID)[1])






def _reference(text: str):
    from components.saved_artifacts import parse_registry_ref
    from components.spec import ComponentError

    try:
        return parse_registry_ref(text)
    except ComponentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def _list(args) -> int:
    return with_designer(args, lambda designer: _print_models(args, designer.store.search_models(
        search=args.search, tag=args.tag)))


def _print_models(args, models: list[dict]) -> int:
    if args.json:
        print(json.dumps({"models": models}, indent=2))
        return EXIT_OK
    if not models:
        print("no registered models")
    for m in models:
        tags = ", ".join(f"{k}={v}" for k, v in m["tags"].items())
        print(f"{m['name']:<40} v{m['latest_version']:<4} {m['versions']} version(s)  {m['flavor']:<9} {tags}")
    return EXIT_OK


def with_model(args, action):
    """action(designer, name, version or None) for the NAME[:VERSION] in args.model."""
    reference = _reference(args.model)
    if reference is None:
        return EXIT_INVALID
    return with_designer(args, lambda designer: action(designer, *reference))


def _show(args) -> int:
    from designer.workspace.models import model_version

    def show(designer, name: str, version: int | None) -> int:
        if version is None:
            result = {"name": name, "versions": designer.store.list_model_versions(name)}
        else:
            result = model_version(designer.store, name, version)
        _print_version(args, name, version, result)
        return EXIT_OK

    return with_model(args, show)


def _print_version(args, name: str, version: int | None, result: dict) -> None:
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    elif version is None:
        for v in result["versions"]:
            print(f"{name}:{v['version']:<4} {v['created_at']}  {v['flavor']:<9} run {v['run_id'] or '-'}  "
                  f"{v['description']}")
    else:
        lineage = result["lineage"]
        print(f"{name}:{version}  ({result['flavor']}, registered {result['created_at']})")
        print(f"  run {lineage['run_id'] or '-'}, graph {lineage['graph_id'] or '-'} revision "
              f"{lineage['revision'] or '-'}, node {lineage['node'] or '-'}")
        for key, value in sorted(lineage["metrics"].items()):
            print(f"  {key:<30} {value}")


def _register(args) -> int:
    from designer.workspace.models import RegistryError, register_from_run, register_upload

    tags = parse_tags(args.tag)
    if tags is None:
        return EXIT_INVALID
    if bool(args.file) == bool(args.run) or (args.file and not args.flavor) or (args.run and not args.node):
        print("error: give either --run RUN_ID --node NODE, or --file PATH --flavor sklearn|torch", file=sys.stderr)
        return EXIT_INVALID
    try:
        data = args.file.read_bytes() if args.file else None
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return EXIT_INVALID

    def register(designer) -> int:
        try:
            if data is not None:
                record = register_upload(designer.store, designer.artifacts, args.name, args.file.name, data,
                                         args.flavor, architecture=args.architecture, tags=tags,
                                         description=args.description)
            else:
                record = register_from_run(designer.store, args.name, args.run, args.node, args.port, tags=tags,
                                           description=args.description)
        except RegistryError as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return EXIT_INVALID
        print(json.dumps({"name": record["name"], "version": record["version"]}) if args.json
              else f"registered {record['name']}:{record['version']}")
        return EXIT_OK

    return with_designer(args, register)


def _download(args) -> int:
    from designer.workspace.models import download_zip

    def download(designer, name: str, version: int | None) -> int:
        buffer, filename = download_zip(designer.store, designer.artifacts, name,
                                        version or designer.store.get_model(name)["version"])
        out = args.out or Path(filename)
        out.write_bytes(buffer.getvalue())
        print(f"wrote {out}")
        return EXIT_OK

    return with_model(args, download)
