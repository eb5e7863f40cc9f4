"""Validation of an attack file: a pandera schema for each column plus the record's domain rules.

Errors make the file unusable (`data check` exits non-zero, `load_record` raises); warnings are
facts of the record the analysis must know (a count missing). A row that cannot be true
(destroyed + not_reach_goal > launched) is a warning flagged as such: `data check` lists it apart,
and every rate leaves it out (with a note) rather than capping it at 100%.
Every problem names the file, the line in the file (header = 1), the column and the value.
Checks are vectorised and run chunk by chunk, so that files of millions of rows stay fast and
memory-bounded.
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
    check_header,
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


def check_frame(raw: pd.DataFrame, lines: np.ndarray, path: str | os.PathLike[str]) -> CheckResult:
    """Check text rows of an attack file (as read by `iter_raw_chunks`)."""
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
        numbers[column] = parsed
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
) -> FileReport:
    """Validate an attack file chunk by chunk; file-level faults raise a RecordError."""
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
    for chunk in iter_raw_chunks(record_path, chunk_rows):
        report.rows += len(chunk.frame)
        report.blank_lines += chunk.blank_lines
        report.result.add(check_frame(chunk.frame, chunk.lines, record_path))
        if chunk.frame.empty:
            continue
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
