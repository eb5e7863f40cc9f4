"""Changes in the level of a monthly interception rate: known dates tested, unknown ones searched.

Two questions, kept apart so that the search cannot borrow the known dates afterwards:

1. **Known dates.** The Air Force changed how it counts drones on 2024-07-10 (drones lost to
   electronic warfare reported apart) and 2025-07-23 (shot down and jammed reported together).
   `known_break_test` asks, for each date, whether the monthly share steps there: whole months up
   to `window` either side (the month holding the date is left out; so is anything past the other
   known date), a step estimated with its 95% interval and a p-value under the noise model of
   `analysis.stats.trend` (month-level spread that persists from month to month), fitted to what
   is left once the step is allowed for.
2. **Unknown dates.** `search_breaks` weighs every month as the start of a new level, and every
   pair of months as a drop and a recovery (or a rise and a fall back), each level at least
   `min_size` months, by a Wald test of the steps whose noise is the one left once those steps
   are allowed for (a series that wanders leaves much, one that steps little). The largest such
   evidence is calibrated by simulation under no break, with the series' own spread and
   month-to-month correlation, both corrected for their small-sample bias (median-unbiased, up to
   0.95: `analysis.stats.trend.fit_noise`; the raw estimate of a 22-month series at persistence
   0.9 sits near 0.75; a one-sided 90% upper bound of it is used), and
   the null series drawn with heavy-tailed (Student t, 3 degrees of freedom) month-level
   innovations, the cautious choice, and the search over months paid for: a flat series
   shows a false break at most `alpha` (5%) of the time, at persistence 0.9 and with
   heavy-tailed (Student t, 3 degrees of freedom) deviations too. A break found is
   dated with a 95% range of months from a parametric bootstrap; when that range is wider than
   half the segment, the table says the month cannot be pinned down. The search then continues
   in the two segments (binary segmentation), each with its own calibrated threshold. Steps at
   known dates that proved real (and, under `destroyed`, every change of definition) are part of
   the model the search starts from.

`false_break_rate` runs the whole search on simulated flat series; `tests/test_changepoints.py`
and `make validate` check the 5%. `describe_series` says in words what a series does (a drop in
March 2025 and a recovery), from the breaks found, or, where none stands out, from its highest
and lowest spells, saying that they cannot be told from the month-to-month swings.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import special, stats

from analysis.numbers import change_in_points
from analysis.record import COMBINED_FROM, SPLIT_FROM
from analysis.stats.trend import (
    MAX_PHI,
    MonthlyModel,
    base_design,
    fit_noise,
    monthly_model,
    monthly_series,
)

KNOWN_BREAKS: dict[pd.Timestamp, str] = {
    SPLIT_FROM: "drones lost to electronic warfare reported apart from those shot down",
    COMBINED_FROM: "drones shot down and jammed reported as one figure",
}
DRAWS = 4000
MAX_BREAKS = 3
#: The search is calibrated under the persistence of a one-sided 90% upper bound (the quantile of
#: the raw estimate, `analysis.stats.trend.fit_noise`), up to 0.95, not its median: a flat series
#: whose persistence is understated would otherwise find false breaks (at 0.9 with heavy-tailed
#: deviations: 8.5% of 200 series with the median, 7.5% with the 75% bound).
CALIBRATION_QUANTILE = 0.1
#: Degrees of freedom of the null series' month-level innovations: heavy-tailed, the cautious
#: choice (with normal ones, flat series at persistence 0.9 and t(3) months broke 8.3% of the time).
NULL_TAIL_DF = 3.0


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


def _candidates(months: int, min_size: int) -> list[tuple[int, ...]]:
    """Every change the search weighs in a segment of `months`: one cut (a new level from there),
    or two (a new level, then another: a drop and a recovery), each level `min_size` months or more."""
    singles = [(a,) for a in range(min_size, months - min_size + 1)]
    pairs = [(a, b) for a in range(min_size, months - 2 * min_size + 1)
             for b in range(a + min_size, months - min_size + 1)]
    return singles + pairs


def _lag_masks(months: np.ndarray) -> np.ndarray:
    """(lags, T, T): 1 where two months are that many months apart."""
    lags = np.abs(months[:, None] - months[None, :])
    return (lags[None, :, :] == np.arange(int(lags.max()) + 1)[:, None, None]).astype(float)


def _evidence(segment: MonthlyModel, cuts: tuple[int, ...], y: np.ndarray,
              masks: np.ndarray | None = None) -> np.ndarray:
    """-log p of the Wald test of the steps at `cuts` (chi-square on their number), for each series
    (rows of `y`), the steps' covariance from the noise left once those steps are allowed for: the
    raw (moment) spread and lag-1 correlation of the residuals, so that a series that wanders and
    one that steps are told apart by how much noise each leaves, not by a noise model fixed in
    advance. The same statistic on series simulated under no break calibrates it."""
    months, sampling = segment.months, segment.sampling
    columns = [(np.arange(len(months)) >= cut).astype(float) for cut in cuts]
    design = np.column_stack([segment.base, *columns])
    weighted = design * segment.weights[:, None]
    projector = np.linalg.pinv(design.T @ weighted) @ weighted.T
    residual = y - (y @ projector.T) @ design.T
    dof = max(len(months) - design.shape[1], 1)
    extra = np.maximum((residual**2).sum(axis=1) / dof - sampling.mean(), 0.0)
    consecutive = np.flatnonzero(np.diff(months) == 1)
    scale = residual.var(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        phi = (residual[:, consecutive] * residual[:, consecutive + 1]).mean(axis=1) / scale
    phi = np.clip(np.nan_to_num(phi), 0.0, MAX_PHI) if len(consecutive) >= 3 else np.zeros(len(y))
    rows = projector[-len(cuts):]  # the steps' rows
    steps = y @ rows.T  # (series, q)
    masks = _lag_masks(months) if masks is None else masks
    by_lag = np.einsum("it,dts,js->dij", rows, masks, rows)
    covariance = (rows * sampling) @ rows.T + extra[:, None, None] * np.einsum(
        "sd,dij->sij", phi[:, None] ** np.arange(len(by_lag))[None, :], by_lag)
    covariance = covariance + 1e-12 * np.eye(len(cuts))
    wald = np.einsum("si,si->s", steps, np.linalg.solve(covariance, steps[:, :, None])[:, :, 0])
    return -stats.chi2.logsf(wald, len(cuts))


def _segment(model: MonthlyModel, lo: int, hi: int) -> MonthlyModel:
    base = model.base[lo:hi]
    keep = [j for j in range(base.shape[1]) if j == 0 or np.ptp(base[:, j]) > 0]
    return replace(model, y=model.y[lo:hi], sampling=model.sampling[lo:hi], base=base[:, keep],
                   months=model.months[lo:hi])


def _scan(model: MonthlyModel, lo: int, hi: int, min_size: int, alpha: float,
          rng: np.random.Generator, draws: int) -> list[dict]:
    """The best change (one cut or two) of one segment if it beats the calibrated threshold, each
    cut with its date range; [] when none does."""
    candidates = _candidates(hi - lo, min_size)
    if not candidates:
        return []
    segment = _segment(model, lo, hi)
    masks = _lag_masks(segment.months)
    observed = np.array([_evidence(segment, cuts, segment.y[None, :], masks)[0] for cuts in candidates])
    # Its distribution under no break: series drawn from the noise model fitted under no break
    # (spread and persistence corrected for their small-sample bias, a one-sided upper bound of
    # the persistence), through the same statistic, the best candidate of each kept.
    simulated = _null_series(segment, rng, draws)
    evidence = np.array([_evidence(segment, cuts, simulated, masks) for cuts in candidates])
    p_value = float((1 + (evidence.max(axis=0) >= observed.max()).sum()) / (1 + draws))
    if p_value >= alpha:
        return []
    # Which change: one cut if the best one stands out by itself (calibrated against the best
    # single cut of the same simulated series), else the best pair (a drop and a recovery).
    singles = np.array([len(c) == 1 for c in candidates])
    p_single = float((1 + (evidence[singles].max(axis=0) >= observed[singles].max()).sum()) / (1 + draws))
    pool = np.flatnonzero(singles if p_single < alpha else ~singles)
    cuts = candidates[int(pool[np.argmax(observed[pool])])]
    bounds = [0, *cuts, hi - lo]
    return [_date_cut(segment, bounds[i - 1], cut, bounds[i + 1], lo, p_value, rng, draws)
            for i, cut in enumerate(cuts, start=1)]


def _null_series(segment: MonthlyModel, rng: np.random.Generator, draws: int) -> np.ndarray:
    """`draws` series of the segment under no break: the month-level deviation an AR(1) of the
    segment's persistence and spread whose innovations are heavy-tailed (Student t with
    `NULL_TAIL_DF` degrees of freedom, unit variance: a month can go very wrong), plus the
    binomial noise of each month's launches."""
    months = segment.months
    correlation = segment.phi ** np.abs(months[:, None] - months[None, :])
    root = np.linalg.cholesky(correlation + 1e-10 * np.eye(len(months)))
    shocks = rng.standard_t(NULL_TAIL_DF, (draws, len(months))) * np.sqrt((NULL_TAIL_DF - 2) / NULL_TAIL_DF)
    binomial = rng.standard_normal((draws, len(months))) * np.sqrt(segment.sampling)
    return np.sqrt(segment.extra) * shocks @ root.T + binomial


