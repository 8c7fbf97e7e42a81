"""`designer export GRAPH.json|GRAPH_ID --python|--notebook [--out FILE]`: a graph as a runnable script or notebook."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from designer.cli_common import EXIT_FAILED, EXIT_INVALID, EXIT_OK, err



def add_commands(sub, state_options) -> None:
    export = sub.add_parser("export", help="write a graph as a runnable Python script or a Jupyter notebook")
    export.add_argument("graph", metavar="GRAPH", help="a designer-graph/1 JSON file, or the id of a saved graph")
    kind = export.add_mutually_exclusive_group(required=True)
    kind.add_argument("--python", action="store_true", help="a .py script that reproduces the run")
    kind.add_argument("--notebook", action="store_true", help="an .ipynb notebook, one cell per node")
    export.add_argument("--out", metavar="FILE", help="where to write it (default: standard output)")
    state_options(export)
    export.set_defaults(handler=_export)



def _document(args) -> dict | None:
    from designer.graph.document import GraphFileError, read_graph_file

    path = Path(args.graph)
    if path.exists() or args.graph.endswith(".json"):
        try:
            return read_graph_file(path)
        except GraphFileError as exc:
            err(f"error: {exc}")
            return None
    from canvas_store.repository import NotFound, Store
    from designer.home import Home

    home = Home.resolve(args.home, args.db)
    store = Store.for_home(home.path, home.db_url)
    try:
        return store.get_graph(args.graph)["document"]
    except NotFound:
        err(f"error: {args.graph!r} is neither a graph file nor the id of a saved graph")
        return None
    finally:
        store.close()


def _export(args) -> int:
    import components
    from designer.graph.as_code import notebook, python_script
    from designer.graph.validation import validate

    document = _document(args)
    if document is None:
        return EXIT_INVALID
    problems = validate(document, components.catalogue())
    if problems:
        for problem in problems:
            err(f"error: {problem}")
        return EXIT_INVALID
    if args.python:
        text = python_script(document, components.catalogue())
    else:
        text = json.dumps(notebook(document, components.catalogue()), indent=1) + "\n"
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            err(f"error: cannot write {args.out}: {exc}")
            return EXIT_FAILED
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return EXIT_OK
