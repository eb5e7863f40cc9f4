"""The sentences of report 06 (the attack's tempo, forecast): the answer first, in plain words.

Forecasts are counts of launches a reader will quote, so they are rounded to two significant
figures ("about 7,100 drones, 90% interval 4,500 to 10,000"); the record's own counts are given as
listed. The figures come from `analysis.stats.forecast`; this module only words them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.record.facts import format_date, format_month
from analysis.reporting.words import class_label, listed, model_label, signed, significant_count
from analysis.stats.forecast.backtest import FIRST_CUT
from analysis.stats.forecast.series import period_words as series_period_words

UNITS = {"month": "month", "week": "week", "day": "day"}


def period_words(label: str, by: str) -> str:
    """A forecast period as a reader writes it: "July 2026", "the week of 8 June 2026", "8 June 2026"."""
    return series_period_words(pd.Timestamp(label), by)


def backtest_span(detail: pd.DataFrame, by: str) -> str:
    """The periods a backtest scored, as a reader writes them: "months scored from February 2025
    to May 2026" (`detail`: `stats.forecast.backtest`, one row per forecast scored)."""
    if not len(detail):
        return ""
    first, last = (period_words(str(pd.Timestamp(detail["period"].agg(end)).date()), by) for end in ("min", "max"))
    return f"{UNITS[by]}s scored from {first} to {last}"


def growth_words(growth: float) -> str:
    """A yearly growth (0.31, -0.004) as "+31%", "0%": never "-0%"."""
    return f"{signed(100 * growth)}%"


def study_caption(replicates: int, trend_periods: int, walk_periods: int, by: str = "month") -> str:
    """The simulation study's table: how many simulated series, and how long each is, so that its
    shares read as simulated ones with their length (no period of the record: a simulation)."""
    unit = UNITS[by]
    return (f"Simulation study: {replicates:,} simulated series per truth, nb-trend fitted on {trend_periods} "
            f"{unit}s and the naive forecast on {walk_periods} {unit}s of each (not the record)")


def note_sentence(note: str) -> str:
    """A note of the forecast ("ballistic: the 90% interval's lower end ...") as a sentence that
    names its weapons in words ("Ballistic missiles: the 90% interval's lower end ...")."""
    cls, found, rest = note.partition(": ")
    text = f"{class_label(cls)}: {rest}" if found else note
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def about(value: float) -> str:
    """A forecast count to two significant figures: 7,112 as "7,100", 97 as "97", 0 as "0" (as the
    tables and the summary give it: `words.significant_count`)."""
    return significant_count(max(float(value), 0.0), 2)


def _span(low: float, high: float) -> str:
    return f"{about(low)} to {about(high)}"


def next_period_sentence(table: pd.DataFrame, record: pd.DataFrame, level: float, by: str) -> str:
    """The first whole period ahead, class by class, then the record's last whole period.

    `table`: the forecast (class, period, median, low, high, observed_days); `record`: the record
    by period (class, start, launched, complete)."""
    ahead = table[table["observed_days"] == 0]
    parts, then = [], []
    for index, cls in enumerate(dict.fromkeys(ahead["class"])):
        row = ahead[ahead["class"] == cls].iloc[0]
        interval = f"{level:.0%} interval " if index == 0 else ""
        parts.append(f"{about(row['median'])} {class_label(cls)} ({interval}{_span(row['low'], row['high'])})")
        past = record[(record["class"] == cls) & record["complete"]]
        if len(past):
            then.append((f"{past['launched'].iloc[-1]:,.0f}", period_words(str(past["start"].iloc[-1].date()), by)))
    if not parts:
        return ""
    when = period_words(str(ahead["period"].iloc[0]), by)
    text = (f"If the coming {UNITS[by]}s resemble the record's last ones, the Air Force's national posts would "
            f"list about {listed(parts)} in {when}.")
    if len(then) == len(parts) and len({w for _, w in then}) == 1:
        text += f" In {then[0][1]}, the record's last whole {UNITS[by]}, they listed {listed([n for n, _ in then])}."
    return text