def _date_cut(segment: MonthlyModel, left: int, cut: int, right: int, offset: int, p_value: float,
              rng: np.random.Generator, draws: int) -> dict:
    """The 95% range of a cut's month: series redrawn with the step found (within its neighbouring
    levels), under the noise left once the step is allowed for, the best cut found again."""
    part = _segment(segment, left, right)
    cuts = np.arange(1, right - left)
    column = (np.arange(right - left) >= cut - left).astype(float)
    design = np.column_stack([part.base, column])
    extra, phi = fit_noise(part.y, part.sampling, design, part.months)
    part = replace(part, extra=extra, phi=phi)
    weighted = design * part.weights[:, None]
    fitted = design @ (np.linalg.pinv(design.T @ weighted) @ weighted.T @ part.y)
    steps, errors, rows = _standardised_steps(part, cuts)
    values, vectors = np.linalg.eigh(part.covariance)
    noise = rng.standard_normal((min(draws, 1000), right - left)) @ (vectors * np.sqrt(np.clip(values, 0, None))).T
    found = cuts[np.abs((fitted + noise) @ (rows / errors[:, None]).T).argmax(axis=1)]
    low, high = np.quantile(found, [0.025, 0.975])
    return {"cut": offset + cut, "low": offset + left + int(np.floor(low)),
            "high": offset + left + int(np.ceil(high)), "step": float(steps[cut - left - 1]),
            "p_value": p_value, "segment_months": right - left}


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
    model = monthly_model(series, design=design, quantile=CALIBRATION_QUANTILE)
    found, queue = [], [(0, len(series))]
    while queue and len(found) < max_breaks:
        lo, hi = queue.pop(0)
        results = _scan(model, lo, hi, min_size, alpha, rng, draws)[:max_breaks - len(found)]
        found += results
        bounds = [lo, *(r["cut"] for r in results), hi]
        if results:
            queue += list(zip(bounds[:-1], bounds[1:], strict=True))
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
    # The noise is the one left once the step at the known date is allowed for: the date is fixed
    # in advance, so no search is paid for, and a real step does not pass for persistence.
    model = monthly_model(series, convention, design=np.column_stack([np.ones(len(series)), after]))
    model = replace(model, base=np.ones((len(series), 1)))
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
    step_words = change_in_points(rates["step_points"], rates["step_low"], rates["step_high"])
    out["verdict"] = (f"{'a step' if stepped else 'no clear step'}: {100 * out['rate_before']:.0f}% before, "
                      f"{100 * out['rate_after']:.0f}% after ({step_words})")
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
                         rng: np.random.Generator, start: str = "2024-08-01",
                         tail_df: float | None = None) -> pd.DataFrame:
    """A monthly series with no break and no trend: logit share = level + AR(1) deviation.

    `tail_df`: the deviation's innovations are Student's t with that many degrees of freedom
    (scaled to the same variance), heavy-tailed like a month that goes very wrong; None: normal."""
    months = len(launched)
    if tail_df is None:
        shocks = rng.standard_normal(months)
    else:
        shocks = rng.standard_t(tail_df, months) * np.sqrt((tail_df - 2) / tail_df)
    deviation = np.zeros(months)
    deviation[0] = extra_sd * shocks[0]
    for t in range(1, months):
        deviation[t] = phi * deviation[t - 1] + extra_sd * np.sqrt(1 - phi**2) * shocks[t]
    shares = special.expit(special.logit(share) + deviation)
    counted = rng.binomial(launched.astype(np.int64), shares)
    series = pd.DataFrame({"date": pd.date_range(start, periods=months, freq="MS"),
                           "launched": launched, "neutralised": counted})
    series.attrs["count_column"] = "neutralised"
    return series


