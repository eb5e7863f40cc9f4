"""The sentences about weapon families, S-300/S-400 fired at the ground and what got through
(reports 01, 02 and 08). The figures come from `analysis.stats.families`; this module words them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.record.conventions import CONVENTIONS
from analysis.reporting.sanitize import markdown_text
from analysis.reporting.words import (
    TOO_FEW,
    change_in_points,
    percent,
    percent_text,
    spans_everything,
)
from analysis.stats.pooling import MIN_LAUNCHED


def share_words(row: pd.Series | dict, after: str = "") -> str:
    """'28% (95% interval 23% to 34%)', or '28%' without bounds; `after` goes between the share and
    its interval ('28% of the time (95% interval ...)')."""
    if not np.isfinite(row["rate"]):
        return "not known"
    text = percent_text(row["rate"]) + (f" {after}" if after else "")
    if np.isfinite(row["low"]) and np.isfinite(row["high"]):
        interval = _interval(row["low"], row["high"])
        return f"{text} ({interval if interval == TOO_FEW else '95% interval ' + interval})"
    return text


def sam_sentence(readings: pd.DataFrame, since: str) -> str:
    """Why S-300/S-400 fired at ground targets are counted apart from ballistic missiles, and the
    ballistic share destroyed both ways (`families.sam_readings`); '' when the period has none.

    `since` names the period ("from August 2024")."""
    launched, destroyed = readings.attrs.get("sam_launched", 0), readings.attrs.get("sam_counted", 0)
    if not launched:
        return ""
    rows = readings.loc[readings["convention"] == "destroyed"]
    apart, pooled = rows.iloc[0], rows.iloc[1]
    shot = "none" if destroyed == 0 else f"{destroyed:,}"
    text = (f"S-300 and S-400 surface-to-air missiles fired at ground targets ({launched:,} launched "
            f"{since}, {shot} destroyed) are counted apart from ballistic missiles, since the defense "
            "does not engage them on such short flights. Pooled with them, as the record's catalogue "
            f"and many tallies do, ballistic missiles were destroyed {share_words(pooled, 'of the time')} "
            f"instead of {share_words(apart)}.")
    if len(rows) > 2 and rows.iloc[2]["launched"] < apart["launched"]:
        text += (" Labels that count S-300/S-400 with Iskander-M in one number stay with ballistic "
                 "missiles, as rows of their own; without them and the other combined labels, "
                 f"{share_words(rows.iloc[2])}.")
    return text


def sam_period_sentence(readings: pd.DataFrame, period: str) -> str:
    """S-300/S-400 fired at ground targets in a period, in counts (`families.sam_readings` of the
    period), and that the ballistic shares leave them out; '' when the period has none."""
    launched, destroyed = readings.attrs.get("sam_launched", 0), readings.attrs.get("sam_counted", 0)
    if not launched:
        return ""
    shot = "none" if destroyed == 0 else f"{destroyed:,}"
    return (f"In {period}, {launched:,} S-300/S-400 surface-to-air missiles were fired at ground "
            f"targets ({shot} destroyed): counted among the missiles launched and what got through, "
            "but apart from the ballistic missiles, whose shares leave them out.")


# --------------------------------------------------------------------------- families

#: The families a reader asks for first, in the order the answers give them.
READER_FAMILIES: tuple[str, ...] = ("Kinzhal", "Iskander-M/KN-23", "Kh-101", "Kalibr", "Shahed-type")
FAMILY_WORDS = {"Shahed-type": "Shahed-type drones (decoys included)", "Kh-101": "Kh-101 missiles",
                "Kalibr": "Kalibr missiles", "Kinzhal": "Kinzhal missiles",
                "Iskander-M/KN-23": "Iskander-M/KN-23 missiles"}
COUNTED_WORDS = {"neutralised": "stopped", "destroyed": "destroyed"}


def _interval(low: float, high: float) -> str:
    if spans_everything(low, high):  # over about every share: it tells nothing
        return TOO_FEW
    return f"{percent(low)} to {percent(high)}" if np.isfinite(low) and np.isfinite(high) else "none"


def family_sentence(table: pd.DataFrame, since: str,
                    families: tuple[str, ...] = READER_FAMILIES) -> str:
    """The share of each family a reader asks for first, raw with its interval over attacks and,
    where pooling moved it by half a point or more, pooled with its class
    (`families.family_table`; under `destroyed`, the latest counting period); counts only for a
    family of fewer than `pooling.MIN_LAUNCHED` launches; '' if none is there.

    `since` names the period ("From August 2024")."""
    convention = table.attrs.get("convention", "neutralised")
    if "convention" in table.columns:  # drones under `destroyed`: the latest counting period
        order = {name: i for i, name in enumerate(("throughout", *CONVENTIONS))}
        rank = table["convention"].map(order)
        table = table.loc[rank == rank.groupby(table["family"]).transform("max")]
    counted = COUNTED_WORDS.get(convention, "stopped")
    parts = []
    for family in families:
        rows = table.loc[table["family"] == family]
        if rows.empty:
            continue
        row = rows.iloc[-1]
        if row["launched"] < MIN_LAUNCHED:  # too few for a share: counts only
            parts.append(f"{FAMILY_WORDS.get(family, family)} {row[convention]:,.0f} of "
                         f"{row['launched']:,.0f} (too few for a share)")
            continue
        interval = _interval(row["od_low"], row["od_high"])
        text = (f"{FAMILY_WORDS.get(family, family)} {percent_text(row['rate'])} "
                f"({interval if interval == TOO_FEW else '95% interval ' + interval}; "
                f"{row[convention]:,.0f} of {row['launched']:,.0f})")
        if np.isfinite(row["pooled"]) and abs(row["moved_pp"]) >= 0.5:
            text += (f", {percent_text(row['pooled'])} pooled with its class "
                     f"({_interval(row['pooled_low'], row['pooled_high'])})")
        parts.append(text)
    if not parts:
        return ""
    return f"{since}, the share {counted} by family: " + "; ".join(parts) + "."


def combined_sentence(table: pd.DataFrame, since: str, classes: tuple[str, ...] = ("cruise", "ballistic")) -> str:
    """How much of each class sits in combined labels (several families counted in one number)."""
    shares = table.attrs.get("combined_share", {})
    parts = []
    for weapon_class in classes:
        share = next((v for k, v in shares.items() if k.split(" ")[0] == weapon_class), 0.0)
        if share > 0:
            parts.append(f"{percent_text(share)} of the {CLASS_NAMES.get(weapon_class, weapon_class)}")
    if not parts:
        return ""
    return (f"{since}, {' and '.join(parts)} launched were reported under combined labels (several "
            "families counted in one number, which cannot be split): they are rows of their own, "
            "never added to a family.")


CLASS_NAMES = {"drone": "drones", "cruise": "cruise missiles", "ballistic": "ballistic missiles",
               "sam": "S-300/S-400", "mixed": "mixed missiles", "other": "other weapons"}


def family_trend_sentence(trends: pd.DataFrame, since: str) -> str:
    """The trend of each family apart (`families.family_trends`), in one sentence."""
    parts = []
    for row in trends.to_dict("records"):
        if row["direction"] == "not tested":
            parts.append(f"{row['class']} cannot be tested ({row['note']})")
            continue
        parts.append(f"{row['class']}: {row['direction']}, "
                     + change_in_points(row["points_per_year"], row["points_low"], row["points_high"], per=" a year"))
    if not parts:
        return ""
    return f"{since}, the monthly share stopped by family: " + "; ".join(parts) + "."


def label_change_sentence(changes: pd.DataFrame, window: int = 6) -> str:
    """Changes of labels within a class (`families.label_changes`) and whether the class's share
    changed with them; '' when none."""
    sentences = []
    for row in changes.to_dict("records"):
        when = f"{row['month']:%B %Y}"
        share = percent_text(row["share_of_class"])
        words = CLASS_NAMES.get(row["class"], row["class"])
        label = markdown_text(row["family"])  # a model name the table lacks is a family as written
        if row["change"] == "arrives":
            text = (f"From {when}, {share} of the {words} launched in the next {window} months were "
                    f"reported under the label '{label}'")
        else:
            text = (f"The label '{label}' ({share} of the {words} launched in the {window} "
                    f"months before) was last used before {when}")
        change = change_in_points(row["change_pp"], row["change_low_pp"], row["change_high_pp"])
        if row["coincides"]:
            text += (f"; the class's share stopped changed with it, from {percent_text(row['rate_before'])} to "
                     f"{percent_text(row['rate_after'])} ({change}), so a change of labels, not only of the "
                     "defense, may be behind it")
        else:
            text += (f"; the class's share stopped did not clearly change with it "
                     f"({percent_text(row['rate_before'])} before, {percent_text(row['rate_after'])} after; {change})")
        if np.isfinite(row["rate_before_others"]) and np.isfinite(row["rate_after_others"]):
            text += (f", while the rows under the other labels went from "
                     f"{percent_text(row['rate_before_others'])} to {percent_text(row['rate_after_others'])} "
                     f"({change_in_points(row['change_others_pp'], row['change_others_low_pp'], row['change_others_high_pp'])}):"
                     " a family's share across the change compares different salvos")
        sentences.append(text + ".")
    return " ".join(sentences)


# --------------------------------------------------------------------------- by the clock


def clock_sentence(spans: pd.DataFrame, largest_post: int | None = None,
                   largest_post_date: pd.Timestamp | None = None, where: str = "") -> str:
    """The largest total within 24 hours (`waves.within_hours`), beside the largest single post."""
    if spans.empty:
        return ""
    top = spans.iloc[0]
    first, last = pd.Timestamp(top["start"]), pd.Timestamp(top["end"])
    posts = {1: "one post", 2: "two posts", 3: "three posts"}.get(int(top["attacks"]), f"{top['attacks']} posts")
    text = (f"By the clock, the largest total{where} within 24 hours was {top['total_launched']:,} "
            f"drones and missiles ({top['drone_launched']:,} drones), in {posts} from "
            f"{first:%H:%M} on {first.day} {first:%B} to {last:%H:%M} on {last.day} {last:%B %Y}")
    if largest_post is not None and top["attacks"] > 1:
        text += f"; the largest single post counted {largest_post:,}"
        if largest_post_date is not None:
            text += f" ({pd.Timestamp(largest_post_date).day} {pd.Timestamp(largest_post_date):%B %Y})"
    return text + "."


#: The rule behind every total by the clock, in the words the reports use.
CLOCK_RULE = ("Posts whose windows fit in one span of 24 hours, overlapping or following each other "
              "(a day post and the night post after it), are added up; the largest spans are taken "
              "first and each post counts in one span only, so no launch is counted twice.")
