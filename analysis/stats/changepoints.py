"""Changes in the level of a monthly interception rate: known dates tested, unknown ones searched.

Two questions, kept apart so that the search cannot borrow the known dates afterwards:

1. **Known dates.** The Air Force changed how it counts drones on 2024-07-10 (drones lost to
   electronic warfare reported apart) and 2025-07-23 (shot down and jammed reported together).
   `known_break_test` asks, for each date, whether the monthly share steps there: whole months up
   to `window` either side (the month holding the date is left out; so is anything past the other
   known date), a step estimated with its 95% interval and a p-value under the noise model of
   `analysis.stats.trend` (month-level spread that persists from month to month).
2. **Unknown dates.** `search_breaks` scans every month as a possible start of a new level
   (at least `min_size` months each side) and keeps the largest standardised step. Its threshold
   is calibrated by simulation under no break, with the series' own spread and month-to-month
   correlation (the steps at every month are drawn jointly, so the search over months is paid
   for): a flat series shows a false break at most `alpha` (5%) of the time. A break found is
   dated with a 95% range of months from a parametric bootstrap; when that range is wider than
   half the segment, the table says the month cannot be pinned down. The search then continues
   in the two segments (binary segmentation), each with its own calibrated threshold. Steps at
   known dates that proved real (and, under `destroyed`, every change of definition) are part of
   the model the search starts from.

`false_break_rate` runs the whole search on simulated flat series; `tests/test_changepoints.py`
and `make validate` check the 5%.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import special, stats

from analysis.record import COMBINED_FROM, SPLIT_FROM
from analysis.stats.trend import MonthlyModel, base_design, fit_noise, monthly_model, monthly_series

KNOWN_BREAKS: dict[pd.Timestamp, str] = {
    SPLIT_FROM: "drones lost to electronic warfare reported apart from those shot down",
    COMBINED_FROM: "drones shot down and jammed reported as one figure",
}
DRAWS = 4000
MAX_BREAKS = 3


def first_whole_month(date: pd.Timestamp) -> pd.Timestamp:
    """The first month wholly after `date` (the month holding it is mixed)."""
    return (date + pd.offsets.MonthBegin(1)).normalize() if date.day > 1 else date.normalize()


def step_indicator(series: pd.DataFrame, date: pd.Timestamp) -> np.ndarray:
    return (pd.to_datetime(series["date"]) >= first_whole_month(date)).to_numpy(dtype=float)


def _standardised_steps(model: MonthlyModel, cuts: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                         np.ndarray]:
    """(steps, standard errors, projector rows) of a step starting at each of `cuts`."""
    rows, steps, errors = [], [], []
    for cut in cuts:
        column = (np.arange(len(model.y)) >= cut).astype(float)
        design = np.column_stack([model.base, column])
        weighted = design * model.weights[:, None]
        row = (np.linalg.pinv(design.T @ weighted) @ weighted.T)[-1]
        rows.append(row)
        steps.append(row @ model.y)
        errors.append(np.sqrt(max(row @ model.covariance @ row, 1e-12)))
    return np.array(steps), np.array(errors), np.array(rows)


def _sup_null(rows: np.ndarray, errors: np.ndarray, covariance: np.ndarray,
              rng: np.random.Generator, draws: int) -> np.ndarray:
    """Draws of max |step / se| over the cuts under no break (the steps are jointly normal)."""
    joint = (rows / errors[:, None]) @ covariance @ (rows / errors[:, None]).T
    values, vectors = np.linalg.eigh((joint + joint.T) / 2)
    root = vectors * np.sqrt(np.clip(values, 0, None))
    return np.abs(rng.standard_normal((draws, len(errors))) @ root.T).max(axis=1)


def _segment(model: MonthlyModel, lo: int, hi: int) -> MonthlyModel:
    base = model.base[lo:hi]
    keep = [j for j in range(base.shape[1]) if j == 0 or np.ptp(base[:, j]) > 0]
    return replace(model, y=model.y[lo:hi], sampling=model.sampling[lo:hi], base=base[:, keep],
                   months=model.months[lo:hi])


def _scan(model: MonthlyModel, lo: int, hi: int, min_size: int, alpha: float,
          rng: np.random.Generator, draws: int) -> dict | None:
    """The best cut of one segment if it beats the calibrated threshold, with its date range."""
    cuts = np.arange(min_size, hi - lo - min_size + 1)
    if len(cuts) == 0:
        return None
    segment = _segment(model, lo, hi)
    steps, errors, rows = _standardised_steps(segment, cuts)
    z = np.abs(steps / errors)
    null = _sup_null(rows, errors, segment.covariance, rng, draws)
    best = int(np.argmax(z))
    p_value = float((1 + (null >= z[best]).sum()) / (1 + draws))
    if p_value >= alpha:
        return None
    # Date range: redraw series with the step found, under the noise left once the step is
    # allowed for (under no break the step itself passed for noise), and find the best cut again.
    column = (np.arange(hi - lo) >= cuts[best]).astype(float)
    design = np.column_stack([segment.base, column])
    extra, phi = fit_noise(segment.y, segment.sampling, design, segment.months)
    segment = replace(segment, extra=extra, phi=phi)
    weighted = design * segment.weights[:, None]
    fitted = design @ (np.linalg.pinv(design.T @ weighted) @ weighted.T @ segment.y)
    steps, errors, rows = _standardised_steps(segment, cuts)
    values, vectors = np.linalg.eigh(segment.covariance)
    noise = rng.standard_normal((min(draws, 1000), hi - lo)) @ (vectors * np.sqrt(np.clip(values, 0, None))).T
    redrawn = (fitted + noise) @ (rows / errors[:, None]).T
    found = cuts[np.abs(redrawn).argmax(axis=1)]
    low, high = np.quantile(found, [0.025, 0.975])
    return {"cut": lo + int(cuts[best]), "low": lo + int(np.floor(low)), "high": lo + int(np.ceil(high)),
            "step": float(steps[best]), "p_value": p_value, "segment_months": hi - lo}


def search_breaks(series: pd.DataFrame, known: list[pd.Timestamp] | None = None,
                  alpha: float = 0.05, min_size: int = 3, max_breaks: int = MAX_BREAKS,
                  draws: int = DRAWS, seed: int = 20240710) -> pd.DataFrame:
    """Changes of level at unknown months (see the module docstring), one row per break found.

    `known`: dates whose step is part of the starting model. Columns: `date` (first month of the
    new level), `date_low`, `date_high` (95% range of that month), `dated` (False when the range
    is wider than half the segment: the month cannot be pinned down), `rate_before`, `rate_after`
    (pooled over the neighbouring segments), `p_value` (calibrated), `nearest_known`,
    `months_from_known`. `attrs`: `extra_spread`, `phi`, `alpha`.
    """
    rng = np.random.default_rng(seed)
    design = base_design(series)
    for date in known or []:
        column = step_indicator(series, date)
        if 0 < column.sum() < len(column):
            design = np.column_stack([design, column])
    model = monthly_model(series, design=design)
    found, queue = [], [(0, len(series))]
    while queue and len(found) < max_breaks:
        lo, hi = queue.pop(0)
        result = _scan(model, lo, hi, min_size, alpha, rng, draws)
        if result is None:
            continue
        found.append(result)
        queue += [(lo, result["cut"]), (result["cut"], hi)]
    return _break_table(series, sorted(found, key=lambda r: r["cut"]), model, alpha)


def _break_table(series: pd.DataFrame, found: list[dict], model: MonthlyModel,
                 alpha: float) -> pd.DataFrame:
    count = series.attrs.get("count_column", "neutralised")
    k, n = series[count].to_numpy(dtype=float), series["launched"].to_numpy(dtype=float)
    dates = pd.to_datetime(series["date"]).reset_index(drop=True)
    bounds = [0, *(r["cut"] for r in found), len(series)]
    rows = []
    for i, r in enumerate(found, start=1):
        before, after = slice(bounds[i - 1], r["cut"]), slice(r["cut"], bounds[i + 1])
        date = dates.iloc[r["cut"]]
        nearest = min(KNOWN_BREAKS, key=lambda c: abs((first_whole_month(c) - date).days))
        rows.append({
            "date": date, "date_low": dates.iloc[max(r["low"], 0)],
            "date_high": dates.iloc[min(r["high"], len(dates) - 1)],
            "dated": (r["high"] - r["low"]) <= r["segment_months"] / 2,
            "rate_before": k[before].sum() / n[before].sum(), "rate_after": k[after].sum() / n[after].sum(),
            "p_value": r["p_value"], "nearest_known": nearest,
            "months_from_known": (date.year - first_whole_month(nearest).year) * 12
            + date.month - first_whole_month(nearest).month,
        })
    table = pd.DataFrame(rows, columns=BREAK_COLUMNS)
    table.attrs.update(extra_spread=float(np.sqrt(model.extra)), phi=model.phi, alpha=alpha)
    return table


BREAK_COLUMNS = ["date", "date_low", "date_high", "dated", "rate_before", "rate_after", "p_value",
                 "nearest_known", "months_from_known"]


def known_break_test(record: pd.DataFrame, weapon_class: str, date: pd.Timestamp,
                     convention: str = "neutralised", command: str = "national", window: int = 12,
                     alpha: float = 0.05) -> dict:
    """Does the monthly share of `weapon_class` step at the known date `date`?

    Whole months up to `window` either side, the month holding the date left out, stopping short
    of the other known date. Keys: `date`, `what` (the change of counting), `first_month`,
    `last_month`, `months_before`, `months_after`, `rate_before`, `rate_after` (the model's levels),
    `step_points` with `step_low`, `step_high` (in percentage points, 1 - alpha interval),
    `p_value`, `incomplete_before` (months before August 2024, when the record misses days),
    `verdict`; NaN figures and the reason in `verdict` when a side has fewer than 3 months.
    """
    date = pd.Timestamp(date)
    start = (first_whole_month(date) - pd.DateOffset(months=window + 1)).normalize()
    end = first_whole_month(date) + pd.DateOffset(months=window) - pd.Timedelta(days=1)
    for other in KNOWN_BREAKS:
        if other < date:
            start = max(start, first_whole_month(other))
        elif other > date:
            end = min(end, other.replace(day=1) - pd.Timedelta(days=1))
    series = monthly_series(record, weapon_class, convention, command, start, end)
    holding = pd.Timestamp(date.year, date.month, 1)
    series = series[pd.to_datetime(series["date"]) != holding].reset_index(drop=True)
    after = step_indicator(series, date)
    out = {"class": weapon_class, "convention": convention, "date": date, "what": KNOWN_BREAKS.get(date, ""),
           "first_month": series["date"].min(), "last_month": series["date"].max(),
           "months_before": int((after == 0).sum()), "months_after": int(after.sum()),
           "incomplete_before": bool(len(series) and series["date"].min() < pd.Timestamp("2024-08-01"))}
    nan = dict.fromkeys(("rate_before", "rate_after", "step_points", "step_low", "step_high", "p_value"),
                        float("nan"))
    if out["months_before"] < 3 or out["months_after"] < 3:
        return out | nan | {"verdict": "not tested: fewer than 3 whole months on a side"}
    model = monthly_model(series, convention, design=np.ones((len(series), 1)))
    step, se = gls_effect_with_level(model, after)
    level, step_logit = step
    z = stats.norm.ppf(1 - alpha / 2)
    before_rate = special.expit(level)
    rates = {key: 100 * (special.expit(level + value) - before_rate)
             for key, value in (("step_points", step_logit), ("step_low", step_logit - z * se),
                                ("step_high", step_logit + z * se))}
    p_value = float(2 * stats.norm.sf(abs(step_logit / se))) if se > 0 else float("nan")
    out |= {"rate_before": float(before_rate), "rate_after": float(special.expit(level + step_logit)),
            **rates, "p_value": p_value}
    stepped = p_value < alpha
    out["verdict"] = (f"{'a step' if stepped else 'no clear step'}: {100 * out['rate_before']:.0f}% before, "
                      f"{100 * out['rate_after']:.0f}% after ({rates['step_points']:+.0f} points, 95% "
                      f"interval {rates['step_low']:+.0f} to {rates['step_high']:+.0f})")
    return out


def gls_effect_with_level(model: MonthlyModel, column: np.ndarray) -> tuple[tuple[float, float], float]:
    """((level, step), standard error of the step) for a level-plus-step model."""
    design = np.column_stack([model.base, column])
    weighted = design * model.weights[:, None]
    projector = np.linalg.pinv(design.T @ weighted) @ weighted.T
    coefficients = projector @ model.y
    se = float(np.sqrt(max(projector[-1] @ model.covariance @ projector[-1], 0.0)))
    return (float(coefficients[0]), float(coefficients[-1])), se


# --- calibration -------------------------------------------------------------------------------


def simulate_flat_series(launched: np.ndarray, share: float, extra_sd: float, phi: float,
                         rng: np.random.Generator, start: str = "2024-08-01") -> pd.DataFrame:
    """A monthly series with no break and no trend: logit share = level + AR(1) deviation."""
    deviation = np.zeros(len(launched))
    deviation[0] = rng.normal(0, extra_sd)
    for t in range(1, len(launched)):
        deviation[t] = phi * deviation[t - 1] + rng.normal(0, extra_sd * np.sqrt(1 - phi**2))
    shares = special.expit(special.logit(share) + deviation)
    counted = rng.binomial(launched.astype(np.int64), shares)
    series = pd.DataFrame({"date": pd.date_range(start, periods=len(launched), freq="MS"),
                           "launched": launched, "neutralised": counted})
    series.attrs["count_column"] = "neutralised"
    return series


def false_break_rate(launched: np.ndarray, share: float, extra_sd: float, phi: float,
                     series: int = 200, seed: int = 1, draws: int = 2000) -> float:
    """Share of simulated flat series in which `search_breaks` finds a break (target <= 5%)."""
    rng = np.random.default_rng(seed)
    hits = 0
    for i in range(series):
        flat = simulate_flat_series(np.asarray(launched), share, extra_sd, phi, rng)
        hits += not search_breaks(flat, draws=draws, seed=seed + i, max_breaks=1).empty
    return hits / series