def false_break_rate(launched: np.ndarray, share: float, extra_sd: float, phi: float,
                     series: int = 200, seed: int = 1, draws: int = 2000,
                     tail_df: float | None = None) -> float:
    """Share of simulated flat series in which `search_breaks` finds a break (target <= 5%)."""
    rng = np.random.default_rng(seed)
    hits = 0
    for i in range(series):
        flat = simulate_flat_series(np.asarray(launched), share, extra_sd, phi, rng, tail_df=tail_df)
        hits += not search_breaks(flat, draws=draws, seed=seed + i, max_breaks=1).empty
    return hits / series


# --- in words ----------------------------------------------------------------------------------

#: Smallest difference of two spells' shares (percentage points) that `describe_series` names.
SPELL_POINTS = 3.0


def _segments(k: np.ndarray, n: np.ndarray, cuts: int, min_size: int) -> tuple[float, list[int]]:
    """The best split of the months into `cuts` + 1 spells of at least `min_size` months: the
    launch-weighted squared deviation of the monthly shares from their spell's pooled share."""
    months = len(n)
    share = k / n

    def cost(lo: int, hi: int) -> float:
        pooled = k[lo:hi].sum() / n[lo:hi].sum()
        return float((n[lo:hi] * (share[lo:hi] - pooled) ** 2).sum())

    best: tuple[float, list[int]] = (cost(0, months), [])
    if cuts >= 1:
        for a in range(min_size, months - min_size + 1):
            if cuts == 1:
                total = cost(0, a) + cost(a, months)
                if total < best[0] or not best[1]:
                    best = (total, [a])
                continue
            for b in range(a + min_size, months - min_size + 1):
                total = cost(0, a) + cost(a, b) + cost(b, months)
                if total < best[0] or not best[1]:
                    best = (total, [a, b])
    return best


