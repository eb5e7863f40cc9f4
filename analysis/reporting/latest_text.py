"""The sentences of report 08 (the latest month) and of 01's recent months: counts with their
attacks, the latest month's own shares, changes worded as changes against named periods, what got
through and where, and the decoys. The figures come from `analysis.stats.latest`; this module only
words them, with the number rules of `analysis.numbers` (shares to whole percents, changes in whole
points unless their interval is narrower than two, counts whole, no "-0").
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from analysis.numbers import (
    TOO_FEW,
    change_in_points,
    count,
    percent,
    percent_text,
    spans_everything,
)
from analysis.record.conventions import COMPLETE_COVERAGE_FROM
from analysis.record.facts import format_month, rounded
from analysis.reporting.words import listed
from analysis.stats.headlines import CLASS_WORDS, counting_words
from analysis.stats.intervals import MIN_WAVES_FOR_COVERAGE
from analysis.stats.latest import MIN_NAMED, MISSILE_CLASSES, Period, launches

FEW_ATTACKS = MIN_WAVES_FOR_COVERAGE  # under this many attacks an interval is a rough guide


def stopped_words(weapon_class: str) -> str:
    """'shot down or jammed' (drones), 'destroyed or failed to reach' (missiles)."""
    return counting_words(weapon_class, "neutralised")


def share_words(share: float, low: float = float("nan"), high: float = float("nan"), attacks: int | None = None,
                level: str = "95% interval ", what: str = "") -> str:
    """'92% (95% interval 87% to 95%)'; '85% (too few attacks to tell)' for an interval over about
    every share; with fewer than 30 `attacks`, '(... ; only 6 attacks with cruise missiles, a rough
    guide)' (`what` names the weapons); '88%' without bounds; 'not known' when missing. `level` ''
    drops the words before the bounds (a second interval in one sentence)."""
    if not np.isfinite(share):
        return "not known"
    return f"{percent_text(share)}{interval_words(low, high, attacks, level, what)}"


def interval_words(low: float, high: float, attacks: int | None = None, level: str = "95% interval ",
                   what: str = "") -> str:
    """' (95% interval 87% to 95%)', ' (too few attacks to tell)', ' (58% to 91%; only 6 attacks
    with cruise missiles, a rough guide)', or '' without bounds: what `share_words` puts after a
    share, for a sentence that puts words between them."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return ""
    if spans_everything(low, high):
        return f" ({TOO_FEW})"
    few = (f"; only {attacks:,} attacks{' with ' + what if what else ''}, a rough guide"
           if attacks is not None and attacks < FEW_ATTACKS else "")
    return f" ({level}{percent(low)} to {percent(high)}{few})"


def attacks_in(by_month: pd.DataFrame, period: Period) -> int | None:
    """The national attacks of `period` (`latest.got_through_by_month`'s `waves`), None where the
    table does not reach back to it."""
    months = by_month.loc[(by_month.index >= period.start) & (by_month.index <= period.end)]
    if months.empty or months.index.min() > period.start:
        return None
    return int(months["waves"].sum())


def month_sentence(record: pd.DataFrame, month: Period, others: list[Period], by_month: pd.DataFrame) -> str:
    """Drones and missiles launched in `month` and the attacks they came in, against `others`:
    exact counts of whole months, called lower bounds before complete coverage; a period before the
    record is said to be so. `by_month`: `latest.got_through_by_month` (the attacks of each month)."""
    first = pd.Timestamp(record["report_date"].min())

    def counts(period: Period) -> tuple[str, str]:
        launched = launches(record, period)
        attacks = attacks_in(by_month, period)
        return (f"{int(launched['drone']):,}", f"{int(launched[list(MISSILE_CLASSES)].sum()):,}"), attacks

    (drones, missiles), attacks = counts(month)
    text = (f"In {month.name} the Air Force's national posts list {drones} drones and {missiles} missiles "
            f"launched at Ukraine" + (f", in {attacks:,} attacks" if attacks is not None else ""))
    then = []
    for period in others:
        if period.end < first:
            then.append(f"{period.name}: before the record")
            continue
        (drones, missiles), attacks = counts(period)
        then.append(f"{period.name}: {drones} and {missiles}" + (f" in {attacks:,}" if attacks is not None else ""))
    text += f" ({'; '.join(then)})." if then else "."
    if month.start < COMPLETE_COVERAGE_FROM:
        text += (f" Before {format_month(COMPLETE_COVERAGE_FROM)} the record does not cover every "
                 "day, so counts of those months are lower bounds.")
    return text


def _classes_with_a_share(table: pd.DataFrame, classes: tuple[str, ...]) -> Iterator[tuple[str, pd.DataFrame]]:
    """(class, its rows) for each class of `classes` whose first row has a share, in that order."""
    for weapon_class in classes:
        rows = table.loc[table["class"] == weapon_class]
        if not rows.empty and np.isfinite(rows.iloc[0]["rate"]):
            yield weapon_class, rows


