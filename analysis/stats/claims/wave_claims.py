"""Claims about one wave: the national wave near the claimed night whose figures match best."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from analysis.record.facts import format_date
from analysis.stats.claims.common import (
    CANNOT_CHECK,
    CONTEXT_QUANTITIES,
    DOES_NOT_HOLD,
    HOLDS,
    PARTLY,
    SHORT_UNITS,
    ClaimResult,
    fmt,
    label,
    national_waves,
    number,
    report_dates,
    wave_quantity,
)
from analysis.stats.claims.schema import WaveClaim

# Matching a wave claim: the score is the mean relative distance of the claimed figures plus this
# much per day between the claimed and the reported date. A day off weighs as much as a figure 5%
# off, so a near-exact figure a week away (weekly waves of similar size are common) does not beat
# a close figure on the next night when the search window is widened.
DAY_PENALTY = 0.05


def _wave_summary(row: pd.Series, quantities: dict[str, pd.Series], claim_date: dt.date) -> dict:
    report_date = pd.Timestamp(row["report_date"]).date()
    return {
        "wave_id": row.get("wave_id"),
        "start": row.get("start"),
        "end": row.get("end"),
        "report_date": report_date,
        "night": _night_label(row),
        "days_from_claimed_date": (report_date - claim_date).days,
        "source": row.get("source"),
        "figures": {q: number(s.loc[row.name]) for q, s in quantities.items()},
    }


def _night_label(row: pd.Series) -> str:
    start, end = pd.Timestamp(row.get("start")), pd.Timestamp(row.get("end"))
    if pd.isna(start) or pd.isna(end):
        return str(pd.Timestamp(row["report_date"]).date())
    if start.date() == end.date():
        return f"{end.day} {end:%b %Y}"
    return f"night of {start.day}-{end.day} {end:%b %Y}" if start.month == end.month else (
        f"night of {start.day} {start:%b}-{end.day} {end:%b %Y}"
    )


def _figure_distance(record: float | None, claimed: float) -> float:
    """Relative distance of the record from the claim; a missing record figure is as far as can be."""
    if record is None:
        return math.inf
    return abs(record - claimed) / max(abs(claimed), 1.0)


def _within(value: float | None, band: tuple[float, float]) -> bool:
    return value is not None and band[0] - 1e-9 <= value <= band[1] + 1e-9


def check_wave_claim(claim: WaveClaim, source: dict, waves: pd.DataFrame,
                     window_days: int | None = None) -> ClaimResult:
    """Match a claim about one wave to the national wave in the window that fits its figures best."""
    window = claim.window_days if window_days is None else window_days
    national = national_waves(waves)
    low = pd.Timestamp(claim.date - dt.timedelta(days=window))
    high = pd.Timestamp(claim.date + dt.timedelta(days=window))
    in_window = report_dates(national).between(low, high)
    for column in ("start", "end"):
        if column in national.columns:
            day = pd.to_datetime(national[column]).dt.normalize()
            in_window |= day.between(low, high)
    candidates = national[in_window]
    base = {"id": claim.id, "claim": claim.text, "kind": claim.kind, "source": source}
    if candidates.empty:
        return ClaimResult(
            **base, verdict=CANNOT_CHECK,
            reason=f"the record has no national attack within {window} days of {format_date(claim.date)}.",
        )

    names = list(dict.fromkeys(
        [*CONTEXT_QUANTITIES, *(f.quantity for f in claim.figures),
         *(a for f in claim.figures for a in f.alternatives)]
    ))
    quantities = {q: wave_quantity(candidates, q) for q in names}
    scores = []
    for index in candidates.index:
        # Each figure scores by its closest reading (the quantity named, or an alternative the
        # article may have meant): the aim is the wave the article describes; whether it labelled
        # the figure right is judged afterwards.
        distance = float(np.mean([
            min(_figure_distance(number(quantities[q].loc[index]), f.claimed)
                for q in (f.quantity, *f.alternatives))
            for f in claim.figures
        ]))
        days_off = abs((pd.Timestamp(candidates.loc[index, "report_date"]).date() - claim.date).days)
        size = number(quantities["all_launched"].loc[index]) or 0.0
        scores.append((distance + DAY_PENALTY * days_off, days_off, -size, index))
    scores.sort(key=lambda s: (s[0], s[1], s[2]))
    best_index = scores[0][3]
    best = _wave_summary(candidates.loc[best_index], quantities, claim.date)
    best["score"] = scores[0][0]
    runner_up = None
    if len(scores) > 1:
        runner_up = _wave_summary(candidates.loc[scores[1][3]], quantities, claim.date)
        runner_up["score"] = scores[1][0]

    details = []
    parts_hold, parts_checkable, notes = 0, 0, []
    for fig in claim.figures:
        band = fig.tolerance.band(fig.claimed)
        value = best["figures"][fig.quantity]
        holds = _within(value, band)
        alternatives = {a: best["figures"][a] for a in fig.alternatives}
        alt_holds = [a for a, v in alternatives.items() if _within(v, band)]
        details.append({
            "quantity": fig.quantity, "claimed": fig.claimed, "words": fig.words,
            "accepted": list(band), "record": value,
            "difference": None if value is None else value - fig.claimed,
            "holds": holds, "alternatives": alternatives, "alternatives_that_hold": alt_holds,
        })
        words = f"{fig.words} {fmt(fig.claimed)}".strip()
        if value is None:
            notes.append(f"the record has no figure for {label(fig.quantity)} in that attack")
            continue
        parts_checkable += 1
        if holds:
            parts_hold += 1
            notes.append(f"{label(fig.quantity)}: {fmt(value)}, within \"{words}\" "
                         f"(accepted {fmt(band[0])} to {fmt(band[1])})")
        elif alt_holds:
            notes.append(
                f"{label(fig.quantity)}: {fmt(value)}, outside \"{words}\" "
                f"(accepted {fmt(band[0])} to {fmt(band[1])}); but {label(alt_holds[0])}: "
                f"{fmt(alternatives[alt_holds[0]])} matches: the figure is mislabelled, and the "
                f"claim as made (about {label(fig.quantity)}) is wrong"
            )
        else:
            notes.append(f"{label(fig.quantity)}: {fmt(value)}, outside \"{words}\" "
                         f"(accepted {fmt(band[0])} to {fmt(band[1])})")

    # The primary reading of each figure is the quantity it names: a match of an alternative
    # quantity only is reported (mislabelled), never counted as the figure holding.
    on_date = best["days_from_claimed_date"] == 0
    if parts_checkable == 0:
        verdict = CANNOT_CHECK
    elif parts_hold == len(claim.figures) and on_date:
        verdict = HOLDS
    elif parts_hold > 0:
        verdict = PARTLY
    else:
        verdict = DOES_NOT_HOLD

    when = f"best match: the attack reported on {format_date(best['report_date'])} ({best['night']})"
    if not on_date:
        offset = best["days_from_claimed_date"]
        when += (f", {abs(offset)} day{'s' if abs(offset) != 1 else ''} "
                 f"{'before' if offset < 0 else 'after'} the date claimed ({format_date(claim.date)})")
    reason = when + "; " + "; ".join(notes) + "."
    if verdict == PARTLY:
        if parts_hold == len(claim.figures):
            reason += (" Partly holds: the figures are right, but for another night than the one "
                       "the article names.")
        else:
            reason += (f" Partly holds: {parts_hold} of {len(claim.figures)} figures hold as "
                       "named.")
    first = claim.figures[0].quantity
    on_claimed = candidates[report_dates(candidates) == pd.Timestamp(claim.date)]
    claimed_night = [_wave_summary(on_claimed.loc[i], quantities, claim.date) for i in on_claimed.index]
    if not on_date:
        if claimed_night:
            values = ", ".join(fmt(w["figures"][first]) for w in claimed_night)
            reason += (f" The attack reported on the claimed date ({format_date(claim.date)}) had "
                       f"{values} {label(first)}.")
        else:
            reason += f" The record has no national attack reported on {format_date(claim.date)}."
    if runner_up is not None and runner_up["wave_id"] not in {w["wave_id"] for w in claimed_night}:
        reason += (f" Runner-up: {format_date(runner_up['report_date'])} with "
                   f"{fmt(runner_up['figures'][first])} {label(first)}.")
    headline_fig = claim.figures[0]
    return ClaimResult(
        **base, verdict=verdict, reason=reason,
        matched={k: best[k] for k in ("wave_id", "start", "end", "report_date", "night",
                                      "days_from_claimed_date", "source")},
        record=best["figures"], runner_up=runner_up, details=details, claimed_night=claimed_night,
        headline={"value": best["figures"][headline_fig.quantity], "low": None, "high": None,
                  "unit": SHORT_UNITS.get(headline_fig.quantity, headline_fig.quantity)},
    )



MISSILE_STACK = ("cruise", "ballistic", "sam", "mixed", "other")


def waves_around(waves: pd.DataFrame, claims: list, results: list[ClaimResult],
                 days: int = 10) -> dict:
    """What the figure of the waves around the claimed nights draws, computed here.

    Keys: `per_day` (per report date: drones, real Shaheds, launched per missile class, summed
    over the national waves of the day), `low`, `high` (the dates shown: `days` either side of the
    wave claims' dates), `claim_dates`, `matched_dates` (report dates of the waves that match) and
    `figures` (claimed figures: date, quantity, value, words)."""
    wave_claims = [c for c in claims if c.kind == "wave"]
    if not wave_claims:
        raise ValueError("no wave claims to plot")
    low = min(c.date for c in wave_claims) - dt.timedelta(days=days)
    high = max(c.date for c in wave_claims) + dt.timedelta(days=days)
    national = national_waves(waves)
    dates = report_dates(national)
    shown = national[(dates >= pd.Timestamp(low)) & (dates <= pd.Timestamp(high))]
    per_day = pd.DataFrame({
        "drone": wave_quantity(shown, "drone_launched"),
        "shahed_real": wave_quantity(shown, "shahed_real"),
        **{c: wave_quantity(shown, f"{c}_launched") for c in MISSILE_STACK},
    }).groupby(report_dates(shown)).sum(min_count=1)
    matched = sorted({pd.Timestamp(r.matched["report_date"]) for r in results
                      if r.kind == "wave" and r.matched and "report_date" in r.matched})
    figures = [{"date": c.date, "quantity": f.quantity, "claimed": f.claimed, "words": f.words}
               for c in wave_claims for f in c.figures]
    return {"per_day": per_day, "low": low, "high": high, "matched_dates": matched,
            "claim_dates": sorted({c.date for c in wave_claims}), "figures": figures}
