"""Monte Carlo standard errors: how much a figure from N runs would move with another seed.

Every mean and quantile the model reports carries one. A run is one independent draw, so:

- a mean of per-run values: the sample standard deviation / sqrt(N);
- a share of runs (a proportion p): sqrt(p (1 - p) / N); but a standard error of 0 at 0 or N of N
  runs says nothing, so shares are also given as a 95% interval (`share_interval`): Wilson's
  interval, and at 0 (or N) of N runs the exact one-sided bound 1 - 0.05^(1/N), about 3/N (the
  rule of three): "under 1.5% (0 of 200 runs)";
- a ratio of totals over runs (kills / arrivals, defender / attacker spending): the delta method on
  per-run totals, sqrt(var(a - R b) / N) / mean(b);
- a quantile q: from the order statistics. The number of runs below the true quantile is
  binomial(N, q), so the ranks N q -/+ sqrt(N q (1 - q)) bracket it with about 68% probability
  (one standard error each side); half the distance between the values at those ranks is the
  standard error. It needs no density estimate and is 0 when the quantile is certain (every run
  ran out on the same day). Where a bracketing value is censored (beyond the horizon), the
  standard error is not known (None).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def mean_se(values: np.ndarray) -> float | None:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size < 2:
        return None
    return float(values.std(ddof=1) / math.sqrt(values.size))


def proportion_se(share: float, runs: int) -> float:
    return math.sqrt(max(share * (1.0 - share), 0.0) / runs) if runs > 0 else math.nan


def share_interval(count: int, runs: int, level: float = 0.95) -> tuple[float, float]:
    """A `level` interval for a share of runs seen `count` times in `runs` (module doc)."""
    if runs <= 0:
        return (math.nan, math.nan)
    if count <= 0:
        return (0.0, 1.0 - (1.0 - level) ** (1.0 / runs))
    if count >= runs:
        return ((1.0 - level) ** (1.0 / runs), 1.0)
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(count, runs, alpha=1.0 - level, method="wilson")
    return (float(low), float(high))


def share_text(count: int, runs: int) -> str:
    """A share of runs in words with its 95% interval: 'under 1.5% (0 of 200 runs)', 'over 98.5%
    (200 of 200 runs)', '43% (95%: 36-50%, 87 of 200 runs)'."""
    low, high = share_interval(count, runs)
    if count <= 0:
        return f"under {_bound(high, up=True)} (0 of {runs:,} runs)"
    if count >= runs:
        return f"over {_bound(low, up=False)} ({runs:,} of {runs:,} runs)"
    return f"{_percent(count / runs)} (95%: {_percent(low)} to {_percent(high)}, {count:,} of {runs:,} runs)"


def _percent(share: float) -> str:
    return "100%" if share >= 1 else f"{share:.1%}"


def _bound(share: float, up: bool) -> str:
    """A one-sided bound in words, rounded away from the runs seen so that it still holds ('under'
    rounds up, 'over' down), with as many decimals as keep it off 0% and 100%: 10,000 of 10,000
    runs give 'over 99.9%', never 'over 100.0%'."""
    for digits in range(1, 6):
        scale = 10.0 ** (digits + 2)
        shown = math.ceil(share * scale) / scale if up else math.floor(share * scale) / scale
        if 0 < shown < 1:
            return f"{shown:.{digits}%}"
    return f"{share:.5%}"


def ratio_se(numerator: np.ndarray, denominator: np.ndarray) -> float | None:
    """Standard error of sum(numerator) / sum(denominator) over runs (delta method)."""
    a = np.asarray(numerator, dtype=float)
    b = np.asarray(denominator, dtype=float)
    if a.size < 2 or b.sum() <= 0:
        return None
    ratio = a.sum() / b.sum()
    residual = a - ratio * b
    return float(residual.std(ddof=1) / math.sqrt(a.size) / b.mean())


def quantile_se(values: np.ndarray, q: float) -> float | None:
    """Standard error of the q-quantile of `values` (inf = censored) from order statistics."""
    values = np.sort(np.asarray(values, dtype=float))
    n = values.size
    if n < 2:
        return None
    spread = math.sqrt(n * q * (1.0 - q))
    low = int(np.clip(math.floor(n * q - spread), 0, n - 1))
    high = int(np.clip(math.ceil(n * q + spread), 0, n - 1))
    if not (math.isfinite(values[low]) and math.isfinite(values[high])):
        return None
    return float((values[high] - values[low]) / 2.0)


def quantile(values: np.ndarray, q: float) -> float:
    """The q-quantile as the engine reports it: the smallest value with at least q of runs at or
    below it (inverted CDF); inf when that is a censored run."""
    return float(np.quantile(np.asarray(values, dtype=float), q, method="inverted_cdf"))


def band(values: np.ndarray) -> dict[str, Any]:
    """{mean, p10, p90} of per-run values (NaN runs skipped) with their standard errors."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return {"mean": None, "p10": None, "p90": None,
                "mcse": {"mean": None, "p10": None, "p90": None}}
    return {
        "mean": float(values.mean()),
        "p10": quantile(values, 0.1),
        "p90": quantile(values, 0.9),
        "mcse": {"mean": mean_se(values), "p10": quantile_se(values, 0.1),
                 "p90": quantile_se(values, 0.9)},
    }


def runs_for_precision(standard_error: float | None, runs: int, wanted: float) -> int | None:
    """Runs needed to bring a standard error seen with `runs` down to `wanted` (error ~ 1/sqrt(N))."""
    if standard_error is None or wanted <= 0 or not math.isfinite(standard_error):
        return None
    return max(runs, math.ceil(runs * (standard_error / wanted) ** 2))
