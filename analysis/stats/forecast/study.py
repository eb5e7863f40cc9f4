"""Simulation study: do the forecast's intervals hold their level when the truth is known?

Series are drawn from a known negative-binomial trend model (the `nb-trend` model's own form: a
log-linear rate per day, overdispersion alpha, whole periods as exposure), the model is fitted to
the past part, and its intervals are checked against the future part: how often the true trend
lies in its 95% interval, how often each period ahead (and the sum over them) lies in the
forecast's central interval. A second study does the same for the naive forecast on a random
walk of the daily rate, the case it is built for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.stats.forecast.models import TREND_WINDOW, fit_nb_trend, fit_random_walk
from analysis.stats.forecast.paths import DEFAULT_SEED, path_quantiles, stream
from analysis.stats.forecast.series import History, period_days


@dataclass(frozen=True)
class TrendTruth:
    """A negative-binomial trend: rate per day at the series' end, growth per year, alpha."""

    rate_per_day: float = 200.0
    log_growth_per_year: float = 0.5
    alpha: float = 0.05


def _starts(by: str, periods: int) -> pd.DatetimeIndex:
    """Consecutive periods from August 2024 (weeks from its first Monday)."""
    return pd.date_range("2024-08-05" if by == "week" else "2024-08-01", periods=periods,
                         freq={"month": "MS", "week": "7D", "day": "D"}[by])


def simulate_nb_trend(truth: TrendTruth, starts: pd.DatetimeIndex, by: str,
                      rng: np.random.Generator, origin: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """Counts of the periods at `starts` drawn from `truth` (its rate applies at `origin`)."""
    days = period_days(starts, by)
    years = ((starts - origin) / pd.Timedelta(days=1) + days / 2.0) / 365.25
    mu = days * truth.rate_per_day * np.exp(truth.log_growth_per_year * np.asarray(years))
    shape = 1.0 / truth.alpha
    return rng.poisson(rng.gamma(shape, mu / shape)).astype(float), days


def nb_trend_study(
    truth: TrendTruth = TrendTruth(),
    *,
    replicates: int = 200,
    horizon: int = 3,
    level: float = 0.9,
    paths: int = 1000,
    seed: int = DEFAULT_SEED,
    by: str = "month",
) -> dict[str, object]:
    """Fit `nb-trend` to a year of simulated periods (months, or weeks with `by="week"`), forecast
    `horizon` periods, `replicates` times.

    Returns the share of replicates whose 95% trend interval holds the true trend, the mean
    estimate, and per horizon (and for the sum over the horizon) the share of true outcomes in
    the forecast's central `level` interval.
    """
    window = TREND_WINDOW[by]
    starts = _starts(by, window + horizon)
    origin = starts[window - 1]  # the last fitted month: where the true rate is rate_per_day
    trend_hits, estimates = 0, []
    hits = np.zeros(horizon + 1)
    for r in range(replicates):
        rng = stream(seed, 7, r)
        counts, days = simulate_nb_trend(truth, starts, by, rng, origin)
        fitted = fit_nb_trend(History(by, starts[:window], counts[:window], days[:window]))
        low, high = fitted.params["trend_ci95"]
        trend_hits += low <= truth.log_growth_per_year <= high
        estimates.append(fitted.params["trend_log_per_year"])
        draws = fitted.simulate(starts[window:], days[window:], paths, rng)
        draws = np.column_stack([draws, draws.sum(axis=1)])
        actual = np.append(counts[window:], counts[window:].sum())
        q = path_quantiles(draws, level)
        hits += (actual >= q["low"]) & (actual <= q["high"])
    coverage = pd.DataFrame({
        "horizon": [*(str(h) for h in range(1, horizon + 1)), f"sum of 1-{horizon}"],
        "coverage": hits / replicates, "replicates": replicates, "level": level,
    })
    return {"trend_coverage_95": trend_hits / replicates, "trend_mean": float(np.mean(estimates)),
            "truth": truth, "coverage": coverage}


def naive_random_walk_study(
    *,
    replicates: int = 200,
    periods: int = 24,
    horizon: int = 3,
    level: float = 0.9,
    rate_per_day: float = 200.0,
    step_per_day: float = 20.0,
    paths: int = 1000,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Monthly counts whose daily rate is a Gaussian random walk: the naive forecast's model.

    Per horizon, the share of true outcomes inside the naive forecast's central interval.
    """
    starts = _starts("month", periods + horizon)
    days = period_days(starts, "month")
    hits = np.zeros(horizon)
    for r in range(replicates):
        rng = stream(seed, 8, r)
        rate = rate_per_day + np.cumsum(rng.normal(0.0, step_per_day, len(starts)))
        counts = np.maximum(rate, 0.0) * days
        fitted = fit_random_walk(History("month", starts[:periods], counts[:periods], days[:periods]),
                                 1, "naive")
        q = path_quantiles(fitted.simulate(starts[periods:], days[periods:], paths, rng), level)
        hits += (counts[periods:] >= q["low"]) & (counts[periods:] <= q["high"])
    return pd.DataFrame({"horizon": np.arange(1, horizon + 1), "coverage": hits / replicates,
                         "replicates": replicates, "level": level})
