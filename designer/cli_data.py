"""The data commands: `designer data upload`, `designer datasets register|list|show`, `designer datastores list|add|remove`."""
from __future__ import annotations

import sys
from pathlib import Path
from designer.cli_common import EXIT_INVALID, EXIT_OK, parse_tags, print_json



def add_commands(sub, state_options) -> None:
    data = sub.add_parser("data", help="files in datastores")
    data_sub = data.add_subparsers(dest="data_command")
    up = data_sub.add_parser("upload", help="copy files into a datastore")
    up.add_argument("files", nargs="+", metavar="FILE")
    up.add_argument("--datastore", default="workspace", help="datastore name (default: workspace)")
    up.add_argument("--folder", default="", metavar="DIR", help="folder inside the datastore")
    up.add_argument("--extract", action="store_true", help="unpack .zip files")
    up.add_argument("--json", action="store_true")
    state_options(up)
    up.set_defaults(handler=_upload)
    data.set_defaults(handler=lambda args: (data.print_help(), EXIT_INVALID)[1])

    datasets = sub.add_parser("datasets", help="the dataset registry")
    ds_sub = datasets.add_subparsers(dest="datasets_command")
    reg = ds_sub.add_parser("register", help="register a file or folder of a datastore as a new dataset version")
    reg.add_argument("name")
    reg.add_argument("path", help="path inside the datastore")
    reg.add_argument("--datastore", default="workspace")
    reg.add_argument("--tag", action="append", default=[], metavar="K=V")
    reg.add_argument("--description", default="")
    reg.add_argument("--json", action="store_true")
    state_options(reg)
    reg.set_defaults(handler=_register)
    ls = ds_sub.add_parser("list", help="list registered datasets")
    ls.add_argument("--json", action="store_true")
    state_options(ls)
    ls.set_defaults(handler=_list)
    show = ds_sub.add_parser("show", help="one dataset version: schema, profile, lineage")
    show.add_argument("reference", metavar="NAME[:VERSION]")
    show.add_argument("--json", action="store_true")
    state_options(show)
    show.set_defaults(handler=_show)
    datasets.set_defaults(handler=lambda args: (datasets.print_help(), EXIT_INVALID)[1])

    stores = sub.add_parser("datastores", help="where data lives")
    st_sub = stores.add_subparsers(dest="datastores_command")
    st_list = st_sub.add_parser("list")
    st_list.add_argument("--json", action="store_true")
    state_options(st_list)
    st_list.set_defaults(handler=_stores_list)
    st_add = st_sub.add_parser("add")
    st_add.add_argument("name")
    kind = st_add.add_mutually_exclusive_group()
    kind.add_argument("--folder", metavar="PATH", help="a folder (e.g. a shared disk Dask workers see too)")
    kind.add_argument("--sql", metavar="URL", help="a SQLAlchemy URL; import-data then runs a query on it")
    st_add.add_argument("--kind", choices=("folder", "sql"), help="the long form: --kind folder --path P, "
                                                                 "or --kind sql --url U")
    st_add.add_argument("--path", help="with --kind folder")
    st_add.add_argument("--url", help="with --kind sql")
    st_add.add_argument("--json", action="store_true")
    state_options(st_add)
    st_add.set_defaults(handler=_stores_add)
    st_remove = st_sub.add_parser("remove", help="forget a datastore (its files stay; dataset versions keep their copies)")
    st_remove.add_argument("name")
    state_options(st_remove)
    st_remove.set_defaults(handler=_stores_remove)
    stores.set_defaults(handler=lambda args: (stores.print_help(), EXIT_INVALID)[1])


# ---------------------------------------------------------------- plumbing

def _catalogue_call(args, work):
    """Run `work(catalogue)` over the home; caller mistakes print one line and exit 2."""
    from canvas_store.errors import Conflict, NotFound
    from designer.data.catalogue import DataCatalogue
    from designer.data.errors import DataError
    from designer.home import Home
    from designer.service import Designer

    designer = Designer(Home.resolve(args.home, args.db))
    try:
        return work(DataCatalogue(designer)), EXIT_OK
    except DataError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return None, EXIT_INVALID
    except NotFound as exc:
        print(f"error: {exc.what} '{exc.id}' does not exist", file=sys.stderr)
        return None, EXIT_INVALID
    except Conflict as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None, EXIT_INVALID
    finally:
        designer.close()



