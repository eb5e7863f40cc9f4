"""The public record of strike waves: where it is, how it is read, and the wave table.

`load_record` returns the tidy record described in CONTRIBUTING.md ("The tidy record"): one row per
report row of the attack file, with parsed times, nullable integer counts, the weapon class, the
reporting command and the drone-reporting convention in force. `waves` groups it into attacks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import paths
from analysis.errors import RecordError, RecordNotFoundError
from analysis.weapons import COUNTED_CLASSES, classify_models

RECORD_GLOB = "missile_attacks_daily*.csv"
CATALOGUE_PREFIX = "missiles_and_uavs"

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
TIDY_COUNTS: tuple[str, ...] = (
    "launched", "destroyed", "not_reached", "neutralised", "still_attacking", "shahed_real",
)

#: The drone-reporting conventions (trap 3 of the record's README), by report date.
#: Before SPLIT_FROM suppressed drones were not reported apart (`early`); from SPLIT_FROM drones
#: shot down and drones "locationally lost" were reported apart (`split`); from COMBINED_FROM
#: `destroyed` is the combined "shot down or suppressed" figure (`combined`).
SPLIT_FROM = pd.Timestamp("2024-07-10")
COMBINED_FROM = pd.Timestamp("2025-07-23")
CONVENTIONS: tuple[str, ...] = ("early", "split", "combined")

_TIME_PATTERN = r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
_SNIFF_BYTES = 64 * 1024


class RecordWarning(UserWarning):
    """Something in the record the loader handled but the reader should know (e.g. unknown model)."""


# --------------------------------------------------------------------------- where the files are


def resolve_record_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The attack file to read: `path`, else $AIRDEF_RECORD, else the newest fetched copy.

    The fetched copy is the newest `missile_attacks_daily*.csv` in `data/external/`.
    """
    if path is not None and str(path) != "":
        return _existing_file(Path(path), "record file")
    from_env = os.environ.get(paths.RECORD_ENV, "")
    if from_env:
        return _existing_file(Path(from_env), f"record file (from ${paths.RECORD_ENV})")
    candidates = sorted(
        (p for p in paths.EXTERNAL_DIR.glob(RECORD_GLOB) if p.is_file()),
        key=lambda p: (p.stat().st_mtime, p.name),
    )
    if candidates:
        return candidates[-1]
    raise RecordNotFoundError(
        f"no record file: none given and none fetched into {paths.EXTERNAL_DIR}. "
        "Fetch the public record with `python -m analysis data fetch` (or `make data-fetch`), "
        f"or point to a file with --record PATH, RECORD=PATH for make, or ${paths.RECORD_ENV}."
    )


def resolve_catalogue_path(
    record_path: str | os.PathLike[str], catalogue: str | os.PathLike[str] | None = None
) -> Path:
    """The weapon catalogue: `catalogue`, else $AIRDEF_CATALOGUE, else the file beside the record
    whose name starts with `missiles_and_uavs` (the one sharing the record's date suffix first)."""
    if catalogue is not None and str(catalogue) != "":
        return _existing_file(Path(catalogue), "weapon catalogue")
    from_env = os.environ.get(paths.CATALOGUE_ENV, "")
    if from_env:
        return _existing_file(Path(from_env), f"weapon catalogue (from ${paths.CATALOGUE_ENV})")
    record_path = Path(record_path)
    beside = sorted(
        p for p in record_path.parent.glob(f"{CATALOGUE_PREFIX}*") if p.is_file()
    )
    if not beside:
        raise RecordError(
            f"no weapon catalogue beside {record_path}: expected a file named "
            f"{CATALOGUE_PREFIX}*.csv in {record_path.parent}. Give one with --catalogue PATH "
            f"(or ${paths.CATALOGUE_ENV}), or fetch the record with `python -m analysis data fetch`."
        )
    suffix = record_path.stem.removeprefix("missile_attacks_daily")
    same_suffix = [p for p in beside if p.stem.removeprefix(CATALOGUE_PREFIX) == suffix]
    if same_suffix:
        return same_suffix[0]
    return max(beside, key=lambda p: (p.stat().st_mtime, p.name))


