"""Schema before running for Parquet files in the workspace datastore: their columns, read from the file's footer.

A batch inference graph reads the rows to score with `import-data` from a datastore
path (by default the Parquet file the conversion exported); the footer names every
column and its type, so the columns downstream are known before a run without
reading any rows. A file's answer is kept while its size and modification time stay.
"""
from __future__ import annotations

import threading
from pathlib import Path

from components import datastore_paths
from components.table_schema import TableSchema, table_of_frame

#: Files whose schema is kept in memory; past this many the oldest half is forgotten.
KEPT_FILES = 1024


class ParquetSchemas:
    def __init__(self, datastore: Path | str):
        self.datastore = Path(datastore)
        self._known: dict[tuple, TableSchema] = {}
        self._lock = threading.Lock()

    def schema(self, relative: str) -> TableSchema | None:
        """The columns `import-data` will give for the Parquet file at `relative`, or None (absent, not Parquet)."""
        import pyarrow.parquet as pq

        try:
            path = datastore_paths.confine(self.datastore, relative)
            stat = path.stat()
        except (OSError, ValueError, datastore_paths.OutsideDatastore):
            return None
        if not path.is_file():
            return None  # a Parquet folder's parts may disagree; its columns are known after a run
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        with self._lock:
            if key in self._known:
                return self._known[key]
        try:
            empty = pq.ParquetFile(path).schema_arrow.empty_table().to_pandas()
        except Exception:  # not Parquet after all: the run says what is wrong with it
            return None
        empty.columns = [str(c) for c in empty.columns]
        schema = table_of_frame(empty, category_values=False)
        with self._lock:
            if len(self._known) >= KEPT_FILES:
                for old in list(self._known)[:KEPT_FILES // 2]:
                    del self._known[old]
            self._known[key] = schema
        return schema
