"""Interception rates with honest uncertainty: binomial and overdispersion-aware intervals."""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
from statsmodels.stats.proportion import proportion_confint

IntervalMethod = Literal["wilson", "jeffreys"]
INTERVAL_METHODS: tuple[str, ...] = ("wilson", "jeffreys")


def binomial_interval(
    successes: float | np.ndarray,
    trials: float | np.ndarray,
    method: IntervalMethod = "wilson",
    alpha: float = 0.05,
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """The (low, high) 1 - alpha interval of a binomial proportion, for scalars or arrays.

    `wilson` is the Wilson score interval; `jeffreys` the equal-tailed Jeffreys interval with the
    usual boundary rule (low = 0 when successes = 0, high = 1 when successes = trials; Brown, Cai
    and DasGupta 2001). Zero trials give NaN. Scalars in, floats out; arrays in, arrays out.
    """
    if method not in INTERVAL_METHODS:
        raise ValueError(f"method must be one of {INTERVAL_METHODS}, got {method!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    scalar = np.ndim(successes) == 0 and np.ndim(trials) == 0
    k, n = np.broadcast_arrays(
        np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    )
    if np.any((k < 0) | (k > n)):
        raise ValueError("successes must lie between 0 and trials")
    valid = n > 0
    low = np.full(k.shape, np.nan)
    high = np.full(k.shape, np.nan)
    if np.any(valid):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lo, hi = proportion_confint(k[valid], n[valid], alpha=alpha, method=method)
        lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
        if method == "jeffreys":
            lo = np.where(k[valid] == 0, 0.0, lo)
            hi = np.where(k[valid] == n[valid], 1.0, hi)
        low[valid] = np.clip(lo, 0.0, 1.0)
        high[valid] = np.clip(hi, 0.0, 1.0)
    if scalar:
        return float(low.reshape(-1)[0]), float(high.reshape(-1)[0])
    return low, high