def _existing_file(path: Path, what: str) -> Path:
    if not path.exists():
        raise RecordError(f"{what} not found: {path}")
    if not path.is_file():
        raise RecordError(f"{what} is not a file: {path}")
    return path


# --------------------------------------------------------------------------- reading the raw text


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
    shown = ", ".join(header[:8]) + (", ..." if len(header) > 8 else "")
    raise RecordError(
        f"{path}: line 1: required column(s) missing: {', '.join(missing)} "
        f"(the header has: {shown}).{hint}"
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


def publisher_of(source: pd.Series) -> pd.Series:
    """The account or site a `source` path belongs to (`kpszsu`, `PvKPivden`, `t.me/kpszsu` -> kpszsu)."""
    cleaned = source.astype("str").str.strip().str.replace(
        r"^(?:https?://)?(?:www\.)?(?:(?:m\.)?facebook\.com/|t\.me/)?", "", regex=True
    )
    return cleaned.str.split("/", n=1).str[0].fillna("").astype("str")


def command_of(publisher: pd.Series) -> pd.Series:
    """`regional` for the Air Force's regional commands (PvK...), else `national`."""
    regional = publisher.str.casefold().str.startswith("pvk")
    return pd.Series(np.where(regional, "regional", "national"), index=publisher.index)


def convention_of(report_date: pd.Series) -> pd.Series:
    """The drone-reporting convention in force on each report date."""
    convention = pd.Series(
        np.select(
            [report_date < SPLIT_FROM, report_date < COMBINED_FROM],
            ["early", "split"],
            default="combined",
        ),
        index=report_date.index,
        dtype="str",
    )
    return convention.where(report_date.notna())


# --------------------------------------------------------------------------- the tidy record


_CACHE: dict[tuple, pd.DataFrame] = {}
_CACHE_SIZE = 4


def _file_key(path: Path) -> tuple:
    stat = path.stat()
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


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


def load_record(
    path: str | os.PathLike[str] | None = None,
    catalogue: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Read and validate the attack file and its weapon catalogue into the tidy record.

    Raises a RecordError naming file, line, column and value for anything that makes the file
    unusable; warns (RecordWarning) for models the class table does not know.
    """
    record_path = resolve_record_path(path)
    catalogue_path = resolve_catalogue_path(record_path, catalogue)
    key = (_file_key(record_path), _file_key(catalogue_path))
    cached = _CACHE.get(key)
    if cached is None:
        cached = _load(record_path, catalogue_path)
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = cached
    else:
        for message in cached.attrs.get("warnings", []):
            warnings.warn(message, RecordWarning, stacklevel=2)
    result = cached.copy()
    result.attrs = {k: (list(v) if isinstance(v, list) else v) for k, v in cached.attrs.items()}
    return result


def _load(record_path: Path, catalogue_path: Path) -> pd.DataFrame:
    from analysis import validate  # validate builds on this module's readers

    catalogue = read_catalogue(catalogue_path)
    header = sniff_text_file(record_path)
    check_header(record_path, header)
    chunks = list(iter_raw_chunks(record_path))
    raw = pd.concat([c.frame for c in chunks], ignore_index=True) if chunks else pd.DataFrame()
    lines = np.concatenate([c.lines for c in chunks]) if chunks else np.array([], dtype=np.int64)
    blank_lines = sum(c.blank_lines for c in chunks)
    if raw.empty:
        raise RecordError(f"{record_path}: the record file has a header but no rows")

    result = validate.check_frame(raw, lines, record_path)
    if result.errors:
        raise RecordError(validate.format_problems(result.errors, result.error_count, limit=5)
                          + f"\n(run `python -m analysis data check {record_path}` for the full list)")

    tidy = tidy_frame(raw, lines)
    notes: list[str] = []
    messages: list[str] = []
    if blank_lines:
        notes.append(f"skipped {blank_lines} blank line(s)")
    notes.extend(problem.describe() for problem in result.warnings)

    classification = classify_models(tidy["model"].dropna().unique())
    tidy["weapon_class"] = tidy["model"].map(classification.classes).fillna("unknown").astype("str")
    categories = dict(zip(catalogue["model"].str.strip(), catalogue["category"], strict=True))
    tidy["catalogue_category"] = tidy["model"].map(categories).astype("str")
    for name, weapon_class in classification.composed.items():
        notes.append(f"model '{name}' is not in the class table; its parts make it {weapon_class}")
    for name in classification.unknown:
        rows = tidy.loc[tidy["model"] == name, "line"]
        hint = categories.get(name)
        message = (
            f"{record_path}: model '{name}' (line {rows.iloc[0]}, {len(rows)} row(s)) is not in the "
            "project's class table (analysis/weapon_classes.csv): counted as unknown"
            + (f"; the catalogue files it as '{hint}'" if hint else "")
        )
        messages.append(message)
    missing_model = tidy["model"].isna()
    if missing_model.any():
        messages.append(
            f"{record_path}: {int(missing_model.sum())} row(s) without a model (first at line "
            f"{tidy.loc[missing_model, 'line'].iloc[0]}): counted as unknown"
        )
    for message in messages:
        warnings.warn(message, RecordWarning, stacklevel=3)
    tidy.attrs = {
        "record_path": str(record_path),
        "catalogue_path": str(catalogue_path),
        "notes": notes + messages,
        "warnings": messages,
    }
    return tidy


def tidy_frame(raw: pd.DataFrame, lines: np.ndarray) -> pd.DataFrame:
    """Turn validated text rows into the tidy record's columns (no class lookup)."""
    index = pd.RangeIndex(len(raw))
    tidy = pd.DataFrame(index=index)
    tidy["line"] = pd.array(lines, dtype="int64")
    start, start_has_time, _ = parse_times(raw["time_start"])
    end, end_has_time, _ = parse_times(raw["time_end"])
    tidy["start"] = start
    tidy["end"] = end
    tidy["start_has_time"] = start_has_time.to_numpy()
    tidy["end_has_time"] = end_has_time.to_numpy()
    tidy["report_date"] = end.dt.normalize()
    model = raw["model"].astype("str").str.strip()
    model = model.str.replace(r"\s+", " ", regex=True)
    tidy["model"] = model.where(model != "")
    tidy["weapon_class"] = "unknown"
    tidy["catalogue_category"] = pd.Series(pd.NA, index=index, dtype="str")
    source = raw["source"].astype("str").str.strip()
    tidy["publisher"] = publisher_of(source)
    tidy["command"] = command_of(tidy["publisher"])
    tidy["source"] = source
    for column, name in COUNT_COLUMNS.items():
        if column in raw.columns:
            numbers, _ = parse_counts(raw[column])
            tidy[name] = pd.array(numbers.round(), dtype="Int64")
        else:
            tidy[name] = pd.array([pd.NA] * len(raw), dtype="Int64")
    tidy["neutralised"] = tidy["destroyed"] + tidy["not_reached"].fillna(0)
    tidy["convention"] = convention_of(tidy["report_date"])
    used = set(COUNT_COLUMNS) | {"time_start", "time_end", "model", "source"}
    for column in raw.columns:
        if column in used or column in tidy.columns:
            continue
        tidy[column] = _kept_column(raw[column])
    order = [
        "line", "start", "end", "start_has_time", "end_has_time", "report_date", "model",
        "weapon_class", "catalogue_category", "command", "publisher", "source", *TIDY_COUNTS,
        "convention",
    ]
    return tidy[order + [c for c in tidy.columns if c not in order]]


def _kept_column(text: pd.Series) -> pd.Series:
    """An extra column as read: whole numbers become Int64, anything else stays text (NA if empty)."""
    stripped = text.astype("str").str.strip()
    present = stripped != ""
    numbers = pd.to_numeric(stripped.where(present), errors="coerce")
    if present.any() and numbers[present].notna().all() and (numbers[present] % 1 == 0).all():
        return pd.array(numbers.round(), dtype="Int64")
    return text.where(present)


# --------------------------------------------------------------------------- the wave table


WAVE_COUNTS: tuple[str, ...] = ("launched", "destroyed", "not_reached")


def waves(record: pd.DataFrame) -> pd.DataFrame:
    """One row per attack: the rows of one post (`source`) whose report windows overlap.

    A post sometimes reports a night wave and a separate strike (or two nights); rows of one post
    form one wave while their windows overlap or touch, sorted by start. Regional-command posts
    form their own waves (`command == "regional"`, `regional` is True), never merged into national
    ones. A wave is dated by the morning it was reported: `report_date` is the date of its last end.

    Per class in drone, cruise, ballistic, mixed, other: `<class>_launched`, `<class>_destroyed`,
    `<class>_not_reached` (0 when the class is absent; NA when a row of the class lacks the count;
    a missing `not_reached` counts as 0). `total_*` sum every row, unknown class included.
    """
    if record.empty:
        return _empty_waves()
    rows = record.loc[record["start"].notna() & record["end"].notna()].copy()
    # A date-only end on the start's day would sort before a timed start: use the later of the two.
    rows["_until"] = rows[["start", "end"]].max(axis=1)
    rows["_source"] = rows["source"].fillna("")
    rows = rows.sort_values(["command", "_source", "start", "_until", "line"], kind="stable")
    group_keys = ["command", "_source"]
    reach = rows.groupby(group_keys, sort=False)["_until"].cummax()
    previous_reach = reach.groupby([rows["command"], rows["_source"]], sort=False).shift(1)
    new_wave = previous_reach.isna() | (rows["start"] > previous_reach)
    rows["_wave"] = new_wave.cumsum().to_numpy()

    grouped = rows.groupby("_wave", sort=False)
    table = grouped.agg(
        source=("_source", "first"),
        publisher=("publisher", "first"),
        command=("command", "first"),
        start=("start", "min"),
        end=("_until", "max"),
        n_rows=("line", "size"),
        first_line=("line", "min"),
    )
    # Joined in plain Python: a per-group lambda in `agg` costs seconds on the real record.
    models_of: dict[int, dict[str, None]] = {}
    for wave, model in zip(rows["_wave"], rows["model"], strict=True):
        if isinstance(model, str):
            models_of.setdefault(wave, {})[model] = None
    table["models"] = ["; ".join(models_of.get(wave, {})) for wave in table.index]
    table["regional"] = table["command"].eq("regional")
    table["report_date"] = table["end"].dt.normalize()
    table["convention"] = convention_of(table["report_date"])

    # Which classes each wave holds at all: a class it lacks counts 0, not "missing".
    present_by_class = {
        weapon_class: rows["weapon_class"].eq(weapon_class).groupby(rows["_wave"]).any()
        .reindex(table.index)
        for weapon_class in COUNTED_CLASSES
    }
    for name in WAVE_COUNTS:
        values = rows[name] if name != "not_reached" else rows[name].fillna(0)
        missing = values.isna()
        per_class = values.fillna(0).groupby([rows["_wave"], rows["weapon_class"]]).sum()
        lacking = missing.groupby([rows["_wave"], rows["weapon_class"]]).any()
        per_class = per_class.astype("Int64").mask(lacking)
        wide = per_class.unstack("weapon_class")
        for weapon_class in COUNTED_CLASSES:
            column = wide[weapon_class] if weapon_class in wide.columns else None
            filled = (
                column.reindex(table.index) if column is not None
                else pd.Series(pd.NA, index=table.index, dtype="Int64")
            )
            table[f"{weapon_class}_{name}"] = (
                filled.where(present_by_class[weapon_class], 0).astype("Int64")
            )
        total = values.fillna(0).groupby(rows["_wave"]).sum().astype("Int64")
        table[f"total_{name}"] = total.mask(missing.groupby(rows["_wave"]).any())
    table["total_neutralised"] = table["total_destroyed"] + table["total_not_reached"]
    table["unknown_launched"] = (
        rows["launched"].where(rows["weapon_class"].eq("unknown"), 0).fillna(0)
        .groupby(rows["_wave"]).sum().astype("Int64")
    )
    table["shahed_real"] = rows["shahed_real"].groupby(rows["_wave"]).sum(min_count=1)
    table["shahed_real"] = table["shahed_real"].astype("Int64")
    table["missing_counts"] = (
        (rows["launched"].isna() | rows["destroyed"].isna()).groupby(rows["_wave"]).sum()
        .astype("int64")
    )
    table["wave_id"] = [
        _wave_id(report_date, publisher, source, start)
        for report_date, publisher, source, start in zip(
            table["report_date"], table["publisher"], table["source"], table["start"], strict=True
        )
    ]
    table = table.sort_values(["start", "command", "source"], kind="stable").reset_index(drop=True)
    return _wave_dtypes(table[_wave_columns()])


def _wave_count_columns() -> list[str]:
    return [c for c in _wave_columns()
            if c.endswith(("_launched", "_destroyed", "_not_reached", "_neutralised")) or c == "shahed_real"]


def _wave_dtypes(table: pd.DataFrame) -> pd.DataFrame:
    """One dtype per kind of column, whatever the record's own count dtypes (float64 included):
    counts nullable Int64 (whole numbers, NA where a row lacks the count, so a CSV never shows 16.0),
    row tallies int64, `regional` bool, times datetime64[s]."""
    counts = _wave_count_columns()
    as_numbers = table[counts].apply(pd.to_numeric, errors="coerce")
    fractional = as_numbers.notna() & (as_numbers.round() != as_numbers)
    if fractional.any().any():  # cannot happen with load_record's whole-number counts
        raise ValueError(f"waves: fractional counts in {list(fractional.columns[fractional.any()])}")
    table = table.astype({**dict.fromkeys(counts, "Int64"), "n_rows": "int64", "first_line": "int64",
                          "missing_counts": "int64", "regional": bool})
    for column in ("start", "end", "report_date"):
        table[column] = table[column].astype("datetime64[s]")
    return table


def _wave_id(report_date: pd.Timestamp, publisher: str, source: str, start: pd.Timestamp) -> str:
    """A readable id that stays the same across snapshots while the post and its start stay."""
    digest = hashlib.sha1(f"{source}|{start.isoformat()}".encode()).hexdigest()[:8]
    slug = re.sub(r"[^A-Za-z0-9]+", "", publisher)[:12] or "nosource"
    return f"{report_date:%Y-%m-%d}-{slug}-{digest}"


def _wave_columns() -> list[str]:
    columns = [
        "wave_id", "report_date", "start", "end", "source", "publisher", "command", "regional",
        "convention", "n_rows", "first_line", "models",
    ]
    for weapon_class in COUNTED_CLASSES:
        columns += [f"{weapon_class}_{name}" for name in WAVE_COUNTS]
    columns += [
        "unknown_launched", "shahed_real", "total_launched", "total_destroyed",
        "total_not_reached", "total_neutralised", "missing_counts",
    ]
    return columns


def _empty_waves() -> pd.DataFrame:
    return _wave_dtypes(pd.DataFrame({column: pd.Series(dtype="object") for column in _wave_columns()}))


