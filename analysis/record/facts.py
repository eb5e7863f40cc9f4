"""The record's basic facts, defined once: its period, its waves and its launches by class.

Every report that says when the record starts and ends, how many attacks it holds or how many
weapons of a class were launched takes the figure from `record_facts`, so that two reports never
disagree about them ("01 Sep 2022" against "2022-09-28", 2,058 waves against 1,164).
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.record.conventions import COMPLETE_COVERAGE_FROM
from analysis.record.locate import is_sample_record
from analysis.record.waves import waves as find_waves
from analysis.record.weapons import MISSILE_CLASSES, WEAPON_CLASSES


def format_date(day: pd.Timestamp) -> str:
    """'7 June 2026': the form every report uses for a date in prose."""
    day = pd.Timestamp(day)
    return f"{day.day} {day:%B %Y}"


def format_month(month: pd.Timestamp) -> str:
    """'June 2026'."""
    return f"{pd.Timestamp(month):%B %Y}"


def month_start(day: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(day).to_period("M").to_timestamp()


def last_complete_month(day: pd.Timestamp) -> pd.Timestamp:
    """First day of the last calendar month that ends on or before `day`."""
    day = pd.Timestamp(day).normalize()
    following = day + pd.Timedelta(days=1)
    return month_start(day) if following.day == 1 else month_start(day) - pd.offsets.MonthBegin(1)


def partial_months(start: pd.Timestamp, end: pd.Timestamp) -> dict[pd.Timestamp, str]:
    """The months a period from `start` to `end` (report dates, both included) covers only in part,
    each with what it holds ("June 2026 holds 7 of 30 days"): at most its first and its last."""
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    found: dict[pd.Timestamp, str] = {}
    for month in dict.fromkeys((month_start(start), month_start(end))):
        length = calendar.monthrange(month.year, month.month)[1]
        first = max(start, month)
        last = min(end, month + pd.Timedelta(days=length - 1))
        days = int((last - first).days) + 1
        if days < length:
            found[month] = f"{format_month(month)} holds {days} of {length} days"
    return found


def rounded(value: float, significant: int = 2, down: bool = False) -> int:
    """A count for prose, to `significant` figures (102,119 -> 100,000; down=True, 3 -> 102,000).

    Counts below 10 ** significant stay exact. `down` rounds toward zero, for "more than"."""
    value = float(value)
    if abs(value) < 10**significant:
        return int(value) if down else round(value)
    scale = 10 ** (int(math.floor(math.log10(abs(value)))) - significant + 1)
    return int((math.floor(value / scale) if down else round(value / scale)) * scale)


@dataclass(frozen=True)
class RecordFacts:
    """What a reader needs to know about the record before any figure drawn from it.

    `launched` counts the launches of national-command rows by weapon class, over the whole record,
    in every row that gives a launched count; `with_outcome` counts those of rows that also give the
    number destroyed (the launches every interception rate is computed on). Waves are those of
    `analysis.record.waves`: national posts and regional-command posts apart.
    """

    file: str
    synthetic: bool
    first_report: pd.Timestamp
    last_report: pd.Timestamp
    rows: int
    national_waves: int
    regional_waves: int
    launched: dict[str, int]
    with_outcome: dict[str, int]
    rows_without_launched: int

    @property
    def data_through(self) -> str:
        """'13 May 2026': the last report date of the record."""
        return format_date(self.last_report)

    @property
    def period(self) -> str:
        """'28 September 2022 to 13 May 2026'."""
        return f"{format_date(self.first_report)} to {format_date(self.last_report)}"

    @property
    def last_month(self) -> pd.Timestamp:
        """First day of the last month with data."""
        return month_start(self.last_report)

    @property
    def last_month_days(self) -> int:
        """Days of the last month the record covers (its last report date's day of the month)."""
        return int(self.last_report.day)

    @property
    def last_month_partial(self) -> bool:
        """True unless the record reaches the last day of its last month."""
        days_in_month = calendar.monthrange(self.last_report.year, self.last_report.month)[1]
        return self.last_month_days < days_in_month

    @property
    def latest_complete_month(self) -> pd.Timestamp:
        """First day of the last month the record covers to its end."""
        return last_complete_month(self.last_report)

    @property
    def complete_coverage_from(self) -> pd.Timestamp:
        """The first report date from which every day is covered (earlier months are incomplete)."""
        return max(COMPLETE_COVERAGE_FROM, month_start(self.first_report))

    @property
    def missiles_launched(self) -> int:
        """National launches of missiles: cruise, ballistic, S-300/S-400 fired at the ground and
        rows mixing cruise and ballistic (`weapons.MISSILE_CLASSES`)."""
        return sum(self.launched.get(c, 0) for c in MISSILE_CLASSES)

    def partial_month_note(self) -> str:
        """'May 2026 holds 13 of 31 days', or '' when the last month is complete."""
        return partial_months(self.last_month, self.last_report).get(self.last_month, "")

    def to_dict(self) -> dict[str, Any]:
        """The facts as plain values, for a report's summary (`Summary.extra`)."""
        return {
            "file": self.file,
            "synthetic": self.synthetic,
            "first_report": f"{self.first_report:%Y-%m-%d}",
            "last_report": f"{self.last_report:%Y-%m-%d}",
            "data_through": self.data_through,
            "rows": self.rows,
            "national_waves": self.national_waves,
            "regional_waves": self.regional_waves,
            "launched_national": dict(self.launched),
            "with_outcome_national": dict(self.with_outcome),
            "rows_without_launched": self.rows_without_launched,
            "last_month": f"{self.last_month:%Y-%m}",
            "last_month_partial": self.last_month_partial,
            "latest_complete_month": f"{self.latest_complete_month:%Y-%m}",
            "complete_coverage_from": f"{self.complete_coverage_from:%Y-%m-%d}",
        }


def describe_totals(launched: dict[str, int], attacks: int, start: pd.Timestamp,
                    end: pd.Timestamp, facts: RecordFacts) -> str:
    """The record's launches in one quotable sentence, as counted (the table beside gives the same
    numbers), "at least" where the period reaches back before every day was recorded, with the
    period, the date the data run through and why totals are lower bounds.

    `launched` maps classes to national launches in the period, `attacks` counts its waves."""
    missiles = sum(launched.get(c, 0) for c in MISSILE_CLASSES)
    parts = [f"{int(launched.get(c, 0)):,} {name}"
             for c, name in (("cruise", "cruise"), ("ballistic", "ballistic"),
                             ("sam", "S-300/S-400 fired at ground targets"),
                             ("mixed", "cruise and ballistic counted together")) if launched.get(c)]
    listed = f"{', '.join(parts[:-1])} and {parts[-1]}" if len(parts) > 1 else "".join(parts)
    mix = f" ({listed})" if parts else ""
    lower_bound = "at least " if start < facts.complete_coverage_from else ""
    text = (f"From {format_date(start)} to {format_date(end)}, the Air Force's national reports "
            f"list {lower_bound}{int(launched.get('drone', 0)):,} drones and "
            f"{int(missiles):,} missiles{mix} launched at Ukraine, in "
            f"{attacks:,} attacks. Data through {facts.data_through}")
    notes = [f"{note}, marked as partial in the charts"
             for month, note in partial_months(start, end).items()
             if month >= facts.complete_coverage_from]
    if start < facts.complete_coverage_from:
        notes.append(f"before {format_month(facts.complete_coverage_from)} not every day was "
                     "recorded, so the totals are lower bounds")
    return text + (f"; {'; '.join(notes)}." if notes else ".")


def record_facts(record: pd.DataFrame, wave_table: pd.DataFrame | None = None) -> RecordFacts:
    """The period, wave counts and launches by class of a tidy record (`load_record`).

    `wave_table`, if given, must be `waves(record)` (passed to save finding the waves twice).
    """
    dates = pd.to_datetime(record["report_date"]).dropna()
    if dates.empty:
        raise ValueError("record_facts: the record has no report dates")
    table = find_waves(record) if wave_table is None else wave_table
    national = record.loc[record["command"] == "national"]
    launched = pd.to_numeric(national["launched"], errors="coerce")
    known = national["destroyed"].notna()
    by_class = launched.groupby(national["weapon_class"]).sum()
    outcome_by_class = launched.where(known).groupby(national["weapon_class"]).sum()
    classes = [c for c in WEAPON_CLASSES if c in by_class.index]
    path = record.attrs.get("record_path", "")
    return RecordFacts(
        file=Path(path).name if path else "",
        synthetic=bool(path) and is_sample_record(path),
        first_report=pd.Timestamp(dates.min()).normalize(),
        last_report=pd.Timestamp(dates.max()).normalize(),
        rows=len(record),
        national_waves=int((~table["regional"].astype(bool)).sum()),
        regional_waves=int(table["regional"].astype(bool).sum()),
        launched={c: int(by_class[c]) for c in classes},
        with_outcome={c: int(outcome_by_class.get(c, 0)) for c in classes},
        rows_without_launched=int(record["launched"].isna().sum()),
    )
