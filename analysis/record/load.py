"""The tidy record: `load_record` reads and validates the attack file and its weapon catalogue.

One row per report row of the attack file, with parsed times, nullable integer counts, the weapon
class, the reporting command and the drone-reporting convention in force (CONTRIBUTING.md, "The
tidy record"). `analysis.record.waves` groups it into attacks.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import RecordError
from analysis.record import validate
from analysis.record.conventions import convention_of
from analysis.record.locate import resolve_catalogue_path, resolve_record_path
from analysis.record.read import (
    COUNT_COLUMNS,
    check_header,
    file_end,
    iter_raw_chunks,
    parse_counts,
    parse_times,
    read_catalogue,
    sniff_text_file,
)
from analysis.record.weapons import NO_MODEL_FAMILY, classify_models

TIDY_COUNTS: tuple[str, ...] = (
    "launched", "destroyed", "not_reached", "neutralised", "still_attacking", "shahed_real",
)


class RecordWarning(UserWarning):
    """Something in the record the loader handled but the reader should know (e.g. unknown model).

    Raised at the record's file and line (`warn_at`), not at a line of this package, so that every
    formatter (the command line's `warning: FILE:LINE: message`, pytest's, IPython's) names them.
    """


class ImmutableItems(list):
    """A list of immutable items (strings, tuples of them) for a frame's attrs: pandas deep-copies
    attrs on every operation, item by item; a copy of the list is already a deep copy, done in
    C (a large record's notes made deepcopy a tenth of the time of `rates`)."""

    def __deepcopy__(self, memo: dict) -> ImmutableItems:
        return ImmutableItems(self)


def warn_at(message: str, path: str | os.PathLike[str], line: int) -> None:
    """Warn (RecordWarning) about `line` of the record file `path`."""
    warnings.warn_explicit(message, RecordWarning, filename=str(path), lineno=int(line),
                           module=__name__)



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


# --------------------------------------------------------------------------- the tidy record


_CACHE: dict[tuple, pd.DataFrame] = {}
_CACHE_SIZE = 4


def _file_key(path: Path) -> tuple:
    stat = path.stat()
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def load_record(
    path: str | os.PathLike[str] | None = None,
    catalogue: str | os.PathLike[str] | None = None,
    dedupe: bool | None = None,
) -> pd.DataFrame:
    """Read and validate the attack file and its weapon catalogue into the tidy record.

    Raises a RecordError naming file, line, column and value for anything that makes the file
    unusable (`validate`: its integrity is checked first); warns (RecordWarning) for models the
    class table does not know and for rows left out. Exact duplicate rows are refused, or with
    `dedupe` (default: `--dedupe` / $AIRDEF_DEDUPE) left out with a warning.
    """
    record_path = resolve_record_path(path)
    catalogue_path = resolve_catalogue_path(record_path, catalogue)
    dedupe = validate.dedupe_requested() if dedupe is None else bool(dedupe)
    key = (_file_key(record_path), _file_key(catalogue_path), dedupe)
    cached = _CACHE.get(key)
    if cached is None:
        cached = _load(record_path, catalogue_path, dedupe)
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = cached
    else:
        for message, line in cached.attrs.get("warnings", []):
            warn_at(message, record_path, line)
    result = cached.copy()
    result.attrs = {k: (ImmutableItems(v) if isinstance(v, list) else v) for k, v in cached.attrs.items()}
    return result


def _load(record_path: Path, catalogue_path: Path, dedupe: bool = False) -> pd.DataFrame:
    catalogue = read_catalogue(catalogue_path)
    header = sniff_text_file(record_path)
    check_header(record_path, header)
    chunks = list(iter_raw_chunks(record_path))
    raw = pd.concat([c.frame for c in chunks], ignore_index=True) if chunks else pd.DataFrame()
    lines = np.concatenate([c.lines for c in chunks]) if chunks else np.array([], dtype=np.int64)
    blank_lines = sum(c.blank_lines for c in chunks)
    if raw.empty:
        raise RecordError(f"{record_path}: the record file has a header but no rows")

    # The file's integrity before any figure (validate's docstring): every error refuses it.
    result = validate.check_frame(raw, lines, record_path, validate.latest_date(record_path))
    duplicates = validate.DuplicateRows()
    duplicates.add(raw, lines)
    repeated = duplicates.found()
    result.add(validate.duplicate_problems(record_path, repeated, dedupe))
    ending = validate.end_problem(record_path, file_end(record_path), len(header), int(lines[-1]))
    if ending is not None and ending[0] == "error":
        result.add(validate.CheckResult(errors=[ending[1]], error_count=1))
    if result.errors:
        raise RecordError(validate.format_problems(result.errors, result.error_count, limit=5)
                          + f"\n(run `python -m analysis data check {record_path}` for the full list)")
    messages: list[tuple[str, int]] = []  # (message, line of the record) of each RecordWarning
    left_out = {line for line, _ in repeated} if dedupe else set()
    if repeated and dedupe:
        line, earlier = repeated[0]
        messages.append((f"left out {len(repeated)} exact duplicate row(s) (--dedupe), the first on this "
                         f"line, repeating line {earlier}", line))
    if ending is not None:  # a whole last row without its newline: left out
        left_out.add(ending[1].line)
        messages.append((f"left out: {ending[1].message}", ending[1].line))
    if left_out:
        keep = ~np.isin(lines, np.fromiter(left_out, dtype=np.int64))
        raw, lines = raw.loc[keep].reset_index(drop=True), lines[keep]
        result.warnings = [w for w in result.warnings if w.line not in left_out]
        if raw.empty:
            raise RecordError(f"{record_path}: no row is left once the rows above are left out")

    tidy = tidy_frame(raw, lines)
    notes: list[str] = []
    if blank_lines:
        notes.append(f"skipped {blank_lines} blank line(s)")
    notes.extend(problem.describe() for problem in result.warnings
                 if not problem.message.startswith((validate.DUPLICATE, validate.UNTERMINATED)))

    classification = classify_models(tidy["model"].dropna().unique())
    tidy["weapon_class"] = tidy["model"].map(classification.classes).fillna("unknown").astype("str")
    tidy["family"] = tidy["model"].map(classification.families).fillna(NO_MODEL_FAMILY).astype("str")
    categories = dict(zip(catalogue["model"].str.strip(), catalogue["category"], strict=True))
    tidy["catalogue_category"] = tidy["model"].map(categories).astype("str")
    for name, weapon_class in classification.composed.items():
        notes.append(f"model '{name}' is not in the class table; its parts make it {weapon_class}")
    for name in classification.unknown:
        rows = tidy.loc[tidy["model"] == name, "line"]
        hint = categories.get(name)
        message = (
            f"model '{name}' ({len(rows)} row(s) from this line) is not in the project's class "
            "table (analysis/record/weapon_classes.csv): counted as unknown"
            + (f"; the catalogue files it as '{hint}'" if hint else "")
        )
        messages.append((message, int(rows.iloc[0])))
    missing_model = tidy["model"].isna()
    if missing_model.any():
        messages.append((
            f"{int(missing_model.sum())} row(s) without a model, the first on this line: counted "
            "as unknown",
            int(tidy.loc[missing_model, "line"].iloc[0]),
        ))
    for message, line in messages:
        warn_at(message, record_path, line)
    tidy.attrs = {
        "record_path": str(record_path),
        "catalogue_path": str(catalogue_path),
        "notes": ImmutableItems(notes + [f"{record_path}:{line}: {message}" for message, line in messages]),
        "warnings": ImmutableItems(messages),
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
    tidy["family"] = NO_MODEL_FAMILY
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
        "weapon_class", "family", "catalogue_category", "command", "publisher", "source", *TIDY_COUNTS,
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


