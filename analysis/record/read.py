"""Reading the attack file as text: sniffing, the header, rows in chunks with their line numbers,
and the parsers of times and counts shared by validation and loading."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import RecordError

#: Columns the attack file must have (by name; order and extra columns do not matter).
REQUIRED_COLUMNS: tuple[str, ...] = (
    "time_start", "time_end", "model", "launched", "destroyed", "source",
)
#: Count columns of the file and their names in the tidy record. Only the first two are required.
COUNT_COLUMNS: dict[str, str] = {
    "launched": "launched",
    "destroyed": "destroyed",
    "not_reach_goal": "not_reached",
    "still_attacking": "still_attacking",
    "is_shahed": "shahed_real",
}

_TIME_PATTERN = r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
_SNIFF_BYTES = 64 * 1024


@dataclass
class RawChunk:
    """Rows of the attack file as text, with the line number in the file where each row starts."""

    frame: pd.DataFrame  # every column as str, "" for empty; blank lines removed
    lines: np.ndarray  # int64, line number in the file (header = 1) of each row of `frame`
    blank_lines: int  # blank lines skipped in this chunk


def sniff_text_file(path: Path, what: str = "record file") -> list[str]:
    """Refuse empty, binary and non-UTF-8 files and return the header's column names."""
    size = path.stat().st_size
    if size == 0:
        raise RecordError(f"{path}: the {what} is empty (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if b"\x00" in head:
        raise RecordError(f"{path}: the {what} is not a CSV text file (it holds binary data)")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sniffed block is fine.
        if len(head) < _SNIFF_BYTES or error.start < len(head) - 4:
            raise RecordError(
                f"{path}: the {what} is not UTF-8 text (byte {error.start} cannot be decoded)"
            ) from None
        text = head[: error.start].decode("utf-8-sig")
    if not text.strip():
        raise RecordError(f"{path}: the {what} holds no data (only blank space)")
    first_line = text.splitlines()[0] if text.splitlines() else ""
    try:
        header = next(csv.reader(io.StringIO(first_line)))
    except (csv.Error, StopIteration):
        raise RecordError(f"{path}: line 1: the header cannot be read as CSV") from None
    return [name.strip() for name in header]


def check_header(path: Path, header: list[str], required: tuple[str, ...] = REQUIRED_COLUMNS) -> None:
    """Raise a RecordError naming the required columns the header lacks (and a likely cause)."""
    missing = [name for name in required if name not in header]
    if not missing:
        return
    hint = ""
    if len(header) == 1:
        for delimiter, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if delimiter in header[0]:
                hint = f" The header seems to be separated by {label}: the file must use commas."
                break
    # Nothing of the file is quoted: a wrong file (a .env, another table) may hold secrets, and
    # errors reach shared pages. The required columns it does have are ours to name.
    found = [name for name in required if name in header]
    has = (f"it has {', '.join(found)} of them" if found else "it has none of them")
    raise RecordError(
        f"{path}: line 1: not a record file of the expected kind: required column(s) missing: "
        f"{', '.join(missing)} (its first line has {len(header)} field(s); {has}).{hint}"
    )


def iter_raw_chunks(path: Path, chunk_rows: int | None = None) -> Iterator[RawChunk]:
    """Read the attack file as text in chunks, tracking each row's line number in the file.

    A quoted field may hold newlines: each row starts one line after the previous row's start plus
    the newlines inside the previous row's fields.
    """
    next_line = 2  # header is line 1
    try:
        reader = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False,
            encoding="utf-8-sig", chunksize=chunk_rows or 10**12, engine="c",
        )
        with reader:
            for frame in reader:
                frame.columns = [str(c).strip() for c in frame.columns]
                if len(frame.columns) == 0:
                    raise RecordError(f"{path}: line 1: the header names no columns")
                newlines = np.zeros(len(frame), dtype=np.int64)
                for column in frame.columns:
                    newlines += frame[column].str.count("\n").to_numpy(dtype=np.int64)
                lines = next_line + np.concatenate(([0], np.cumsum(1 + newlines)[:-1]))
                next_line = int(lines[-1] + 1 + newlines[-1]) if len(frame) else next_line
                blank = (frame == "").all(axis=1).to_numpy()
                yield RawChunk(
                    frame=frame.loc[~blank].reset_index(drop=True),
                    lines=lines[~blank],
                    blank_lines=int(blank.sum()),
                )
    except pd.errors.EmptyDataError:
        raise RecordError(f"{path}: the record file holds no header and no rows") from None
    except pd.errors.ParserError as error:
        raise RecordError(f"{path}: not a well-formed CSV file: {_short(error)}") from None
    except UnicodeDecodeError as error:
        raise RecordError(
            f"{path}: the record file is not UTF-8 text (byte {error.start} of a block cannot "
            "be decoded)"
        ) from None
    except (ValueError, OverflowError, csv.Error) as error:
        raise RecordError(f"{path}: the file cannot be read as CSV: {_short(error)}") from None


