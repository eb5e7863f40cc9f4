"""The headline figures of the rates report, and the sentences a reader can quote.

Headlines come from the complete-coverage period (from August 2024: before it the record misses
days), with the whole-record figure beside. For missiles the share destroyed comes first; the
share "destroyed or failed to reach" (which counts missiles that failed or were diverted, not
only interceptions) follows, labelled as such. For drones the headline is the share shot down or
jammed: the share shot down alone changed meaning twice and is not comparable over the period.
Every figure carries its 95% interval over waves, its period and the record's last date.
"""

from __future__ import annotations

import pandas as pd

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
    """A share as a reader should quote it: whole percent, one decimal under 10%."""
    return f"{100 * value:.1f}%" if value < 0.1 else f"{100 * value:.0f}%"


def count(value: float) -> str:
    """A count as a reader should quote it: exact below 10,000, else three significant figures."""
    if value < 10_000:
        return f"{value:,.0f}"
    return f"about {float(f'{value:.3g}'):,.0f}"


def day(date: pd.Timestamp) -> str:
    """"7 June 2026"."""
    return format_date(date)


def span(low: float, high: float) -> str:
    return f"{pct(low)} to {pct(high)}"


def interval_words(row: pd.Series) -> str:
    """"95% interval 87% to 89%", with a warning for few waves (or waves in long streaks), or why
    there is none."""
    if pd.isna(row["low"]) or pd.isna(row["high"]):
        return "one attack only, so no interval"
    if not row["note"]:
        few = ""
    elif str(row["note"]).startswith("attacks run in long streaks"):  # `intervals.interval_note`
        few = f"; {row['waves']} attacks that run in long streaks, a rough guide"
    else:
        few = f"; only {row['waves']} attacks, a rough guide"
    return f"95% interval {span(row['low'], row['high'])}{few}"


def headline_sentence(table: pd.DataFrame, weapon_class: str) -> str:
    """"From August 2024, ballistic missiles were destroyed 28% of the time (95% interval ...)"."""
    part = table[table["class"] == weapon_class]
    if part.empty:
        return ""
    complete = part[part["period"] == "complete"]
    whole = part[part["period"] == "whole record"]
    first = complete.iloc[0]
    words = CLASS_WORDS.get(weapon_class, weapon_class)
    if not first["launched"]:
        return f"The record has no {words} from {first['start']:%B %Y}."
    text = (f"From {first['start']:%B %Y}, {words} were {first['counting']} {pct(first['rate'])} of "
            f"the time ({interval_words(first)}; {count(first['counted'])} of "
            f"{count(first['launched']).removeprefix('about ')})")
    if len(complete) > 1:
        second = complete.iloc[1]
        text += (f"; {second['counting']}: {pct(second['rate'])} ({interval_words(second)}), "
                 "a figure that also counts missiles that failed or were diverted")
    if whole.iloc[0]["start"] < first["start"]:
        text += f". Over the whole record since {whole.iloc[0]['start']:%B %Y}: {pct(whole.iloc[0]['rate'])}"
    text += "."
    return text


def ratio_words(higher: float, lower: float) -> str:
    """"about three times", "an order of magnitude" only when it is one (ten times or more)."""
    if lower <= 0:
        return "far"
    ratio = higher / lower
    if ratio >= 10:
        return "an order of magnitude"
    return f"about {ratio:.0f} times" if ratio >= 1.5 else "slightly"


def trend_sentence(trends: pd.DataFrame, convention: str, start: pd.Timestamp) -> str:
    """Which classes' monthly share drifted since `start`, with the drift and its interval."""
    rows = trends[(trends["convention"] == convention) & (trends["direction"] != "not tested")]
    if rows.empty:
        return ""
    moving = rows[rows["direction"].isin(["rising", "falling"])]
    flat = rows[rows["direction"] == "no clear trend"]
    parts = []
    for _, row in moving.iterrows():
        low, high = row["points_low"], row["points_high"]
        # an end within a point of zero is shown to a decimal and said: the drift is barely told from none
        near_zero = min(abs(low), abs(high)) < 1.0
        parts.append(f"for {CLASS_WORDS.get(row['class'], row['class'])} it "
                     f"{'may have been' if near_zero else 'was'} {row['direction']} by "
                     f"about {abs(row['points_per_year']):.0f} points a year (95% interval "
                     f"{_points(low)} to {_points(high)}"
                     f"{', barely clear of no change' if near_zero else ''})")
    if len(flat):
        names = [CLASS_WORDS.get(k, k) for k in flat["class"]]
        parts.insert(0, "no clear trend for " + _and(names))
    share = "destroyed (shot down only, jammed drones not counted)" if convention == "destroyed" else "stopped"
    return f"Since {start:%B %Y} the monthly share {share} shows " + "; ".join(parts) + "."


def _points(value: float) -> str:
    return f"{value:+.1f}" if abs(value) < 1.0 else f"{value:+.0f}"


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
