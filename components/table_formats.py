"""Reading and writing tables as CSV, Parquet, JSON and Excel, with errors a user can act on."""
from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from pyarrow import ArrowException

from components.spec import ComponentError

FORMATS = ("csv", "parquet", "json", "excel")
#: The choices of a `format` parameter that reads or writes a file.
FORMAT_CHOICES = ("auto", *FORMATS)
SUFFIX_FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet",
                  ".json": "json", ".jsonl": "json", ".ndjson": "json", ".xlsx": "excel", ".xlsm": "excel"}


def format_for(path: Path, chosen: str, shown: str) -> str:
    """The format named by the user, or the one the file's suffix implies when `chosen` is "auto"."""
    if chosen != "auto":
        if chosen not in FORMATS:
            raise ComponentError(f"unknown format {chosen!r}; choose one of {['auto', *FORMATS]}")
        return chosen
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ComponentError(f"cannot tell the format of {shown!r} from its name; "
                             f"choose csv, parquet, json or excel in the format parameter")
    return fmt


def delimiter_char(text: str, path: Path | None = None) -> str:
    """One delimiter character; "tab" or "\\t" mean a tab, and a .tsv file defaults to tabs."""
    if text in ("\\t", "tab", "\t") or (path is not None and path.suffix.lower() == ".tsv" and text == ","):
        return "\t"
    if len(text) != 1:
        raise ComponentError(f"the delimiter must be one character (or 'tab'), got {text!r}")
    return text


# ---------------------------------------------------------------- reading

def read_table_file(path: Path, fmt: str, *, shown: str, delimiter: str = ",",
                    has_header: bool = True) -> pd.DataFrame:
    """Read the file at `path` (already confined by the caller); `shown` is the name used in messages."""
    if not path.exists():
        raise ComponentError(f"file {shown!r} was not found in the datastore")
    if path.is_dir() and fmt != "parquet":
        raise ComponentError(f"{shown!r} is a folder, not a {fmt.upper()} file")
    if path.is_file() and path.stat().st_size == 0:
        raise ComponentError(f"file {shown!r} is empty")
    if fmt == "parquet":
        return _read_parquet(path, shown)
    if fmt == "excel":
        return _read_excel(path, shown, has_header)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ComponentError(f"file {shown!r} is not UTF-8 text (bad byte at position {exc.start}); "
                             f"save it as UTF-8 or pick the right format") from None
    except OSError as exc:
        raise ComponentError(f"file {shown!r} could not be read: {exc.strerror or exc}") from None
    return read_table_text(text, fmt, source=f"file {shown!r}", delimiter=delimiter, has_header=has_header)


def read_table_text(text: str, fmt: str, *, source: str, delimiter: str = ",",
                    has_header: bool = True) -> pd.DataFrame:
    """Parse CSV or JSON text; `source` names it in messages ("file 'a.csv'", "the entered data")."""
    if not text.strip():
        raise ComponentError(f"{source} is empty")
    if fmt == "csv":
        return _parse_csv(text, source, delimiter, has_header)
    if fmt == "json":
        return _parse_json(text, source)
    raise ComponentError(f"{source} cannot be read as {fmt!r}; choose csv or json")


def _parse_csv(text: str, source: str, delimiter: str, has_header: bool) -> pd.DataFrame:
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=0 if has_header else None,
                            skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise ComponentError(f"{source} has no columns to read") from None
    except (pd.errors.ParserError, ValueError) as exc:
        reason = str(exc).strip().replace("C error: ", "").rstrip(".")
        raise ComponentError(f"{source} could not be read as CSV: {reason}. "
                             f"Check the delimiter and that every row has the same number of fields") from None
    if not isinstance(frame.index, pd.RangeIndex):
        # pandas silently turns the surplus leading fields into an index when rows outgrow the header.
        raise ComponentError(f"{source} could not be read as CSV: its rows have more fields than its header "
                             f"has column names. Check the delimiter and the header line")
    if not has_header:
        frame.columns = [f"Col{i + 1}" for i in range(frame.shape[1])]
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _read_excel(path: Path, shown: str, has_header: bool) -> pd.DataFrame:
    """The first sheet of an .xlsx/.xlsm workbook (openpyxl reads it; formulas give their saved values)."""
    from zipfile import BadZipFile

    try:
        frame = pd.read_excel(path, sheet_name=0, header=0 if has_header else None, engine="openpyxl")
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ComponentError(f"file {shown!r} could not be read as an Excel workbook (.xlsx): {exc}") from None
    if not has_header:
        frame.columns = [f"Col{i + 1}" for i in range(frame.shape[1])]
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _read_parquet(path: Path, shown: str) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path, engine="pyarrow")
    except (ArrowException, OSError, ValueError) as exc:
        raise ComponentError(f"file {shown!r} could not be read as Parquet: {exc}") from None
    frame.attrs = {}
    return frame