def _short(error: Exception) -> str:
    return " ".join(str(error).split())[:300]


@dataclass(frozen=True)
class FileEnd:
    """How the attack file ends. A download cut short ends mid-line: without the newline every
    other line has, and often without the row's last fields (`...,810.0,7`)."""

    newline: bool  # the last line ends with a newline
    fields: int | None  # fields of an unterminated last line (None: it ends with a newline, or is blank)


def file_end(path: Path) -> FileEnd:
    """Read the file's last line (from its end, whatever its size)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - _SNIFF_BYTES))
        tail = handle.read()
    if not tail or tail.endswith((b"\n", b"\r")):
        return FileEnd(newline=True, fields=None)
    last = tail.rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")
    if not last.strip():
        return FileEnd(newline=True, fields=None)
    try:
        fields = len(next(csv.reader([last])))
    except (csv.Error, StopIteration):
        fields = None
    return FileEnd(newline=False, fields=fields)


# --------------------------------------------------------------------------- parsing the values


def parse_times(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse `YYYY-MM-DD[ HH:MM[:SS]]` values: (times, has_time, bad) with bad = not empty and
    not a valid time. Empty values give NaT and are not `bad` (the caller decides)."""
    # A record holds few distinct times: parse each distinct value once (the regex is row-wise).
    codes, uniques = pd.factorize(text.astype("str").fillna("").str.strip())
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype="str")
    parts = distinct.str.extract(_TIME_PATTERN)
    has_time = parts[1].notna().to_numpy()
    hour = parts[1].fillna("0").astype("int64")
    minute = parts[2].fillna("0").astype("int64")
    second = parts[3].fillna("0").astype("int64")
    dates = pd.to_datetime(parts[0], format="%Y-%m-%d", errors="coerce")
    in_range = (hour < 24) & (minute < 60) & (second < 60)
    times = (dates + pd.to_timedelta(hour * 3600 + minute * 60 + second, unit="s")).where(in_range)
    bad = ((distinct != "") & times.isna()).to_numpy()
    values = times.astype("datetime64[s]").to_numpy()
    if len(codes) == 0:
        empty = pd.Series(values[:0], index=text.index)
        return empty, pd.Series(False, index=text.index), pd.Series(False, index=text.index)
    return (
        pd.Series(values[codes], index=text.index),
        pd.Series(has_time[codes] & ~bad[codes], index=text.index),
        pd.Series(bad[codes], index=text.index),
    )


def parse_counts(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a count column: (numbers as float with NaN for empty, bad = not empty and not a number)."""
    stripped = text.astype("str").str.strip()
    numbers = pd.to_numeric(stripped.where(stripped != ""), errors="coerce").astype("float64")
    bad = (stripped != "") & numbers.isna()
    return numbers, bad



def read_catalogue(path: Path) -> pd.DataFrame:
    """The weapon catalogue (`model`, `category`, ...), as text."""
    header = sniff_text_file(path, "weapon catalogue")
    missing = [name for name in ("model", "category") if name not in header]
    if missing:
        raise RecordError(
            f"{path}: line 1: the weapon catalogue lacks column(s) {', '.join(missing)}"
        )
    try:
        catalogue = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as error:
        raise RecordError(f"{path}: the weapon catalogue cannot be read: {_short(error)}") from None
    catalogue.columns = [str(c).strip() for c in catalogue.columns]
    return catalogue

