"""Validation of an attack file: a pandera schema for each column plus the record's domain rules.

Errors make the file unusable (`data check` exits non-zero, `load_record` raises); warnings are
facts of the record the analysis must know (a count missing). A row that cannot be true
(destroyed + not_reach_goal > launched) is a warning flagged as such: `data check` lists it apart,
and every rate leaves it out (with a note) rather than capping it at 100%.
Every problem names the file, the line in the file (header = 1), the column and the value.
Checks are vectorised and run chunk by chunk, so that files of millions of rows stay fast and
memory-bounded.

The file's integrity is checked before any figure (`data check` lists each finding):
- a count above `MAX_COUNT` (no report counts more than a few hundred; 1e308 would overflow);
- a time after the record was fetched (its PROVENANCE.json) or after today, a day's grace for
  time zones: a typo such as 2030 would make "data through 2030" of a report;
- an exact duplicate row (every field the same as an earlier row's): refused with both lines, or
  with `--dedupe` (`AIRDEF_DEDUPE=1`) the later copy left out with a warning, never counted twice;
- a last line without the newline every other line has: with fewer fields than the header it was
  cut mid-row (a download cut short: `...,810.0,7` counted destroyed = 7) and is refused; with
  every field it may still be cut inside its last field, so it is left out with a warning.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import RecordError
from analysis.record.locate import resolve_catalogue_path, resolve_record_path
from analysis.record.read import (
    COUNT_COLUMNS,
    FileEnd,
    check_header,
    file_end,
    iter_raw_chunks,
    parse_counts,
    parse_times,
    read_catalogue,
    sniff_text_file,
)

DEFAULT_MAX_ERRORS = 20
IMPOSSIBLE = ("cannot be true: destroyed + not_reach_goal > launched; left out of every rate "
              "(not capped)")
CHUNK_ROWS = 250_000
_KEPT_PER_KIND = 1000  # problems kept in memory per kind; the rest are only counted
MAX_COUNT = 100_000  # a row counting more cannot be one report (the largest counts a few hundred)
DATE_GRACE = pd.Timedelta(days=1)  # Kyiv's date runs ahead of UTC's
DEDUPE_ENV = "AIRDEF_DEDUPE"
DUPLICATE = "repeats an earlier row exactly"
UNTERMINATED = "the last line has no newline"


@dataclass(frozen=True)
class Problem:
    """One finding: where it is (file, line, column), the value and what is wrong."""

    path: str
    line: int
    column: str
    value: str
    message: str

    def describe(self) -> str:
        value = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return f"{self.path}:{self.line}: column '{self.column}', value {value!r}: {self.message}"


@dataclass
class CheckResult:
    """Problems found (the first ones kept, all counted) and a summary of a valid file."""

    errors: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warnings: list[Problem] = field(default_factory=list)
    warning_count: int = 0

    def add(self, other: CheckResult) -> None:
        self.errors.extend(other.errors[: max(0, _KEPT_PER_KIND * 20 - len(self.errors))])
        self.error_count += other.error_count
        self.warnings.extend(other.warnings[: max(0, _KEPT_PER_KIND * 20 - len(self.warnings))])
        self.warning_count += other.warning_count


@dataclass
class FileReport:
    """What `data check` prints: the check result and, for a valid file, a short summary."""

    path: Path
    catalogue_path: Path
    result: CheckResult
    rows: int = 0
    blank_lines: int = 0
    period: tuple[pd.Timestamp, pd.Timestamp] | None = None
    launched_by_class: dict[str, int] = field(default_factory=dict)
    rows_by_command: dict[str, int] = field(default_factory=dict)
    unknown_models: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result.error_count == 0


def _count_schema():
    """The pandera schema of the count columns once parsed: non-negative whole numbers or empty."""
    import pandera.pandas as pa

    whole = pa.Check(lambda s: (s % 1) == 0, name="whole_number", error="not a whole number")
    non_negative = pa.Check.ge(0, error="negative")
    return pa.DataFrameSchema(
        {
            column: pa.Column(float, [non_negative, whole], nullable=True, required=False)
            for column in COUNT_COLUMNS
        },
        strict=False,
    )


def dedupe_requested() -> bool:
    """`--dedupe` (or $AIRDEF_DEDUPE=1): leave out exact duplicate rows instead of refusing them."""
    return os.environ.get(DEDUPE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def latest_date(path: str | os.PathLike[str]) -> tuple[pd.Timestamp, str]:
    """The last day a row of the record at `path` may be dated, and why: the day its fetch
    (PROVENANCE.json beside it, when it lists this very file) or today, in UTC."""
    import datetime as dt
    import json

    from analysis.provenance import sha256_of

    today = pd.Timestamp(dt.datetime.now(dt.UTC).date())
    path = Path(path)
    try:
        provenance = json.loads((path.parent / "PROVENANCE.json").read_text(encoding="utf-8"))
        listed = {f.get("name"): f.get("sha256") for f in provenance.get("files", []) if isinstance(f, dict)}
        if listed.get(path.name) == sha256_of(path):
            fetched = pd.Timestamp(str(provenance["accessed"])[:10])
            if fetched <= today:
                return fetched, f"the record was fetched ({fetched:%Y-%m-%d})"
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return today, f"today ({today:%Y-%m-%d})"


def check_frame(raw: pd.DataFrame, lines: np.ndarray, path: str | os.PathLike[str],
                latest: tuple[pd.Timestamp, str] | None = None) -> CheckResult:
    """Check text rows of an attack file (as read by `iter_raw_chunks`). `latest`: the last day
    a row may carry and why (`latest_date`); None: not checked."""
    import pandera.pandas as pa

    result = CheckResult()
    path = str(path)
    lines = np.asarray(lines)

    def report(kind: str, mask: pd.Series | np.ndarray, column: str, values: pd.Series,
               message: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        count = int(mask.sum())
        if not count:
            return
        where = np.flatnonzero(mask)[:_KEPT_PER_KIND]
        found = [
            Problem(path, int(lines[i]), column, str(values.iloc[i]), message) for i in where
        ]
        if kind == "error":
            result.errors.extend(found)
            result.error_count += count
        else:
            result.warnings.extend(found)
            result.warning_count += count

    if raw.empty:
        return result

    # Times: every row needs a start and an end that parse, the end not before the start.
    times = {}
    for column in ("time_start", "time_end"):
        parsed, has_time, bad = parse_times(raw[column])
        empty = raw[column].str.strip() == ""
        report("error", empty, column, raw[column], "missing time")
        report("error", bad, column, raw[column],
               "not a time (expected YYYY-MM-DD or YYYY-MM-DD HH:MM)")
        times[column] = (parsed, has_time)
    (start, start_has_time), (end, end_has_time) = times["time_start"], times["time_end"]
    if latest is not None:
        last_day, why = latest
        for column, parsed in (("time_start", start), ("time_end", end)):
            report("error", (parsed.dt.normalize() > last_day + DATE_GRACE).fillna(False), column,
                   raw[column], f"a date after {why}: a typo, or a row from another file")
    both_timed = start_has_time & end_has_time
    # A date-only value means "some time that day": compare dates then.
    before = (both_timed & (end < start)) | (end.dt.normalize() < start.dt.normalize())
    report("error", before.fillna(False), "time_end", raw["time_end"],
           f"end before start ({'time_start'})")

    # Counts: parse, then the pandera schema (non-negative whole numbers).
    numbers = pd.DataFrame(index=raw.index)
    for column in COUNT_COLUMNS:
        if column not in raw.columns:
            continue
        parsed, bad = parse_counts(raw[column])
        report("error", bad, column, raw[column], "not a number")
        huge = parsed.abs() > MAX_COUNT
        report("error", huge, column, raw[column],
               f"more than {MAX_COUNT:,}: no report counts that many")
        numbers[column] = parsed.where(~huge)
    try:
        _count_schema().validate(numbers, lazy=True)
    except pa.errors.SchemaErrors as failures:
        cases = failures.failure_cases
        cases = cases[cases["index"].notna() & cases["column"].notna()]
        for (column, check), group in cases.groupby(["column", "check"], sort=False):
            mask = np.zeros(len(raw), dtype=bool)
            mask[group["index"].astype("int64").to_numpy()] = True
            message = "negative count" if "greater_than" in str(check) or check == "negative" \
                else "not a whole number"
            report("error", mask, str(column), raw[str(column)], message)

    # Domain rules across columns.
    launched, destroyed = numbers["launched"], numbers["destroyed"]
    not_reached = numbers.get("not_reach_goal", pd.Series(np.nan, index=raw.index))
    # Only between valid counts: a negative `launched` is already reported once.
    both_valid = (launched >= 0) & (destroyed >= 0)
    report("error", (both_valid & (destroyed > launched)).to_numpy(), "destroyed", raw["destroyed"],
           "destroyed > launched")
    over = (destroyed.fillna(0) + not_reached.fillna(0) > launched) & ~(destroyed > launched)
    report("warning", over.to_numpy(), "not_reach_goal",
           raw["not_reach_goal"] if "not_reach_goal" in raw.columns else raw["destroyed"], IMPOSSIBLE)
    for column, values in (("launched", launched), ("destroyed", destroyed)):
        empty = raw[column].astype("str").str.strip() == ""  # a non-number is already an error
        report("warning", (values.isna() & empty).to_numpy(), column, raw[column], "missing count")
    report("warning", (raw["model"].str.strip() == "").to_numpy(), "model", raw["model"],
           "missing model (counted as unknown)")
    report("warning", (raw["source"].str.strip() == "").to_numpy(), "source", raw["source"],
           "missing source (waves cannot be told apart)")
    return result


class DuplicateRows:
    """Exact duplicate rows across the chunks of a file, found by two independent 64-bit hashes
    of every field (a false match would need a 128-bit collision): 24 bytes a row, however long
    the rows."""

    _SECOND_KEY = "airdef-dedupe-02"  # hash_pandas_object's key for the second hash (16 characters)

    def __init__(self) -> None:
        self._hashes: list[np.ndarray] = []
        self._lines: list[np.ndarray] = []

    def add(self, raw: pd.DataFrame, lines: np.ndarray) -> None:
        if raw.empty:
            return
        first = pd.util.hash_pandas_object(raw, index=False).to_numpy()
        second = pd.util.hash_pandas_object(raw, index=False, hash_key=self._SECOND_KEY).to_numpy()
        self._hashes.append(np.column_stack([first, second]))
        self._lines.append(np.asarray(lines, dtype=np.int64))

    def found(self) -> list[tuple[int, int]]:
        """(line, the earlier line it repeats) for every repeated row, in file order."""
        if not self._hashes:
            return []
        hashes = np.concatenate(self._hashes)
        frame = pd.DataFrame({"a": hashes[:, 0], "b": hashes[:, 1], "line": np.concatenate(self._lines)})
        repeated = frame.duplicated(["a", "b"], keep="first").to_numpy()
        if not repeated.any():
            return []
        first = frame.groupby(["a", "b"], sort=False)["line"].transform("first").to_numpy()
        return [(int(line), int(earlier)) for line, earlier in
                zip(frame["line"].to_numpy()[repeated], first[repeated], strict=True)]


def duplicate_problems(path: str | os.PathLike[str], found: list[tuple[int, int]], dedupe: bool) -> CheckResult:
    """Duplicates as errors (refused), or with `dedupe` as warnings (left out)."""
    result = CheckResult()
    problems = [Problem(str(path), line, "(whole row)", f"line {first}",
                        f"{DUPLICATE} (line {first})" + ("; left out (--dedupe)" if dedupe else
                                                           "; refused: remove it, or pass --dedupe to leave it out"))
                for line, first in found]
    if dedupe:
        result.warnings, result.warning_count = problems[:_KEPT_PER_KIND], len(problems)
    else:
        result.errors, result.error_count = problems[:_KEPT_PER_KIND], len(problems)
    return result


def end_problem(path: str | os.PathLike[str], end: FileEnd, header_fields: int,
                last_line: int) -> tuple[str, Problem] | None:
    """('error', problem) for a last row cut mid-row, ('warning', problem) for a whole last row
    without its newline (left out), None when the file ends as it should."""
    if end.newline:
        return None
    if end.fields is not None and end.fields < header_fields:
        return "error", Problem(str(path), last_line, "(whole row)", f"{end.fields} of {header_fields} fields",
                                f"{UNTERMINATED} and only {end.fields} of the header's {header_fields} "
                                "fields: the file was cut short (fetch it again, or remove the row)")
    return "warning", Problem(str(path), last_line, "(whole row)", "no newline",
                              f"{UNTERMINATED} while every other line has one: the file may have been "
                              "cut inside it, so it is left out (end it with a newline if it is whole)")


def format_problems(problems: list[Problem], total: int, limit: int = DEFAULT_MAX_ERRORS) -> str:
    """At most `limit` problems, one a line, in file order, then "and K more"."""
    shown = sorted(problems, key=lambda p: (p.line, p.column))[:limit]
    text = "\n".join(problem.describe() for problem in shown)
    if total > len(shown):
        text += f"\n... and {total - len(shown)} more"
    return text


def check_file(
    path: str | os.PathLike[str] | None = None,
    catalogue: str | os.PathLike[str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    dedupe: bool | None = None,
) -> FileReport:
    """Validate an attack file chunk by chunk; file-level faults raise a RecordError. Exact
    duplicate rows are errors, or warnings with `dedupe` (default: `dedupe_requested()`)."""
    from analysis.record.weapons import classify_models

    record_path = resolve_record_path(path)
    # The file's own faults first: they are what the user asked about.
    header = sniff_text_file(record_path)
    check_header(record_path, header)
    catalogue_path = resolve_catalogue_path(record_path, catalogue)
    read_catalogue(catalogue_path)
    report = FileReport(path=record_path, catalogue_path=catalogue_path, result=CheckResult())
    first: pd.Timestamp | None = None
    last: pd.Timestamp | None = None
    launched_by_class: dict[str, float] = {}
    unknown: dict[str, None] = {}
    latest = latest_date(record_path)
    duplicates = DuplicateRows()
    last_line = 0
    for chunk in iter_raw_chunks(record_path, chunk_rows):
        report.rows += len(chunk.frame)
        report.blank_lines += chunk.blank_lines
        report.result.add(check_frame(chunk.frame, chunk.lines, record_path, latest))
        duplicates.add(chunk.frame, chunk.lines)
        if chunk.frame.empty:
            continue
        last_line = int(chunk.lines[-1])
        start, _, _ = parse_times(chunk.frame["time_start"])
        end, _, _ = parse_times(chunk.frame["time_end"])
        if start.notna().any():
            first = min(filter(None, [first, start.min()]))
        if end.notna().any():
            last = max(filter(None, [last, end.max()]))
        models = chunk.frame["model"].str.strip()
        classification = classify_models(models.unique())
        unknown.update(dict.fromkeys(n for n in classification.unknown if n))
        launched, _ = parse_counts(chunk.frame["launched"])
        by_class = launched.groupby(models.map(classification.classes).fillna("unknown")).sum()
        for weapon_class, value in by_class.items():
            launched_by_class[weapon_class] = launched_by_class.get(weapon_class, 0) + value
        publisher = chunk.frame["source"].str.strip().str.replace(
            r"^(?:https?://)?(?:www\.)?(?:t\.me/)?", "", regex=True)
        regional = int(publisher.str.casefold().str.startswith("pvk").sum())
        report.rows_by_command["regional"] = report.rows_by_command.get("regional", 0) + regional
        report.rows_by_command["national"] = (
            report.rows_by_command.get("national", 0) + len(chunk.frame) - regional
        )
    if report.rows == 0:
        raise RecordError(f"{record_path}: the record file has a header but no rows")
    report.result.add(duplicate_problems(record_path, duplicates.found(),
                                         dedupe_requested() if dedupe is None else dedupe))
    ending = end_problem(record_path, file_end(record_path), len(header), last_line)
    if ending is not None:
        kind, problem = ending
        report.result.add(CheckResult(errors=[problem], error_count=1) if kind == "error"
                          else CheckResult(warnings=[problem], warning_count=1))
    report.period = (first, last) if first is not None and last is not None else None
    report.launched_by_class = {k: int(v) for k, v in launched_by_class.items()}
    report.unknown_models = list(unknown)
    return report


def summarise(report: FileReport, max_errors: int = DEFAULT_MAX_ERRORS) -> str:
    """The text `data check` prints."""
    from analysis.record.weapons import WEAPON_CLASSES

    result = report.result
    lines = []
    if report.ok:
        lines.append(f"{report.path}: valid record")
    else:
        lines.append(f"{report.path}: INVALID: {result.error_count} error(s)")
        lines.append(format_problems(result.errors, result.error_count, max_errors))
    lines.append(f"  catalogue: {report.catalogue_path}")
    lines.append(
        f"  rows: {report.rows} ({report.rows_by_command.get('national', 0)} national, "
        f"{report.rows_by_command.get('regional', 0)} regional)"
        + (f"; {report.blank_lines} blank line(s) skipped" if report.blank_lines else "")
    )
    if report.period:
        lines.append(f"  period: {report.period[0]:%Y-%m-%d} .. {report.period[1]:%Y-%m-%d}")
    counts = ", ".join(
        f"{c} {report.launched_by_class[c]}" for c in WEAPON_CLASSES if c in report.launched_by_class
    )
    lines.append(f"  launched by class (all rows): {counts}")
    if report.unknown_models:
        shown = ", ".join(repr(m) for m in report.unknown_models[:10])
        lines.append(f"  models not in the class table (counted as unknown): {shown}")
    impossible = [p for p in result.warnings if p.message == IMPOSSIBLE]
    if impossible:
        lines.append(f"  rows that cannot be true (left out of every rate, not capped): {len(impossible)}")
        lines.extend("    " + line for line in format_problems(impossible, len(impossible),
                                                               max_errors).splitlines())
    others = [p for p in result.warnings if p.message != IMPOSSIBLE]
    if others:
        count = result.warning_count - len(impossible)
        lines.append(f"  other warnings: {count}")
        lines.extend("    " + line for line in format_problems(others, count, max_errors).splitlines())
    return "\n".join(lines)
