"""Claims of a rate ("74% effectiveness"): every listed reading computed, the informative ones decide.

A reading is one way of measuring the claim (a period, the weapons, the counting); its 95%
interval comes from the project's one interval of a share (`analysis.stats.intervals`): over the
attacks of the period in time order, or, for a period of one attack, from the spread between
nights of that size (`night_interval`). A reading is *informative* when that interval is no wider
than the claim's precision (`precision` in the claims file; 12 points unless it says otherwise).
The claim is taken at its own precision ("74%" is 73.5-74.5%, its `tolerance`). Then (`rate_rule`):

- **holds**: every informative reading's interval reaches the claim;
- **does not hold**: every informative reading's interval excludes it;
- **not confirmed**: informative readings disagree among themselves (some reach it, some exclude it);
- **the record cannot tell**: no reading is informative.

A claim that states its period, weapons and counting has one reading (its primary one); a claim
that leaves any of them unsaid (`unstated`) is read every listed way, and every distinct reading
counts. `analysis.stats.claims.calibration` measures the rule's operating characteristics on
simulated records.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from analysis.stats.claims.common import (
    CANNOT_CHECK,
    CANNOT_TELL,
    CONVENTION_WORDS,
    DOES_NOT_HOLD,
    GROUP_WORDS,
    HOLDS,
    NOT_CONFIRMED,
    ClaimResult,
    fmt,
    in_period,
    national_waves,
    pct,
    per_wave_counts,
    report_dates,
)
from analysis.stats.claims.schema import (
    CLASS_GROUPS,
    DEFAULT_PRECISION,
    Period,
    RateClaim,
    claim_readings,
)
from analysis.stats.intervals import INTERVAL_METHOD, interval_note, night_interval, share_interval

INTERVAL = f"95% interval over attacks ({INTERVAL_METHOD})"
ONE_WAVE_INTERVAL = ("95% interval of one attack, from the spread between attacks of its size "
                     "within 90 days either side")
#: Days either side of a single night whose attacks of its size give the yardstick.
REFERENCE_DAYS = 90


def reference_nights(waves: pd.DataFrame, day: dt.date, classes: str, convention: str,
                     days: int = REFERENCE_DAYS) -> tuple[np.ndarray, np.ndarray]:
    """(successes, launched) of the national attacks within `days` of `day`, that day left out."""
    around = Period("reference", day - dt.timedelta(days=days), day + dt.timedelta(days=days))
    national = in_period(national_waves(waves), around)
    other = national[report_dates(national) != pd.Timestamp(day)]
    k, n, _ = per_wave_counts(other, around, classes, convention)
    return k, n


def period_rate(waves: pd.DataFrame, period: Period, classes: str, convention: str) -> dict[str, Any]:
    """The pooled share of national waves in a period, with its 95% interval.

    Two or more waves: `analysis.stats.intervals.share_interval` over them in time order. One
    wave: `night_interval`, the spread between attacks of its size within `REFERENCE_DAYS` days
    either side as the yardstick (`interval` says which). A wave that counts more stopped than
    launched is left out (`impossible`)."""
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
        low, high, _df = share_interval(k, n)
        low, high, interval, note = float(low[0]), float(high[0]), INTERVAL, interval_note(k, n)
    else:
        day = pd.Timestamp(report_dates(national).iloc[0]).date() if len(national) else period.start
        ref_k, ref_n = reference_nights(waves, day, classes, convention)
        low, high, nights = night_interval(k.sum(), n.sum(), ref_k, ref_n)
        interval = ONE_WAVE_INTERVAL
        note = f"one attack: the interval is the spread of {nights} attacks of its size around it"
        if not math.isfinite(low):
            low = high = None
            note = "one attack, and too few attacks of its size around it to measure the spread"
    return out | {"rate": k.sum() / n.sum(), "ci_low": low, "ci_high": high, "interval": interval,
                  "note": note}


def informative(low: float | None, high: float | None, precision: float) -> bool:
    """A reading decides when its interval exists and is no wider than `precision`."""
    return (low is not None and high is not None and math.isfinite(low) and math.isfinite(high)
            and high - low <= precision + 1e-12)


def reaches(low: float, high: float, band: tuple[float, float]) -> bool:
    """The interval meets the claim taken at its own precision (the band)."""
    return high >= band[0] - 1e-12 and low <= band[1] + 1e-12


def rate_rule(intervals: list[tuple[float | None, float | None]], band: tuple[float, float],
              precision: float) -> str:
    """The verdict of a rate claim from its readings' intervals (module docstring)."""
    decisive = [(lo, hi) for lo, hi in intervals if informative(lo, hi, precision)]
    if not decisive:
        return CANNOT_TELL
    fits = [reaches(lo, hi, band) for lo, hi in decisive]
    if all(fits):
        return HOLDS
    if not any(fits):
        return DOES_NOT_HOLD
    return NOT_CONFIRMED


