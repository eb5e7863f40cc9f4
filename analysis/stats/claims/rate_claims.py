"""Claims of a rate ("74% effectiveness"): every listed reading computed, the primary one decides."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from analysis.stats.claims.common import (
    CANNOT_CHECK,
    CONVENTION_WORDS,
    DOES_NOT_HOLD,
    GROUP_WORDS,
    HOLDS,
    NOT_CONFIRMED,
    NOT_SHOWN,
    ClaimResult,
    fmt,
    in_period,
    national_waves,
    pct,
    per_wave_counts,
)
from analysis.stats.claims.schema import CLASS_GROUPS, Period, RateClaim, claim_readings
from analysis.stats.intervals import CLUSTER_METHOD, cluster_interval, few_waves_note
from analysis.stats.rates import binomial_interval

INTERVAL = f"95% interval over attacks ({CLUSTER_METHOD})"
ONE_WAVE_INTERVAL = "95% Wilson (one attack: its munitions only; no spread between attacks to measure)"


def period_rate(waves: pd.DataFrame, period: Period, classes: str, convention: str) -> dict[str, Any]:
    """The pooled share of national waves in a period, with its 95% interval over waves.

    The interval is `analysis.stats.intervals.cluster_interval` on the per-wave counts (a period of
    one wave falls back to the Wilson interval of that wave, and `interval` says so). A wave that
    counts more stopped than launched is left out (`impossible`)."""
    k, n, impossible = per_wave_counts(waves, period, classes, convention)
    national = in_period(national_waves(waves), period)
    conventions = []
    if "convention" in national.columns and len(n):
        conventions = sorted(national["convention"].dropna().astype(str).unique())
    # "destroyed" meant different things for drones under each convention: a destroyed share of
    # drones that spans conventions mixes them, so it is flagged and never used.
    mixes = convention == "destroyed" and "drone" in CLASS_GROUPS[classes] and len(conventions) > 1
    out: dict[str, Any] = {"period": period.name, "start": period.start, "end": period.end,
                           "classes": classes, "convention": convention, "launched": float(n.sum()),
                           "successes": float(k.sum()), "waves": len(n), "impossible_waves": impossible,
                           "drone_conventions": conventions, "mixes_conventions": mixes,
                           "rate": None, "ci_low": None, "ci_high": None, "interval": "", "note": ""}
    if n.sum() == 0:
        return out
    if len(n) >= 2:
        low, high, _df = cluster_interval(k, n)
        low, high, interval = float(low[0]), float(high[0]), INTERVAL
    else:
        low, high = binomial_interval(k.sum(), n.sum())
        interval = ONE_WAVE_INTERVAL
    return out | {"rate": k.sum() / n.sum(), "ci_low": low, "ci_high": high, "interval": interval,
                  "note": few_waves_note(len(n)) if len(n) >= 2 else ""}


def rate_verdict(low: float | None, high: float | None, band: tuple[float, float]) -> str:
    """The rule for one reading: holds when the interval lies inside the claim's band, does not
    hold when it misses the band, not shown when it meets the band but is too wide to confirm it."""
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return CANNOT_CHECK
    if high < band[0] - 1e-12 or low > band[1] + 1e-12:
        return DOES_NOT_HOLD
    if band[0] - 1e-12 <= low and high <= band[1] + 1e-12:
        return HOLDS
    return NOT_SHOWN


def reading_text(r: dict[str, Any], period: Period) -> str:
    what = GROUP_WORDS.get(r["classes"], f"{r['classes']} weapons")
    how = "one attack" if r["waves"] == 1 else f"{r['waves']} attacks"
    return (f"{what} {CONVENTION_WORDS[r['convention']]}, {period.label()}: {pct(r['rate'])} "
            f"(95% interval {pct(r['ci_low'])} to {pct(r['ci_high'])}; "
            f"{fmt(r['successes'])} of {fmt(r['launched'])} in {how})")


def check_rate_claim(claim: RateClaim, source: dict, waves: pd.DataFrame) -> ClaimResult:
    """Compute every listed reading of a rate claim; the primary reading gives the verdict."""
    readings_list, primary_reading = claim_readings(claim)
    band = claim.tolerance.band(claim.claimed)
    readings = []
    for reading in readings_list:
        r = period_rate(waves, reading.period, reading.classes, reading.convention)
        usable = r["rate"] is not None and not r["mixes_conventions"]
        r["verdict"] = rate_verdict(r["ci_low"], r["ci_high"], band) if usable else CANNOT_CHECK
        r["fits_claim"] = r["verdict"] in (HOLDS, NOT_SHOWN)
        r["primary"] = reading == primary_reading
        r["text"] = reading_text(r, reading.period)
        readings.append(r)
    base = {"id": claim.id, "claim": claim.text, "kind": claim.kind, "source": source}
    primary = next(r for r in readings if r["primary"])
    claimed = f"{100 * claim.claimed:g}%"
    accepted = f"accepted {100 * band[0]:.1f}% to {100 * band[1]:.1f}%"
    verdict = primary["verdict"]
    if verdict == CANNOT_CHECK:
        reason = "the main reading has no comparable attacks in the record."
    elif verdict == HOLDS:
        reason = f"the main reading's interval lies within {claimed} ({accepted}): {primary['text']}."
    elif verdict == NOT_SHOWN:
        reason = (f"the main reading fits {claimed} but its interval is too wide to confirm it (it "
                  f"would have to lie within {accepted.removeprefix('accepted ')}): {primary['text']}.")
    else:
        reason = f"the main reading excludes {claimed} ({accepted}): {primary['text']}."
    others = [r for r in readings if not r["primary"] and r["verdict"] != CANNOT_CHECK]
    fitting = _distinct([r for r in others if r["fits_claim"]])
    missing = _distinct([r for r in others if not r["fits_claim"]])
    if verdict == DOES_NOT_HOLD and claim.unstated and fitting:
        verdict = NOT_CONFIRMED
        unsaid = ", ".join(claim.unstated[:-1]) + (" or " if len(claim.unstated) > 1 else "") + claim.unstated[-1]
        reason = (f"the claim does not say its {unsaid}. The most natural "
                  f"reading excludes {claimed} ({accepted}): {primary['text']}. Other plausible "
                  f"readings fit: {len(fitting)} of {len(fitting) + len(missing)} ("
                  + "; ".join(r["text"] for r in fitting[:3]) + (" ..." if len(fitting) > 3 else "")
                  + "); they do not: " + "; ".join(r["text"] for r in missing[:3])
                  + (" ..." if len(missing) > 3 else "") + ". With this many readings some fit "
                  "by chance, so the claim is not confirmed, and not shown false either.")
    elif others:
        reason += f" Other readings: {len(fitting)} of {len(fitting) + len(missing)} distinct ones fit {claimed}."
    if primary["note"]:
        reason += f" Note: {primary['note']}."
    if primary["impossible_waves"]:
        reason += (f" {primary['impossible_waves']} attack(s) counting more stopped than launched "
                   "were left out (they cannot be true).")
    left_out = sum(r["mixes_conventions"] for r in readings)
    if left_out:
        reason += (f" {left_out} 'shot down' reading{'s' if left_out != 1 else ''} spanning a change "
                   "of how drones were counted were left out (not comparable).")
    return ClaimResult(
        **base, verdict=verdict, reason=reason,
        matched={"period": primary_reading.period.name, "start": primary_reading.period.start,
                 "end": primary_reading.period.end, "classes": primary_reading.classes,
                 "convention": primary_reading.convention},
        record={k: primary[k] for k in ("rate", "ci_low", "ci_high", "launched", "successes", "waves",
                                        "interval", "note")},
        details=readings,
        headline={"value": primary["rate"], "low": primary["ci_low"], "high": primary["ci_high"],
                  "unit": "share", "interval": primary["interval"]},
    )


def _distinct(readings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One reading per distinct figure (conventions and groups coincide in some periods)."""
    seen: dict[tuple, dict[str, Any]] = {}
    for r in readings:
        seen.setdefault((r["period"], r["successes"], r["launched"]), r)
    return list(seen.values())


def reading_rows(result: ClaimResult) -> list[dict[str, Any]]:
    """The distinct, comparable readings of a rate claim's result, the primary one kept: what the
    readings figure draws."""
    rows: dict[tuple, dict[str, Any]] = {}
    for d in result.details:
        if d["rate"] is None or d["mixes_conventions"]:
            continue
        key = (d["period"], d["classes"], d["successes"], d["launched"])
        if key not in rows or d["primary"]:
            rows[key] = d
    return list(rows.values())
