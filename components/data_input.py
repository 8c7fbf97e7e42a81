"""Where tables enter a pipeline: scikit-learn's sample datasets, files in the datastore, typed-in data."""

from functools import lru_cache
from pathlib import Path

import pandas as pd

from components.ports import DataFrame, with_roles
from components.roles import Kind, Role
from components.spec import ComponentError, Param, component
from components.table_schema import SchemaInputs, table_of_frame
from components.table_formats import FORMAT_CHOICES, SUFFIX_FORMATS, delimiter_char, format_for, read_table_file, \
    read_table_text

CATEGORY = "Data Input and Output"

#: name → (scikit-learn loader, label column, whether the label is a class)
SAMPLE_DATASETS = {
    "iris": ("load_iris", "species", True),
    "wine": ("load_wine", "cultivar", True),
    "breast_cancer": ("load_breast_cancer", "diagnosis", True),
    "diabetes": ("load_diabetes", "progression", False),
    "digits": ("load_digits", "digit", True),
}


def _sample_schema(s: SchemaInputs) -> dict:
    name = s.params.get("name")
    return {"dataset": sample_schema(name) if name in SAMPLE_DATASETS else None}


@lru_cache(maxsize=None)
def sample_schema(name: str):
    """A sample dataset's columns, label and class values, read once from scikit-learn's bundled copy."""
    _, label, is_class = SAMPLE_DATASETS[name]
    frame = _load_sample(name)
    return table_of_frame(frame, label=label, features=[c for c in frame.columns if c != label],
                          categorical=[label] if is_class else [])


@component(id="sample-dataset", category=CATEGORY, outputs={"dataset": DataFrame}, schema=_sample_schema,
           roles={Role.SAMPLE_DATA})
def sample_dataset(*, name: Param(str, "iris", choices=tuple(SAMPLE_DATASETS),
                                  description="Which of scikit-learn's bundled datasets to load.")):
    """A classic small dataset bundled with scikit-learn (no download).

    Feature columns keep scikit-learn's names. The label column is marked as
    label: `species` (iris), `cultivar` (wine), `diagnosis` (breast_cancer) hold
    class names, `digit` (digits) holds 0-9, `progression` (diabetes) is a number.
    """
    if name not in SAMPLE_DATASETS:
        raise ComponentError(f"unknown sample dataset {name!r}; choose one of {list(SAMPLE_DATASETS)}")
    _, label, is_class = SAMPLE_DATASETS[name]
    frame = _load_sample(name).copy()
    features = [c for c in frame.columns if c != label]
    return with_roles(frame, label=label, features=features, categorical=[label] if is_class else [])


@lru_cache(maxsize=None)
def _load_sample(name: str) -> pd.DataFrame:
    from sklearn import datasets

    loader, label, _ = SAMPLE_DATASETS[name]
    bunch = getattr(datasets, loader)(as_frame=True)
    frame = bunch.data.copy()
    target = bunch.target
    if name in ("iris", "wine", "breast_cancer"):
        target = pd.Series([str(bunch.target_names[i]) for i in target], dtype="str")
    elif name == "digits":
        target = target.astype("int64")
    frame[label] = target.to_numpy()
    frame.columns = [str(c) for c in frame.columns]
    return frame.reset_index(drop=True)


def _imported_schema(s: SchemaInputs) -> dict:
    """A Parquet file in the workspace datastore tells its columns (the lookup reads its footer); other files
    and datastores are known after a run."""
    path = str(s.params.get("path") or "").strip()
    if s.params.get("datastore") not in (None, "", "workspace") or not path:
        return {}
    if s.params.get("format") not in ("auto", "parquet") or \
            (s.params.get("format") == "auto" and SUFFIX_FORMATS.get(Path(path).suffix.lower()) != "parquet"):
        return {}
    return {"dataset": s.external("parquet-file", path)}


@component(id="import-data", category=CATEGORY, outputs={"dataset": DataFrame}, roles={Role.TABLE_READER},
           schema=_imported_schema)
def import_data(*, path: Param(str, "", kind=Kind.READ_PATH,
                               description="File (or Parquet folder) inside the datastore, e.g. raw/sales.csv."),
                format: Param(str, "auto", choices=FORMAT_CHOICES,
                              description="auto picks the format from the file's suffix."),
                delimiter: Param(str, ",", description="CSV field separator: one character, or 'tab'."),
                has_header: Param(bool, True, description="The CSV's first line holds the column names."),
                datastore: Param(str, "workspace", kind=Kind.DATASTORE,
                                 description="Which datastore to read from: 'workspace' (the home's datastore "
                                             "folder), a folder datastore, or a sql datastore."),
                query: Param(str, "", widget="text",
                             description="For a sql datastore: the SELECT to run (read-only)."),
                ctx):
    """Read a CSV, Parquet, JSON or Excel file from a datastore, or the result of a query on a sql datastore.

    The path is relative to the datastore and cannot leave it (no '..', no absolute
    path, no link). JSON may be a list of records, JSON lines, or an object of
    columns. An Excel workbook (.xlsx) gives its first sheet. A CSV or sheet without a
    header gets columns named Col1, Col2, ... On a sql
    datastore the query runs in a read-only transaction and is run afresh every time.
    """
    if ctx.datastore_info(datastore).get("kind") == "sql":
        from components.sql_tables import read_query

        frame = read_query(ctx.datastore_info(datastore)["url"], query, datastore)
        ctx.log(f"read {len(frame)} rows and {frame.shape[1]} columns from datastore {datastore}")
        return frame
    if not str(path or "").strip():
        raise ComponentError("parameter 'path' is required: no path was given; name a file inside the datastore")
    file = ctx.datastore_path(path, datastore)
    if not file.exists():
        raise ComponentError(f"file {path!r} was not found in the datastore")
    ctx.datastore_files(file, datastore)  # a Parquet folder's part files, too, must not lead outside
    fmt = "parquet" if file.is_dir() and format == "auto" else format_for(file, format, path)
    frame = read_table_file(file, fmt, shown=path, delimiter=delimiter_char(delimiter, file),
                            has_header=has_header)
    ctx.log(f"read {len(frame)} rows and {frame.shape[1]} columns from {path}")
    return frame


def _typed_in_schema(s: SchemaInputs) -> dict:
    # The typed-in table is in the parameter itself, so its columns are known before a run.
    try:
        frame = read_table_text(s.params.get("data") or "", s.params.get("format") or "csv",
                                source="the entered data", has_header=bool(s.params.get("has_header", True)))
    except Exception:
        return {}
    return {"dataset": table_of_frame(frame, category_values=False)}


@component(id="enter-data-manually", category=CATEGORY, outputs={"dataset": DataFrame}, schema=_typed_in_schema)
def enter_data_manually(*, data: Param(str, "", widget="text", required=True,
                                       description="The table, typed or pasted as CSV or JSON."),
                        format: Param(str, "csv", choices=("csv", "json")),
                        has_header: Param(bool, True, description="The CSV's first line holds the column names.")):
    """A small table typed into the parameter panel, as CSV (comma separated) or JSON records."""
    return read_table_text(data or "", format, source="the entered data", has_header=has_header)