def _month(date: pd.Timestamp) -> str:
    return f"{pd.Timestamp(date):%B %Y}"


def _moves(levels: list[float], dates: list[pd.Timestamp]) -> list[str]:
    """'a drop in March 2025 (from 95% to 86%)', 'a recovery in February 2026 (to 90%)'..."""
    words = []
    for i in range(1, len(levels)):
        before, after = levels[i - 1], levels[i]
        if after < before:
            kind = "a further drop" if i > 1 and levels[i - 1] < levels[i - 2] else "a drop"
        elif i > 1 and levels[i - 1] < levels[i - 2] and after >= (levels[i - 2] + levels[i - 1]) / 2:
            kind = "a recovery"
        else:
            kind = "a further rise" if i > 1 and levels[i - 1] > levels[i - 2] else "a rise"
        span = f"from {100 * before:.0f}% to {100 * after:.0f}%" if i == 1 else f"to {100 * after:.0f}%"
        words.append(f"{kind} in {_month(dates[i])} ({span})")
    return words


def describe_series(series: pd.DataFrame, breaks: pd.DataFrame | None = None,
                    count_column: str | None = None, min_size: int = 3) -> str:
    """What a monthly series does, in words: "a drop in March 2025 (from 95% to 86%) and a
    recovery in February 2026 (to 90%)".

    With `breaks` (`search_breaks`) that found changes, the spells are theirs and the sentence says
    the search confirms them, with each change's date range. Without, the series is split into at
    most three spells of at least `min_size` months (the split closest to the monthly shares,
    weighted by launches), spells closer than `SPELL_POINTS` points merged; the sentence then says
    that the search cannot tell these swings from the months' persistence, or that the share held
    level (its range of months given either way)."""
    count_column = count_column or series.attrs.get("count_column", "neutralised")
    k = series[count_column].to_numpy(dtype=float)
    n = series["launched"].to_numpy(dtype=float)
    dates = list(pd.to_datetime(series["date"]))
    if len(n) == 0 or n.sum() <= 0:
        return "no whole month with launches."
    share = k / np.where(n > 0, n, 1.0)
    lowest, highest = int(np.argmin(share)), int(np.argmax(share))
    spread = (f"monthly shares from {100 * share[lowest]:.0f}% ({_month(dates[lowest])}) to "
              f"{100 * share[highest]:.0f}% ({_month(dates[highest])})")
    if breaks is not None and len(breaks):
        cuts = [dates.index(pd.Timestamp(d)) for d in breaks["date"]]
        bounds = [0, *cuts, len(n)]
        levels = [k[a:b].sum() / n[a:b].sum() for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        moves = _moves(levels, [dates[0], *[dates[c] for c in cuts]])
        ranges = "; ".join(f"{_month(r.date_low)} to {_month(r.date_high)}" for r in breaks.itertuples())
        return (_and(moves) + f", changes of level the search confirms (95% range of their months: {ranges}); "
                + spread + ".")
    best_cuts: list[int] = []
    for count in (2, 1):
        if len(n) < (count + 1) * min_size:
            continue
        _, cuts = _segments(k, n, count, min_size)
        bounds = [0, *cuts, len(n)]
        levels = [k[a:b].sum() / n[a:b].sum() for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        if all(abs(a - b) * 100 >= SPELL_POINTS for a, b in zip(levels[:-1], levels[1:], strict=True)):
            best_cuts = cuts
            break
    if not best_cuts:
        return f"held about level: {spread}, no spell apart by {SPELL_POINTS:g} points or more."
    bounds = [0, *best_cuts, len(n)]
    levels = [k[a:b].sum() / n[a:b].sum() for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    moves = _moves(levels, [dates[0], *[dates[c] for c in best_cuts]])
    phi = breaks.attrs.get("phi") if breaks is not None else None
    if phi is not None and phi >= 0.5:
        caution = (f"but months run in streaks (correlation up to {phi:.2f} from one month to the next), "
                   "and the search cannot tell these swings from that persistence")
    else:
        caution = "but no change of level stands out from the month-to-month swings"
    return f"{_and(moves)}; {caution}; {spread}."


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