# ---------------------------------------------------------------- commands

def _upload(args) -> int:
    files = [Path(f) for f in args.files]
    placed, code = _catalogue_call(args, lambda c: c.copy_in(args.datastore, files, args.folder, args.extract))
    if code:
        return code
    if args.json:
        print_json({"datastore": args.datastore, "files": placed})
    else:
        for item in placed:
            print(f"uploaded {item['path']} ({item['size']} bytes) to datastore {args.datastore}")
    return EXIT_OK


def _register(args) -> int:
    tags = parse_tags(args.tag)
    if tags is None:
        return EXIT_INVALID
    record, code = _catalogue_call(args, lambda c: c.register(args.name, datastore=args.datastore, path=args.path,
                                                              description=args.description, tags=tags))
    if code:
        return code
    if args.json:
        print_json({"name": record["name"], "version": record["version"]})
    else:
        rows = f", {record['rows']} {'images' if record['kind'] == 'images' else 'rows'}" if record["rows"] is not None else ""
        print(f"registered {record['name']} version {record['version']} ({record['kind']}{rows})")
    return EXIT_OK


def _list(args) -> int:
    datasets, code = _catalogue_call(args, lambda c: c.datasets())
    if code:
        return code
    if args.json:
        print_json({"datasets": datasets})
        return EXIT_OK
    if not datasets:
        print("no datasets registered yet (designer datasets register NAME PATH)")
    for d in datasets:
        print(f"{d['name']:<30} v{d['latest_version']:<4} {d['kind']:<8} {d['rows'] if d['rows'] is not None else '':>8}"
              f"  {d['description']}")
    return EXIT_OK


def _show(args) -> int:
    from components.registered_data import parse_dataset_reference

    try:
        name, version = parse_dataset_reference(args.reference)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    detail, code = _catalogue_call(args, lambda c: c.version(name, version, preview=False))
    if code:
        return code
    if args.json:
        print_json(detail)
        return EXIT_OK
    print(f"{detail['name']} version {detail['version']} ({detail['kind']}), registered {detail['created_at']}")
    if detail["description"]:
        print(detail["description"])
    if detail["tags"]:
        print("tags: " + ", ".join(f"{k}={v}" for k, v in detail["tags"].items()))
    if detail["kind"] == "tabular":
        print(f"{detail['rows']} rows; columns:")
        for column in detail["schema"]:
            print(f"  {column['name']:<30} {column['dtype']}")
    else:
        print(f"{detail['rows']} images; classes: " + ", ".join(
            f"{c} ({n})" for c, n in detail["schema"]["per_class"].items()))
    runs = detail["lineage"]["runs"]
    print(f"read by {len(runs)} run(s)" + (": " + ", ".join(r["run_id"] for r in runs) if runs else ""))
    for model in detail["lineage"]["models"]:
        print(f"  trained model {model['name']} version {model['version']} (run {model['run_id']})")
    return EXIT_OK


def _stores_list(args) -> int:
    stores, code = _catalogue_call(args, lambda c: [s.to_json() for s in c.datastores()])
    if code:
        return code
    if args.json:
        print_json({"datastores": stores})
        return EXIT_OK
    for store in stores:
        print(f"{store['name']:<20} {store['kind']:<7} {store.get('path') or store.get('url')}")
    return EXIT_OK


def _stores_remove(args) -> int:
    _, code = _catalogue_call(args, lambda c: c.remove_datastore(args.name))
    if not code:
        print(f"removed datastore {args.name} (its files were left where they are)")
    return code


def _stores_add(args) -> int:
    path, url = args.folder or args.path, args.sql or args.url
    kind = args.kind or ("folder" if path else "sql" if url else None)
    if kind is None:
        print("error: give --folder PATH or --sql URL (or --kind with --path / --url)", file=sys.stderr)
        return EXIT_INVALID
    store, code = _catalogue_call(args, lambda c: c.add_datastore(args.name, kind, path=path, url=url).to_json())
    if code:
        return code
    if args.json:
        print_json(store)
    else:
        print(f"added {kind} datastore {store['name']}: {store.get('path') or store.get('url')}")
    return EXIT_OK