def month_shares_sentence(table: pd.DataFrame, classes: tuple[str, ...] = ("drone", "cruise", "ballistic")) -> str:
    """The latest month's own share stopped, class by class, with its interval (`compare_periods`
    of the month: one row per class is read): "In May 2026, 92% of the drones (decoys included)
    were shot down or jammed (95% interval 87% to 95%); 79% of the cruise missiles were destroyed
    or failed to reach (58% to 91%; ...) and 30% of the ballistic missiles (...)"."""
    parts, verb = [], ""
    for weapon_class, rows in _classes_with_a_share(table, classes):
        row = rows.iloc[0]
        what = CLASS_WORDS.get(weapon_class, weapon_class)
        said = f"were {stopped_words(weapon_class)}"
        interval = interval_words(row["low"], row["high"], int(row["waves"]), "" if parts else "95% interval ", what)
        parts.append(f"{percent_text(row['rate'])} of the {what}{' (decoys included)' if weapon_class == 'drone' else ''}"
                     f"{'' if said == verb else ' ' + said}{interval}")
        verb = said
    if not parts:
        return ""
    return f"In {table['period'].iloc[0]}, " + listed(parts, separator="; ") + "."


def _change(row: pd.Series, level: str = "95%") -> str:
    """'up from 84% in December 2025–February 2026 (+7 points, 95% interval +2 to +11)'; 'against
    March–May 2025 (86%): +4 points (-2 to +13), no clear change' (`level` "": no level named)."""
    if not np.isfinite(row["change_pp"]):
        return f"no figure for {row['compared_with']} to compare with"
    then = percent_text(row["rate_before"])
    change = change_in_points(row["change_pp"], row["change_low_pp"], row["change_high_pp"], level)
    if row["direction"] in {"up", "down"}:
        change = change.replace(" (", ", ", 1)[:-1] if change.endswith(")") else change
        return f"{row['direction']} from {then} in {row['compared_with']} ({change})"
    return f"against {row['compared_with']} ({then}): {change}, no clear change"


def period_changes_sentence(table: pd.DataFrame, attacks: int | None = None,
                            classes: tuple[str, ...] = ("drone", "cruise", "ballistic")) -> str:
    """The last months' share stopped, class by class, with its change against each period it is
    compared with (`compare_periods` against the months before and the same months a year
    earlier), each change worded as one: "against March–May 2025 (86%): +4 points (95% interval -2
    to +13), no clear change". `attacks`: the period's attacks, said once."""
    if table.empty:
        return ""
    period = table["period"].iloc[0]
    sentences = []
    for weapon_class, rows in _classes_with_a_share(table, classes):
        first = rows.iloc[0]
        what = CLASS_WORDS.get(weapon_class, weapon_class)
        interval = interval_words(first["low"], first["high"], int(first["waves"]),
                                  "" if sentences else "95% interval ", what)
        changes = "; ".join(_change(row, "95%" if not sentences and i == 0 else "")
                            for i, (_, row) in enumerate(rows.iterrows()))
        subject = what if sentences else f"Over {period}" + (f" ({attacks:,} attacks)" if attacks else "") + f", {what}"
        sentences.append(f"{subject.capitalize() if sentences else subject}"
                         f"{' (decoys included)' if weapon_class == 'drone' else ''} were {stopped_words(weapon_class)} "
                         f"{percent_text(first['rate'])} of the time{interval}, {changes}.")
    return " ".join(sentences)


def level_sentence(monthly: pd.DataFrame, current: Period, before: Period | None) -> str:
    """Drones and missiles launched a month in `current`, against `before` (monthly counts of
    `analysis.record.overview.monthly_launches`), to two figures: averages of counts, so a range
    over the months rather than an interval."""

    def per_month(period: Period, classes: tuple[str, ...]) -> pd.Series:
        months = monthly.loc[(monthly.index >= period.start) & (monthly.index <= period.end)]
        return months[[c for c in classes if c in months.columns]].sum(axis=1)

    drones, missiles = per_month(current, ("drone",)), per_month(current, MISSILE_CLASSES)
    if drones.empty:
        return ""
    text = (f"In {current.name}, about {rounded(drones.mean()):,} drones a month were launched "
            f"(from {count(drones.min())} to {count(drones.max())} in a month) and about "
            f"{rounded(missiles.mean()):,} missiles a month")
    if before is not None and not per_month(before, ("drone",)).empty:
        earlier_drones = per_month(before, ("drone",)).mean()
        earlier_missiles = per_month(before, MISSILE_CLASSES).mean()
        text += (f", against about {rounded(earlier_drones):,} drones and "
                 f"{rounded(earlier_missiles):,} missiles a month in {before.name}")
    return text + "."