def _parse_json(text: str, source: str) -> pd.DataFrame:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise ComponentError(f"{source} is not valid JSON: {exc.msg} at line {exc.lineno} "
                                 f"column {exc.colno}") from None
        value = _json_lines(text, source)
    return _frame_from_json(value, source)


def _json_lines(text: str, source: str) -> list:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ComponentError(f"{source} is not valid JSON lines: {exc.msg} at line {number} "
                                     f"column {exc.colno}") from None
    return rows


def _frame_from_json(value: Any, source: str) -> pd.DataFrame:
    """Records (a list of objects, or JSON lines), columns ({"a": [..]}), split orient, or one object."""
    try:
        if isinstance(value, list):
            if all(isinstance(row, dict) for row in value):
                frame = pd.json_normalize(value) if value else pd.DataFrame()
            elif all(isinstance(row, list) for row in value):
                frame = pd.DataFrame(value)
                frame.columns = [f"Col{i + 1}" for i in range(frame.shape[1])]
            else:
                raise ComponentError(f"{source} is a JSON list, but its items are not all objects or all lists")
        elif isinstance(value, dict):
            if set(value) in ({"columns", "data"}, {"columns", "data", "index"}):
                frame = pd.DataFrame(value["data"], columns=value["columns"])
            elif value and all(isinstance(v, (list, dict)) for v in value.values()):
                frame = pd.DataFrame(value).reset_index(drop=True)
            else:
                frame = pd.json_normalize([value])
        else:
            raise ComponentError(f"{source} holds a single JSON {type(value).__name__}, not a table")
    except ValueError as exc:
        raise ComponentError(f"{source} does not describe a table: {exc}") from None
    frame.columns = [str(c) for c in frame.columns]
    return frame


# ---------------------------------------------------------------- writing

def write_table_file(frame: pd.DataFrame, path: Path, fmt: str, *, stored_parquet: Path | None = None) -> None:
    """Write `frame` to `path` atomically: a reader sees the old file or the whole new one, never half.

    `stored_parquet` is the artifact file `frame` was loaded from, if any: a Parquet file of a table
    without an index of its own is then copied, since it holds exactly the bytes encoding would give.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    plain = frame.copy(deep=False)
    plain.attrs = {}
    plain.columns = [str(c) for c in plain.columns]
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(fd)
    temp = Path(temp_name)
    try:
        if fmt == "csv":
            plain.to_csv(temp, index=False)
        elif fmt == "parquet" and stored_parquet is not None and _stored_as_is(plain):
            shutil.copyfile(stored_parquet, temp)
        elif fmt == "parquet":
            plain.to_parquet(temp, index=False, engine="pyarrow")
        elif fmt == "json":
            plain.to_json(temp, orient="records", date_format="iso", force_ascii=False)
        elif fmt == "excel":
            _write_excel(plain, temp)
        else:
            raise ComponentError(f"cannot write format {fmt!r}; choose one of {list(FORMATS)}")
        with open(temp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except (ArrowException, TypeError, ValueError) as exc:
        temp.unlink(missing_ok=True)
        raise ComponentError(f"the table could not be written as {fmt.upper()}: {exc}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _write_excel(frame: pd.DataFrame, path: Path) -> None:
    if len(frame) >= EXCEL_MAX_ROWS or frame.shape[1] > EXCEL_MAX_COLUMNS:
        raise ComponentError(f"a sheet holds at most {EXCEL_MAX_ROWS - 1:,} rows and {EXCEL_MAX_COLUMNS:,} columns; "
                             f"this table has {len(frame):,} rows and {frame.shape[1]:,} columns: write CSV or Parquet")
    zoned = [c for c in frame.columns if isinstance(frame[c].dtype, pd.DatetimeTZDtype)]
    if zoned:  # Excel has no time zones: write the UTC wall time
        frame = frame.assign(**{c: frame[c].dt.tz_convert("UTC").dt.tz_localize(None) for c in zoned})
    frame.to_excel(path, index=False, engine="openpyxl")


#: Excel's sheet limits (rows include the header line).
EXCEL_MAX_ROWS, EXCEL_MAX_COLUMNS = 1_048_576, 16_384


def _stored_as_is(frame: pd.DataFrame) -> bool:
    """True when the artifact store wrote this table just as `to_parquet(index=False)` does (a 0, 1, 2... index)."""
    index = frame.index
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and \
        not frame.columns.has_duplicates