def totals_sentence(totals: pd.DataFrame, level: float, by: str, horizon: int, partly: bool = True,
                    tested: int | None = None, forecast_periods: int | None = None) -> str:
    """Launches over the `horizon` periods of `totals` (the sum of each sample path), class by class;
    `partly`: the first period is partly in the record (its launches so far are counted in);
    `tested`: the periods ahead the backtest scored (beyond them the forecast is untested, and the
    text says so); `forecast_periods`: all the periods forecast, where `totals` covers only the
    tested ones (the sentence says the longer total, in the table, is untested)."""
    if not len(totals):
        return ""
    first, last = (period_words(str(totals[c].iloc[0]), by) for c in ("first_period", "last_period"))
    parts = [f"{about(row['median'])} {class_label(row['class'])} ({f'{level:.0%} interval ' if i == 0 else ''}"
             f"{_span(row['low'], row['high'])})" for i, (_, row) in enumerate(totals.iterrows())]
    count = f"{horizon} {UNITS[by]}{'s' if horizon != 1 else ''}"
    recorded = f" (counting the launches of {first} already in the record)" if partly else ""
    text = f"Over the {count} from {first} to {last}{recorded}: about {listed(parts)}."
    scored = f"{tested} {UNITS[by]}{'s' if tested != 1 else ''}" if tested is not None else ""
    if tested is not None and horizon > tested:
        text += f" The backtest scored forecasts up to {scored} ahead: beyond that the intervals are untested."
    elif tested is not None and forecast_periods and forecast_periods > horizon:
        text += (f" The backtest scored forecasts up to {scored} ahead; the total over all {forecast_periods} "
                 f"{UNITS[by]}s forecast, in the table below, is untested beyond them.")
    return text


def backtest_sentence(chosen: pd.DataFrame, by: str, level: float = 0.9) -> str:
    """How often the intervals of the models used held the outcome on the record's own past.

    `chosen`: the calibration rows (class, model, nominal, observed, forecasts, low, high) of the
    model used for each class."""
    rows = chosen[(chosen["nominal"] - level).abs() < 1e-9]
    if not len(rows):
        return ""
    parts = [f"{row['observed']:.0%} of {int(row['forecasts'])} {class_label(row['class'], True)} forecasts "
             f"(95% interval {row['low']:.0%} to {row['high']:.0%})" for _, row in rows.iterrows()]
    return (f"Tested on the record's own past (a forecast made at every month end from {format_month(FIRST_CUT)} "
            f"with only what came before, scored against what followed), the {level:.0%} intervals of the "
            f"models used held the outcome in {listed(parts)}: they should hold it about {level:.0%} of the time.")


def skill_sentence(choices: Mapping[str, Any]) -> str:
    """Whether each class's model beat repeating the last period ("the naive forecast")."""
    parts = []
    for cls, choice in choices.items():
        scores = getattr(choice, "mean_crps", None) or {}
        naive, used = scores.get("naive"), scores.get(choice.model)
        if choice.model == "naive" or not naive or used is None:
            parts.append(f"for {class_label(cls)} no model beat repeating the last period, so that is the forecast")
        else:
            ratio = used / naive
            parts.append(f"for {class_label(cls)} the {model_label(choice.model)} model's error is {ratio:.2f} times the naive "
                         "forecast's" + (" (no better in practice)" if ratio > 0.95 else ""))
    return ("Against repeating the last period (the naive forecast): " + "; ".join(parts) + "."
            if parts else "")


def footnote(*, start: pd.Timestamp, end: pd.Timestamp, data_through: str, first_period: pd.Series | None,
             by: str) -> str:
    """Where the figures come from, the record's date and how much of the first period it holds."""
    text = (f"National posts of the Air Force, the daily record from {format_date(start)} to "
            f"{format_date(end)}; data through {data_through}.")
    if first_period is not None and int(first_period["observed_days"]):
        text += (f" {period_words(str(first_period['period']), by)[:1].upper()}"
                 f"{period_words(str(first_period['period']), by)[1:]} is partly in the record "
                 f"({int(first_period['observed_days'])} of {int(first_period['days'])} days): its forecast is the "
                 "launches recorded so far plus the forecast of the days to come.")
    return text + " A forecast of the record's rhythm, not of decisions: see what it cannot know, below."
