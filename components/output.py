"""Where tables leave a pipeline: files written into the datastore."""
from components.ports import DataFrame
from components.roles import Kind, Role
from components.spec import ComponentError, Param, component
from components.table_formats import FORMAT_CHOICES, format_for, write_table_file


@component(id="export-data", category="Data Input and Output", inputs={"dataset": DataFrame},
           roles={Role.TABLE_WRITER})
def export_data(dataset, *,
                path: Param(str, "", kind=Kind.WRITE_PATH, required=True,
                            description="File to write inside the datastore, e.g. results/scored.csv."),
                format: Param(str, "auto", choices=FORMAT_CHOICES,
                              description="auto picks the format from the file's suffix."),
                overwrite: Param(bool, True, description="Replace the file if it exists; off makes the node "
                                                         "fail instead."),
                datastore: Param(str, "workspace", kind=Kind.DATASTORE,
                                 description="The folder datastore to write into."),
                ctx):
    """Write a table to a CSV, Parquet, JSON (list of records) or Excel (.xlsx) file in the datastore.

    The file is written whole or not at all: readers never see half of it.
    Missing folders are created. Column roles are not written.
    """
    file = ctx.datastore_path(path, datastore)
    fmt = format_for(file, format, path)
    if file.is_dir():
        raise ComponentError(f"{path!r} is a folder; give a file name")
    if file.exists() and not overwrite:
        raise ComponentError(f"{path!r} already exists; turn overwrite on to replace it")
    try:
        # The table comes unchanged from the store: its stored Parquet bytes are the file (no second encoding).
        write_table_file(dataset, file, fmt, stored_parquet=ctx.stored_table_file("dataset"))
    except OSError as exc:
        raise ComponentError(f"{path!r} could not be written: {exc.strerror or exc}") from None
    ctx.log(f"wrote {len(dataset)} rows to {path} as {fmt}")
