"""Schema before running for Parquet files in the workspace datastore: their columns, read from the file's footer.

A batch inference graph reads the rows to score with `import-data` from a datastore
path (by default the Parquet file the conversion exported); the footer names every
column and its type, so the columns downstream are known before a run without
reading any rows. A file's answer is kept while its size and modification time stay.
"""
from __future__ import annotations

from pathlib import Path

from components import datastore_paths
from components.table_schema import TableSchema, table_of_frame
from designer.remembered import Remembered

#: Files whose schema is kept in memory.
KEPT_FILES = 1024


class ParquetSchemas:
    def __init__(self, datastore: Path | str):
        self.datastore = Path(datastore)
        self.known = Remembered(KEPT_FILES)

    def schema(self, relative: str) -> TableSchema | None:
        """The columns `import-data` will give for the Parquet file at `relative`, or None (absent, not Parquet)."""
        try:
            path = datastore_paths.confine(self.datastore, relative)
            stat = path.stat()
        except (OSError, ValueError, datastore_paths.OutsideDatastore):
            return None
        if not path.is_file():
            return None  # a Parquet folder's parts may disagree; its columns are known after a run
        return self.known.get((str(path), stat.st_size, stat.st_mtime_ns), lambda: _footer_schema(path))


def _footer_schema(path: Path) -> TableSchema | None:
    import pyarrow.parquet as pq

    try:
        empty = pq.ParquetFile(path).schema_arrow.empty_table().to_pandas()
    except Exception:  # not Parquet after all: the run says what is wrong with it
        return None
    empty.columns = [str(c) for c in empty.columns]
    return table_of_frame(empty, category_values=False)
