"""The series a forecast is fitted to: national launches per class and day, and their periods.

The record is a complete daily series from 1 August 2024 (before then not every day is covered);
a day without a national wave counts zero. A wave is dated by its report date (the morning it was
posted), so the record's last report date is its last complete day. Rows of a class the forecast
does not know (`sam`: S-300/S-400 fired at ground targets, apart from ballistic missiles; `mixed`,
`other`, `unknown`: a handful of posts that cannot be split) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.record.facts import format_date, format_month
from analysis.stats.trend import TREND_START

COVERAGE_START = pd.Timestamp(TREND_START)
CLASSES = ("drone", "cruise", "ballistic")
RESOLUTIONS = ("day", "week", "month")
#: The furthest a forecast reaches: three years in each unit (intervals beyond are guesswork).
MAX_HORIZON = {"month": 36, "week": 156, "day": 1095}
DEFAULT_HORIZON = {"month": 3, "week": 12, "day": 28}
#: Complete periods a model needs to be fitted at all.
MIN_PERIODS = {"month": 6, "week": 12, "day": 56}
UNIT_NAMES = {"month": "months", "week": "weeks", "day": "days"}


class ForecastError(AnalysisError):
    """A forecast cannot be made from this input (bad option, unknown class, too short a record)."""


def check_resolution(by: str) -> str:
    if by not in RESOLUTIONS:
        raise ForecastError(f"--by: {by!r}: must be one of {', '.join(RESOLUTIONS)}")
    return by


def check_classes(classes: str | Iterable[str] | None) -> tuple[str, ...]:
    """The classes asked for, in the record's order; an unknown or repeated name is refused."""
    if classes is None:
        return CLASSES
    names = [c.strip() for c in classes.split(",")] if isinstance(classes, str) else [str(c) for c in classes]
    names = [n for n in names if n]
    if not names:
        raise ForecastError(f"--classes: name at least one of {', '.join(CLASSES)}")
    for name in names:
        if name not in CLASSES:
            raise ForecastError(f"--classes: {name!r}: unknown class (known: {', '.join(CLASSES)})")
    if len(set(names)) != len(names):
        raise ForecastError(f"--classes: {','.join(names)!r}: a class is named twice")
    return tuple(c for c in CLASSES if c in names)


def check_horizon(horizon: int | None, by: str) -> int:
    """Periods ahead: 1 up to three years' worth; None gives the default of the resolution."""
    if horizon is None:
        return DEFAULT_HORIZON[by]
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer):
        raise ForecastError(f"--horizon: {horizon!r}: must be a whole number of {UNIT_NAMES[by]}")
    if horizon < 1:
        raise ForecastError(f"--horizon: {horizon}: must be at least 1 {by}")
    if horizon > MAX_HORIZON[by]:
        raise ForecastError(
            f"--horizon: {horizon}: at most {MAX_HORIZON[by]} {UNIT_NAMES[by]} (three years) "
            "ahead; intervals further out would say nothing")
    return int(horizon)


def check_level(level: float) -> float:
    if isinstance(level, bool) or not isinstance(level, int | float) or not np.isfinite(level):
        raise ForecastError(f"--level: {level!r}: must be a number")
    if not 0.5 <= level <= 0.99:
        raise ForecastError(f"--level: {level:g}: must lie in [0.5, 0.99] (e.g. 0.9 for a 90% interval)")
    return float(level)


def record_end(record: pd.DataFrame) -> pd.Timestamp:
    """The record's last report date: its last complete day."""
    dates = pd.to_datetime(record["report_date"], errors="coerce").dropna()
    if dates.empty:
        raise ForecastError(f"{_record_name(record)}: the record has no dated rows")
    return dates.max().normalize()


def _record_name(record: pd.DataFrame) -> str:
    path = record.attrs.get("record_path")
    return Path(path).name if path else "record"


