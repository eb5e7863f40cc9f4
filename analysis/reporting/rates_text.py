"""The sentences of report 02 (how often each weapon is stopped): the headline shares with their
period and interval, what the drone share counts, whether bigger attacks get through more, and the
monthly drift, in a reader's words. The figures come from `analysis.stats` (headlines, saturation,
trend); this module only words them, with the number rules of `analysis.numbers`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.numbers import TOO_FEW, count, percent, percent_text, signed, spans_everything
from analysis.reporting.words import listed
from analysis.stats.headlines import CLASS_WORDS

#: What the drone share counts, said where the share is first given (a reader would otherwise
#: print "88% of Shaheds").
DRONE_SHARE_COUNTS = ("It counts the decoys, which the Air Force lists among the drones, and the drones lost "
                      "to jamming (electronic warfare) as well as those shot down: it is not the share of "
                      "real Shaheds shot down.")


def intervals_sentence(level: str = "95%", what: str = "Shares") -> str:
    """What every interval of a record report is and allows for, in one line for its first screen."""
    return (f"{what} come with {level} intervals, which allow for chance and for good and bad nights "
            "coming in streaks.")


def interval_words(row: pd.Series | dict) -> str:
    """"95% interval 87% to 89%", with a warning for few attacks (or attacks in long streaks),
    "too few attacks to tell" for an interval over about every share, or why there is none."""
    if pd.isna(row["low"]) or pd.isna(row["high"]):
        return "one attack only, so no interval"
    if spans_everything(row["low"], row["high"]):
        return TOO_FEW
    if not row["note"]:
        few = ""
    elif str(row["note"]).startswith("attacks run in long streaks"):  # `intervals.interval_note`
        few = f"; {row['waves']:,} attacks that run in long streaks, a rough guide"
    else:
        few = f"; only {row['waves']:,} attacks, a rough guide"
    return f"95% interval {percent(row['low'])} to {percent(row['high'])}{few}"


def headline_sentence(table: pd.DataFrame, weapon_class: str) -> str:
    """"From August 2024, ballistic missiles were destroyed 28% of the time (95% interval 22% to
    36%; 309 of 1,095) ...", the whole record beside with its interval; for drones, what the share
    counts (decoys and jamming). `table`: `headlines.class_headlines`."""
    part = table[table["class"] == weapon_class]
    if part.empty:
        return ""
    complete = part[part["period"] == "complete"]
    whole = part[part["period"] == "whole record"]
    first = complete.iloc[0]
    words = CLASS_WORDS.get(weapon_class, weapon_class)
    if not first["launched"]:
        return f"The record has no {words} from {first['start']:%B %Y}."
    counting = "shot down or lost to jamming" if weapon_class == "drone" else first["counting"]
    text = (f"From {first['start']:%B %Y}, {words}{' (decoys included)' if weapon_class == 'drone' else ''} "
            f"were {counting} {percent_text(first['rate'])} of the time ({interval_words(first)}; "
            f"{count(first['counted'])} of {count(first['launched'])})")
    if len(complete) > 1:
        second = complete.iloc[1]
        text += (f"; {second['counting']}: {percent_text(second['rate'])} ({interval_words(second)}), "
                 "a figure that also counts missiles that failed or were diverted")
    text += "."
    if weapon_class == "drone":
        text += " " + DRONE_SHARE_COUNTS
    if len(whole) and whole.iloc[0]["start"] < first["start"]:
        row = whole.iloc[0]
        text += (f" Over the whole record since {row['start']:%B %Y}, when not every day was recorded: "
                 f"{percent_text(row['rate'])} ({interval_words(row)}).")
    return text


def _points(value: float) -> str:
    return signed(value, 1) if abs(value) < 1.0 else signed(value)


def trend_sentence(trends: pd.DataFrame, convention: str, start: pd.Timestamp) -> str:
    """Which classes' monthly share drifted since `start`, with the drift and its interval; an end
    within a point of zero is shown to a decimal and said: the drift is barely told from none."""
    rows = trends[(trends["convention"] == convention) & (trends["direction"] != "not tested")]
    if rows.empty:
        return ""
    moving = rows[rows["direction"].isin(["rising", "falling"])]
    flat = rows[rows["direction"] == "no clear trend"]
    parts = []
    for _, row in moving.iterrows():
        low, high = row["points_low"], row["points_high"]
        near_zero = min(abs(low), abs(high)) < 1.0
        parts.append(f"for {CLASS_WORDS.get(row['class'], row['class'])} it "
                     f"{'may have been' if near_zero else 'was'} {row['direction']} by "
                     f"about {abs(row['points_per_year']):.0f} points a year (95% interval "
                     f"{_points(low)} to {_points(high)}"
                     f"{', barely clear of no change' if near_zero else ''})")
    if len(flat):
        parts.insert(0, "no clear trend for " + listed([CLASS_WORDS.get(k, k) for k in flat["class"]]))
    share = "destroyed (shot down only, jammed drones not counted)" if convention == "destroyed" else "stopped"
    return f"Since {start:%B %Y} the monthly share {share} shows " + "; ".join(parts) + "."


SATURATION_WORDS = {"rises": "rose", "falls": "fell", "unclear": "did not clearly change"}


def _quarters(row: pd.Series) -> str:
    return f"{percent(row['share_smallest'])} in the smallest quarter of attacks, {percent(row['share_largest'])} in the largest"


def saturation_sentence(defense: pd.DataFrame) -> str:
    """Do bigger attacks get through more? For a first screen: per class, how its headline share
    (drones shot down, missiles destroyed) and, for drones, the share lost to jamming or decoys
    moved with the attack's size, as shares of the smallest and the largest quarter of attacks with
    their period (`saturation.defense_table`); odds ratios stay in the section and the appendix."""
    rows = defense[defense["odds_ratio"].notna() & np.isfinite(defense["share_smallest"].astype(float))]
    if rows.empty:
        return ""
    parts = []
    for weapon_class in dict.fromkeys(rows["class"]):
        part = rows[rows["class"] == weapon_class]
        head = part[part["headline"]]
        first = head.iloc[0] if len(head) else part.iloc[0]
        when = f"{first['start']:%B %Y} to {first['end']:%B %Y}"
        text = (f"the share of {CLASS_WORDS.get(weapon_class, weapon_class)} {first['counting']} "
                f"{SATURATION_WORDS.get(first['answer'], 'did not clearly change')} "
                f"({_quarters(first)}; {when})")
        jammed = part[part["counting"].str.contains("jamming")]
        if weapon_class == "drone" and len(jammed):
            other = jammed.iloc[0]
            text += (f", while the share lost to jamming or decoys "
                     f"{SATURATION_WORDS.get(other['answer'], 'did not clearly change')} ({_quarters(other)})")
        parts.append(text)
    return ("In bigger attacks, " + "; ".join(parts) + ": an association in the record's own counts, not a "
            "controlled comparison (see below).")