def decoys_sentence(result: dict, period: Period) -> str:
    """The decoy share and the share stopped with and without decoys (`latest.decoys`), in words;
    where no post of the period gives the number of real Shaheds, that the record cannot tell."""
    if not result["launched"]:
        return (f"No post of {period.name} gives the number of real Shaheds among the Shahed-type "
                "drones, so the record cannot tell how many were decoys or how many real ones were "
                "stopped.")
    share = share_words(result["decoy_share"], result["decoy_low"], result["decoy_high"])
    if result.get("rounding", 0) >= 0.005 and not spans_everything(result["decoy_low"], result["decoy_high"]):
        # the posts' round tens move the share by half a point or more: say so, and say "about"
        share = (f"about {percent_text(result['decoy_share'])} (95% interval {percent(result['decoy_low'])} to "
                 f"{percent(result['decoy_high'])}, widened because the posts give the real count in round tens)")
    text = (f"Where the posts give it ({percent(result['coverage'])} of the Shahed-type launches of "
            f"{period.name}), {share} of the Shahed-type drones were decoys. With the decoys, "
            f"{share_words(result['stopped_share'], result['stopped_low'], result['stopped_high'])} "
            "were shot down or jammed")
    if np.isfinite(result["real_stopped_low"]):
        text += (f"; of the real Shaheds, between {percent(result['real_stopped_low'])} (if every "
                 f"decoy was among them) and {percent(result['real_stopped_high'])} (if none was), "
                 f"{percent(result['stopped_share'])} if decoys were stopped as often as real ones: "
                 "the record does not say which")
    return text + "."


def got_through_sentence(by_month: pd.DataFrame, large: pd.DataFrame, period: Period, min_size: int) -> str:
    """Drones and missiles not reported stopped a month in `period`, and per large attack.

    `by_month` is `latest.got_through_by_month`, `large` is `latest.large_attacks` (a row for
    `period`)."""
    months = by_month.loc[(by_month.index >= period.start) & (by_month.index <= period.end)]
    if months.empty:
        return ""
    drones = months["drone_not_stopped"].astype(float).mean()
    missiles = months["missile_not_stopped"].astype(float).mean()
    text = (f"In {period.name}, about {rounded(drones):,} drones and {rounded(missiles):,} missiles "
            "a month were not reported shot down, jammed or stopped")
    row = large.loc[period.name] if period.name in large.index else None
    if row is not None and row["attacks"]:
        interval = (f" (95% interval {count(row['low'])} to {count(row['high'])})"
                    if np.isfinite(row["low"]) else "")
        text += (f"; the {int(row['attacks']):,} attacks of {min_size:,} or more drones and missiles "
                 f"let through {count(row['mean'])} each on average{interval}")
    return text + "."


def where_sentence(by_month: pd.DataFrame, period: Period) -> str:
    """Places hit and where debris fell in `period`, with the share of attacks that report them,
    and the jet-powered Shaheds the posts count (`latest.damage_by_month`); '' before the record
    gives either."""
    months = by_month.loc[(by_month.index >= period.start) & (by_month.index <= period.end)]
    if months.empty:
        return ""
    attacks = int(months["attacks"].sum())
    parts = []
    for name, words in (("places_hit", "places hit"), ("debris_places", "places where debris fell")):
        total = months[name].sum(min_count=1)
        covered = float((months[f"{name}_coverage"] * months["attacks"]).sum() / attacks) if attacks else 0.0
        if pd.notna(total) and covered > 0:
            parts.append(f"{int(total):,} {words} (given by {percent(covered)} of the {attacks:,} attacks)")
    if not parts:
        return ""
    text = f"In {period.name}, the posts name " + " and ".join(parts)
    jets = months["jets_launched"].sum(min_count=1)
    if pd.notna(jets):
        destroyed = months["jets_destroyed"].sum(min_count=1)
        text += (f"; they count {int(jets):,} jet-powered Shaheds"
                 + (f", {int(destroyed):,} of them destroyed" if pd.notna(destroyed) else "")
                 + ", in the few posts that count them apart")
    else:
        text += "; no post of the period counts jet-powered Shaheds apart"
    return text + "."


def regions_sentence(table: pd.DataFrame, role: str, period: Period, top: int = 3,
                     min_named: int = MIN_NAMED) -> str:
    """Which regions the posts name as `role` ("hit", "targeted") in `period`, and how many attacks
    name any (`latest.places_change`): the most named only where at least `min_named` attacks name
    one; fewer, and the sentence says the record cannot tell which regions led."""
    named, total = int(table.attrs.get("named", 0)), int(table.attrs.get("waves_total", 0))
    if not total:
        return ""
    if named < min_named:
        who = ("None" if named == 0 else f"Only {named:,}") + f" of the {total:,} attacks of {period.name}"
        return (f"{who} {'name' if named > 1 else 'names'} the regions {role}: too few to "
                f"tell which regions were {role} most.")
    most = [f"{row['place']} ({int(row['waves']):,})" for _, row in table.head(top).iterrows()]
    return (f"{named:,} of the {total:,} attacks of {period.name} name the regions {role}; named most often: "
            f"{listed(most)}.")
