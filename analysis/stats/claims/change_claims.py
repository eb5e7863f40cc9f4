"""Claims of change ("intensifying", "harder to sustain"): the change with its 95% interval.

Tempo (`launched_per_day`): the ratio of the mean launches per day, recent period over baseline
(days without a wave count as zero). Its interval is built on the log scale from each period's
day-to-day variance, inflated for the correlation of consecutive days (estimated from both
periods, corrected for its small-sample bias), with Welch's degrees of freedom.

Rate (`rate`): the difference of the pooled shares, recent minus baseline, in percentage points.
Each period's variance is the one of the project's interval of a share over its waves in time
order (`analysis.stats.intervals.share_variance`: long-run variance, Satterthwaite degrees of
freedom), the degrees of freedom of the difference Welch-Satterthwaite's from the two periods'.

The verdict follows the interval alone: `holds` when all of it lies beyond the claim's margin in
the claimed direction, `does not hold` when all of it lies short of the margin (for margin 0: a
change the other way), `not shown` when it reaches both sides: the record cannot tell the change
from none. `analysis.stats.claims.calibration` checks these rules on simulated records.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis.numbers import change_in_points, points_decimals, signed
from analysis.stats.claims.common import (
    ALPHA,
    CANNOT_CHECK,
    DOES_NOT_HOLD,
    HOLDS,
    NOT_SHOWN,
    ClaimResult,
    fmt,
    in_period,
    national_waves,
    pct,
    per_wave_counts,
    report_dates,
    wave_quantity,
)
from analysis.stats.claims.schema import Period, PeriodChangeClaim, claim_periods
from analysis.stats.intervals import share_variance

MAX_DAY_CORRELATION = 0.9


def daily_launches(waves: pd.DataFrame, period: Period, classes: str = "all") -> pd.Series:
    """Launches per report date of national waves, with days without a wave counted as zero."""
    national = in_period(national_waves(waves), period)
    launched = wave_quantity(national, f"{classes}_launched").fillna(0)
    per_day = launched.groupby(report_dates(national)).sum()
    days = pd.date_range(period.start, period.end, freq="D")
    return per_day.reindex(days, fill_value=0.0)


def day_correlation(*series: np.ndarray) -> float:
    """Lag-1 correlation of daily totals within periods, pooled, bias-corrected, in [0, 0.9]."""
    products, squares, days = 0.0, 0.0, 0
    for values in series:
        centred = np.asarray(values, dtype=float) - np.mean(values)
        products += float((centred[1:] * centred[:-1]).sum())
        squares += float((centred**2).sum())
        days += len(centred)
    if squares <= 0 or days < 4:
        return 0.0
    raw = products / squares
    return float(np.clip(raw + (1 + 4 * raw) / days, 0.0, MAX_DAY_CORRELATION))


def _mean_variance(values: np.ndarray, phi: float) -> float:
    """Variance of the mean of an AR(1)-correlated series of days."""
    n = len(values)
    lags = np.arange(1, n)
    inflation = 1 + 2 * ((1 - lags / n) * phi**lags).sum()
    return float(np.var(values, ddof=1) / n * inflation)


def tempo_change(recent: np.ndarray, baseline: np.ndarray, alpha: float = ALPHA) -> dict[str, Any]:
    """Ratio of mean launches per day with its 1 - alpha interval (see the module docstring)."""
    recent, baseline = np.asarray(recent, dtype=float), np.asarray(baseline, dtype=float)
    m1, m0 = recent.mean(), baseline.mean()
    out = {"recent": m1, "baseline": m0, "ratio": np.nan, "low": np.nan, "high": np.nan, "df": np.nan}
    if m1 <= 0 or m0 <= 0 or len(recent) < 2 or len(baseline) < 2:
        return out
    phi = day_correlation(recent, baseline)
    v1, v0 = _mean_variance(recent, phi) / m1**2, _mean_variance(baseline, phi) / m0**2
    se = np.sqrt(v1 + v0)
    df = (v1 + v0) ** 2 / (v1**2 / (len(recent) - 1) + v0**2 / (len(baseline) - 1)) if se > 0 else 1.0
    q = stats.t.ppf(1 - alpha / 2, max(df, 1.0))
    ratio = m1 / m0
    return out | {"ratio": ratio, "low": ratio * np.exp(-q * se), "high": ratio * np.exp(q * se),
                  "df": df, "day_correlation": phi}


def share_change(recent: tuple[np.ndarray, np.ndarray], baseline: tuple[np.ndarray, np.ndarray],
                 alpha: float = ALPHA) -> dict[str, Any]:
    """Difference of pooled shares (recent - baseline) with its 1 - alpha interval over waves.

    `recent` and `baseline` are (successes, launched) per wave, each in time order."""
    out = {"recent": np.nan, "baseline": np.nan, "difference": np.nan, "low": np.nan, "high": np.nan}
    parts = []
    for k, n in (recent, baseline):
        k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
        if len(n) < 2 or n.sum() <= 0:
            return out
        rate, variance, df = share_variance(k[n > 0], n[n > 0])
        parts.append((float(rate[0]), float(variance[0]), max(float(df[0]), 1.0)))
    (r1, v1, d1), (r0, v0, d0) = parts
    se = np.sqrt(v1 + v0)
    df = (v1 + v0) ** 2 / (v1**2 / d1 + v0**2 / d0) if se > 0 else 1.0
    q = stats.t.ppf(1 - alpha / 2, max(df, 1.0))
    difference = r1 - r0
    return out | {"recent": r1, "baseline": r0, "difference": difference,
                  "low": difference - q * se, "high": difference + q * se, "df": df}


def change_verdict(low: float, high: float, direction: str, no_change: float, margin: float) -> str:
    """holds / does not hold / not shown from the interval of the change (see the module docstring)."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return CANNOT_CHECK
    if direction == "increase":
        threshold = no_change + margin
        return HOLDS if low > threshold else DOES_NOT_HOLD if high < threshold else NOT_SHOWN
    threshold = no_change - margin
    return HOLDS if high < threshold else DOES_NOT_HOLD if low > threshold else NOT_SHOWN