def rate_verdict(low: float | None, high: float | None, band: tuple[float, float],
                 precision: float = DEFAULT_PRECISION) -> str:
    """The rule for one reading alone: `rate_rule` of that reading (cannot be checked without an
    interval)."""
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return CANNOT_CHECK
    return rate_rule([(low, high)], band, precision)


def reading_text(r: dict[str, Any], period: Period) -> str:
    what = GROUP_WORDS.get(r["classes"], f"{r['classes']} weapons")
    how = "one attack" if r["waves"] == 1 else f"{r['waves']} attacks"
    interval = ("no interval" if r["ci_low"] is None else
                f"95% interval {pct(r['ci_low'])} to {pct(r['ci_high'])}")
    return (f"{what} {CONVENTION_WORDS[r['convention']]}, {period.label()}: {pct(r['rate'])} "
            f"({interval}; {fmt(r['successes'])} of {fmt(r['launched'])} in {how})")


def _listed(readings: list[dict[str, Any]], most: int = 3) -> str:
    return "; ".join(r["text"] for r in readings[:most]) + (" ..." if len(readings) > most else "")


def check_rate_claim(claim: RateClaim, source: dict, waves: pd.DataFrame) -> ClaimResult:
    """Compute every listed reading of a rate claim; the informative ones give the verdict."""
    readings_list, primary_reading = claim_readings(claim)
    band = claim.tolerance.band(claim.claimed)
    precision = claim.precision or DEFAULT_PRECISION
    readings = []
    for reading in readings_list:
        r = period_rate(waves, reading.period, reading.classes, reading.convention)
        usable = r["rate"] is not None and not r["mixes_conventions"]
        r["verdict"] = rate_verdict(r["ci_low"], r["ci_high"], band, precision) if usable else CANNOT_CHECK
        r["informative"] = usable and informative(r["ci_low"], r["ci_high"], precision)
        r["fits_claim"] = bool(r["informative"] and reaches(r["ci_low"], r["ci_high"], band))
        r["primary"] = reading == primary_reading
        r["counts"] = usable and (bool(claim.unstated) or r["primary"])
        r["text"] = reading_text(r, reading.period)
        readings.append(r)
    base = {"id": claim.id, "claim": claim.text, "kind": claim.kind, "source": source}
    primary = next(r for r in readings if r["primary"])
    counted = _distinct([r for r in readings if r["counts"]])
    claimed = f"{100 * claim.claimed:g}%"
    accepted = f"{100 * band[0]:.1f}% to {100 * band[1]:.1f}%"
    width = f"{100 * precision:g} points"
    if not counted:
        verdict = CANNOT_CHECK
        reason = "the record has no comparable attacks for any reading of the claim."
    else:
        verdict = rate_rule([(r["ci_low"], r["ci_high"]) for r in counted], band, precision)
        decisive = [r for r in counted if r["informative"]]
        fitting = [r for r in decisive if r["fits_claim"]]
        missing = [r for r in decisive if not r["fits_claim"]]
        ways = (f"the claim does not say its {_or(claim.unstated)}, so each of {len(counted)} distinct "
                "readings counts" if claim.unstated else "the claim says its period, weapons and counting")
        scope = (f"{claimed} is taken as {accepted}; a reading decides when its 95% interval is at "
                 f"most {width} wide")
        if verdict == CANNOT_TELL:
            reason = (f"{ways}, and none is precise enough to decide ({scope}): the narrowest, "
                      f"{_narrowest(counted)['text']}. Not the same as false.")
        elif verdict == HOLDS:
            reason = (f"{ways}; every reading precise enough to decide reaches {claimed} ({scope}): "
                      f"{_listed(fitting)}.")
        elif verdict == DOES_NOT_HOLD:
            reason = (f"{ways}; every reading precise enough to decide excludes {claimed} ({scope}): "
                      f"{len(missing)} of them, e.g. {_listed(missing)}.")
        else:
            reason = (f"{ways}; the readings precise enough to decide disagree ({scope}): "
                      f"{len(fitting)} reach {claimed} ({_listed(fitting)}), {len(missing)} exclude it "
                      f"({_listed(missing)}).")
        if claim.unstated:
            reason += f" The most natural reading: {primary['text']}."
    if primary["note"] and primary["counts"]:
        reason += f" Note on the main reading: {primary['note']}."
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
        record={**{k: primary[k] for k in ("rate", "ci_low", "ci_high", "launched", "successes", "waves",
                                           "interval", "note")},
                "precision": precision, "band": list(band),
                "informative_readings": sum(r["informative"] for r in counted),
                "readings_counted": len(counted)},
        details=readings,
        headline={"value": primary["rate"], "low": primary["ci_low"], "high": primary["ci_high"],
                  "unit": "share", "interval": primary["interval"]},
    )


def _or(items: list[str]) -> str:
    return ", ".join(items[:-1]) + (" or " if len(items) > 1 else "") + items[-1]


def _narrowest(readings: list[dict[str, Any]]) -> dict[str, Any]:
    with_interval = [r for r in readings if r["ci_low"] is not None]
    if not with_interval:
        return readings[0]
    return min(with_interval, key=lambda r: r["ci_high"] - r["ci_low"])


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
