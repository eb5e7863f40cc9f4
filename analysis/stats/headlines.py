"""The headline figures of the rates report (their sentences: `analysis.reporting.rates_text`).

Headlines come from the complete-coverage period (from August 2024: before it the record misses
days), with the whole-record figure beside. For missiles the share destroyed comes first; the
share "destroyed or failed to reach" (which counts missiles that failed or were diverted, not
only interceptions) follows, labelled as such. For drones the headline is the share shot down or
jammed: the share shot down alone changed meaning twice and is not comparable over the period.
Every figure carries its 95% interval over waves, its period and the record's last date.
"""

from __future__ import annotations

import pandas as pd

from analysis.numbers import percent, percent_text
from analysis.record.conventions import COMPLETE_COVERAGE_FROM
from analysis.record.facts import RecordFacts, format_date
from analysis.stats.rates import select_rows, usable_counts, wave_interval, with_wave_ids

COMPLETE_FROM = COMPLETE_COVERAGE_FROM
COUNTING = {("drone", "neutralised"): "shot down or jammed",
            ("drone", "destroyed"): "shot down",
            "destroyed": "destroyed", "neutralised": "destroyed or failed to reach"}
CLASS_WORDS = {"drone": "drones", "cruise": "cruise missiles", "ballistic": "ballistic missiles"}
HEADLINE_COLUMNS = ["class", "counting", "convention", "period", "start", "end", "launched", "counted",
                    "rate", "low", "high", "waves", "note"]


def counting_words(weapon_class: str, convention: str) -> str:
    return COUNTING.get((weapon_class, convention), COUNTING[convention])


def pooled_share(record: pd.DataFrame, weapon_class: str, convention: str,
                 start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
                 command: str = "national") -> dict:
    """One class's pooled share over a period with its 95% interval over waves."""
    rows = usable_counts(select_rows(with_wave_ids(record), command, start, end), convention)
    rows = rows[rows["weapon_class"] == weapon_class]
    per_wave = rows.groupby(rows["wave_id"].astype(str))[["_k", "_n"]].sum()
    k, n = per_wave["_k"].to_numpy(), per_wave["_n"].to_numpy()
    low, high, note = wave_interval(k, n)
    return {"launched": float(n.sum()), "counted": float(k.sum()),
            "rate": k.sum() / n.sum() if n.sum() else float("nan"), "low": low, "high": high,
            "waves": int(len(n)), "note": note}


def class_headlines(record: pd.DataFrame, classes: tuple[str, ...] = ("drone", "cruise", "ballistic"),
                    complete_from: pd.Timestamp = COMPLETE_FROM, end: pd.Timestamp | None = None,
                    command: str = "national") -> pd.DataFrame:
    """Per class and counting: the complete-coverage figure, then the whole record's.

    Drones: shot down or jammed only. Missiles: destroyed, then destroyed or failed to reach."""
    dates = pd.to_datetime(record["report_date"])
    last = min(dates.max(), pd.Timestamp(end)) if end is not None else dates.max()
    rows = []
    for weapon_class in classes:
        conventions = ("neutralised",) if weapon_class == "drone" else ("destroyed", "neutralised")
        for convention in conventions:
            for period, start in (("complete", max(complete_from, dates.min())), ("whole record", dates.min())):
                figure = pooled_share(record, weapon_class, convention, start, last, command)
                rows.append({"class": weapon_class, "counting": counting_words(weapon_class, convention),
                             "convention": convention, "period": period, "start": start.normalize(),
                             "end": last.normalize(), **figure})
    return pd.DataFrame(rows, columns=HEADLINE_COLUMNS)


def pct(value: float) -> str:
    """A share as running text quotes it: to the whole percent ("under 1%" for a few of many)."""
    return percent_text(value)


def span(low: float, high: float) -> str:
    """"87% to 89%"."""
    return f"{percent(low)} to {percent(high)}"


def day(date: pd.Timestamp) -> str:
    """"7 June 2026"."""
    return format_date(date)


def ratio_words(higher: float, lower: float) -> str:
    """"about three times", "an order of magnitude" only when it is one (ten times or more)."""
    if lower <= 0:
        return "far"
    ratio = higher / lower
    if ratio >= 10:
        return "an order of magnitude"
    return f"about {ratio:.0f} times" if ratio >= 1.5 else "slightly"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def with_record_launches(table: pd.DataFrame, facts: RecordFacts, whole_record: bool = True) -> pd.DataFrame:
    """`class_headlines` with `launched_all`: for each whole-record row, every national launch of
    its class in the record (`record_facts`), beside the launches whose outcome the post gives (the
    share's denominator). Empty where the selection is not the whole record (`whole_record`)."""
    out = table.copy()
    whole = out["period"] == "whole record"
    out["launched_all"] = [facts.launched.get(c) if w and whole_record else None
                           for c, w in zip(out["class"], whole, strict=True)]
    return out


def outcome_sentence(table: pd.DataFrame, facts: RecordFacts) -> str:
    """Why a share's denominator is below the launches the record lists (01's totals): only launches
    whose outcome the post gives count, and a row reporting more stopped than launched is left out."""
    rows = table[(table["period"] == "whole record") & (table["convention"] == "neutralised")]
    parts = [f"{row['launched']:,.0f} of the {facts.launched[row['class']]:,} "
             f"{CLASS_WORDS.get(row['class'], row['class'])}"
             for _, row in rows.iterrows() if row["class"] in facts.launched]
    if not parts:
        return ""
    gap = any(row["launched"] < facts.launched.get(row["class"], 0) for _, row in rows.iterrows())
    return (f"A share counts the launches whose outcome the post gives{', so its total can be below the launches the record lists' if gap else ''}: "
            f"over the whole record ({facts.period}, national posts), {_and(parts)}. Rows without the "
            "number stopped, and a row reporting more stopped than launched (it cannot be true), are "
            "left out.")