def check_period_change(claim: PeriodChangeClaim, source: dict, waves: pd.DataFrame) -> ClaimResult:
    """Compare a recent period with a baseline: launches per day, or the share stopped."""
    recent_period, baseline_period = claim_periods(claim)
    base = {"id": claim.id, "claim": claim.text, "kind": claim.kind, "source": source}
    matched = {"period": f"{recent_period.name} vs {baseline_period.name}",
               "recent": [recent_period.start, recent_period.end],
               "baseline": [baseline_period.start, baseline_period.end]}
    if claim.measure == "launched_per_day":
        change = tempo_change(daily_launches(waves, recent_period, claim.classes).to_numpy(),
                              daily_launches(waves, baseline_period, claim.classes).to_numpy())
        estimate, low, high = change["ratio"], change["low"], change["high"]
        verdict = change_verdict(low, high, claim.direction, 1.0, claim.margin)
        what = (f"launches per day: {fmt(change['recent'])} in {recent_period.label()} against "
                f"{fmt(change['baseline'])} in {baseline_period.label()}")
        size = (f"{signed(100 * (estimate - 1))}% (95% interval {signed(100 * (low - 1))}% to "
                f"{signed(100 * (high - 1))}%)" if np.isfinite(estimate) else "")
        test = "ratio of mean launches per day, consecutive days correlated"
        # as a reader quotes it: "+28%", the same figure as the sentence
        headline = {"value": 100 * (estimate - 1), "low": 100 * (low - 1), "high": 100 * (high - 1),
                    "unit": "% change in launches per day", "interval": f"95% interval ({test})", "decimals": 0}
    else:
        recent = per_wave_counts(waves, recent_period, claim.classes, claim.convention)
        baseline = per_wave_counts(waves, baseline_period, claim.classes, claim.convention)
        change = share_change(recent[:2], baseline[:2])
        estimate, low, high = change["difference"], change["low"], change["high"]
        verdict = change_verdict(low, high, claim.direction, 0.0, claim.margin)
        share = "share stopped" if claim.convention == "neutralised" else "share shot down"
        what = (f"{share}: {pct(change['recent'])} in {recent_period.label()} against "
                f"{pct(change['baseline'])} in {baseline_period.label()}")
        size = change_in_points(100 * estimate, 100 * low, 100 * high) if np.isfinite(estimate) else ""
        test = "difference of pooled shares, interval over attacks"
        headline = {"value": 100 * estimate, "low": 100 * low, "high": 100 * high,
                    "unit": "percentage points", "interval": f"95% interval over attacks ({test})",
                    "decimals": points_decimals(100 * low, 100 * high)}  # as the sentence gives it
    record = {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in change.items()}
    record["test"] = test
    if verdict == CANNOT_CHECK:
        return ClaimResult(**base, verdict=verdict, matched=matched, record=record,
                           reason="the record has too little in one of the two periods to compare "
                                  "(no launches, or fewer than two attacks).")
    claimed = f"{'an increase' if claim.direction == 'increase' else 'a decrease'}"
    if claim.margin:
        claimed += f" of more than {100 * claim.margin:g}{'%' if claim.measure != 'rate' else ' points'}"
    if verdict == HOLDS:
        tail = f"the whole interval shows {claimed}, as claimed."
    elif verdict == DOES_NOT_HOLD:
        tail = f"the whole interval lies short of {claimed}: the record shows the opposite."
    else:
        tail = (f"the interval includes no change, so the record cannot tell {claimed} from none: "
                "not shown (which is not the same as shown false).")
    reason = f"{what}; change {size}: {tail}"
    return ClaimResult(**base, verdict=verdict, reason=reason, matched=matched, record=record,
                       headline=headline)