def daily_launches(
    record: pd.DataFrame, classes: Sequence[str] = CLASSES, end: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """Launches per calendar day and class (national posts) from 1 August 2024 to `end`.

    `end` defaults to the record's last report date; days without a wave are zero. The frame's
    `attrs` carry `record` (the file name) and `end`.
    """
    classes = check_classes(classes)
    last = record_end(record) if end is None else pd.Timestamp(end).normalize()
    if last < COVERAGE_START:
        raise ForecastError(
            f"{_record_name(record)}: ends {last.date()}, before the record became a complete "
            f"daily series ({COVERAGE_START.date()}): nothing to fit a forecast to")
    rows = record.loc[(record["command"] == "national") & record["weapon_class"].isin(classes),
                      ["report_date", "weapon_class", "launched"]]
    dates = pd.to_datetime(rows["report_date"]).dt.normalize()
    keep = (dates >= COVERAGE_START) & (dates <= last)
    frame = pd.DataFrame({
        "date": dates[keep],
        "weapon_class": rows.loc[keep, "weapon_class"].astype(str),
        "launched": pd.to_numeric(rows.loc[keep, "launched"], errors="coerce").fillna(0).astype(float),
    })
    days = pd.date_range(COVERAGE_START, last, freq="D")
    table = (frame.pivot_table(index="date", columns="weapon_class", values="launched",
                               aggfunc="sum", fill_value=0.0)
             .reindex(index=days, columns=list(classes), fill_value=0.0).fillna(0.0))
    table.index.name = "date"
    table.columns.name = None
    table.attrs = {"record": _record_name(record), "end": last}
    return table


# --- periods ------------------------------------------------------------------------------------


def period_start(dates: pd.DatetimeIndex, by: str) -> pd.DatetimeIndex:
    """The first day of the period (ISO week from Monday, calendar month) each date falls in."""
    dates = pd.DatetimeIndex(dates).normalize()
    if by == "day":
        return dates
    if by == "week":
        return dates - pd.to_timedelta(dates.day_of_week, unit="D")
    return dates.to_period("M").to_timestamp()


def period_days(starts: pd.DatetimeIndex, by: str) -> np.ndarray:
    """Days in each period starting at `starts`."""
    starts = pd.DatetimeIndex(starts)
    if by == "day":
        return np.ones(len(starts))
    if by == "week":
        return np.full(len(starts), 7.0)
    return starts.days_in_month.to_numpy(dtype=float)


def period_offset(start: pd.Timestamp, by: str, steps: int) -> pd.Timestamp:
    if by == "day":
        return start + pd.Timedelta(days=steps)
    if by == "week":
        return start + pd.Timedelta(weeks=steps)
    return start + pd.DateOffset(months=steps)


def period_label(start: pd.Timestamp, by: str) -> str:
    """`YYYY-MM` for months, the ISO date of the first day otherwise."""
    return start.strftime("%Y-%m") if by == "month" else start.strftime("%Y-%m-%d")


def period_words(start: pd.Timestamp, by: str) -> str:
    """A period as a reader writes it: "July 2026", "the week of 8 June 2026", "8 June 2026"."""
    if by == "month":
        return format_month(start)
    return f"the week of {format_date(start)}" if by == "week" else format_date(start)


@dataclass(frozen=True)
class Periods:
    """The daily series summed by period, with how many days of each period the record holds.

    `counts` (period, class), `days` (days in the period), `observed_days` (days of it in the
    record); `complete` marks periods the record holds whole (the first week of August 2024 and
    the period the record ends in may not be).
    """

    by: str
    starts: pd.DatetimeIndex
    counts: pd.DataFrame
    days: np.ndarray
    observed_days: np.ndarray

    @property
    def complete(self) -> np.ndarray:
        return self.observed_days == self.days


def to_periods(daily: pd.DataFrame, by: str) -> Periods:
    """Sum a daily frame (index: consecutive days) into periods."""
    check_resolution(by)
    starts = period_start(daily.index, by)
    counts = daily.groupby(starts).sum()
    observed = daily.groupby(starts).size().to_numpy(dtype=float)
    index = pd.DatetimeIndex(counts.index)
    return Periods(by, index, counts.set_axis(index), period_days(index, by), observed)


@dataclass(frozen=True)
class History:
    """The complete periods of one class a model is fitted to (oldest first)."""

    by: str
    starts: pd.DatetimeIndex
    counts: np.ndarray
    days: np.ndarray

    def __len__(self) -> int:
        return len(self.counts)


@dataclass(frozen=True)
class Future:
    """The periods to forecast: from the one after the last complete period, `horizon` of them.

    The first may be partly in the record already (`observed_days` > 0, `observed` launches of
    each class): its forecast is those launches plus the forecast of the days still to come.
    """

    by: str
    starts: pd.DatetimeIndex
    days: np.ndarray
    observed_days: np.ndarray
    observed: dict[str, np.ndarray]

    @property
    def labels(self) -> list[str]:
        return [period_label(s, self.by) for s in self.starts]

    @property
    def unobserved_share(self) -> np.ndarray:
        return (self.days - self.observed_days) / self.days


def split_history(daily: pd.DataFrame, by: str, horizon: int) -> tuple[dict[str, History], Future]:
    """The complete periods of each class up to the daily frame's last day, and the periods after.

    Raises `ForecastError` when fewer than `MIN_PERIODS[by]` complete periods are there.
    """
    periods = to_periods(daily, by)
    # only the first (a week begun before August 2024) and the last period can be incomplete
    complete = periods.complete
    n_complete = int(complete.sum())
    if n_complete < MIN_PERIODS[by]:
        end = daily.attrs.get("end", daily.index[-1] if len(daily) else None)
        raise ForecastError(
            f"{daily.attrs.get('record', 'record')}: {n_complete} complete {UNIT_NAMES[by]} from "
            f"{COVERAGE_START.date()} to {pd.Timestamp(end).date()}; a forecast by {by} needs at "
            f"least {MIN_PERIODS[by]}")
    keep = complete
    histories = {
        cls: History(by, periods.starts[keep], periods.counts.loc[keep, cls].to_numpy(dtype=float),
                     periods.days[keep])
        for cls in daily.columns
    }
    trailing = not complete[-1]
    first = periods.starts[-1] if trailing else period_offset(periods.starts[-1], by, 1)
    starts = pd.DatetimeIndex([period_offset(first, by, k) for k in range(horizon)])
    observed_days = np.zeros(horizon)
    observed = {cls: np.zeros(horizon) for cls in daily.columns}
    if trailing:
        observed_days[0] = periods.observed_days[-1]
        for cls in daily.columns:
            observed[cls][0] = float(periods.counts[cls].iloc[-1])
    future = Future(by, starts, period_days(starts, by), observed_days, observed)
    return histories, future
