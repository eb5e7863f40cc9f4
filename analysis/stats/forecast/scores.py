"""Scores of a forecast given as sample paths against what then happened.

- CRPS (continuous ranked probability score) of a sample x_1..x_m against the outcome y:
  E|X - y| - E|X - X'| / 2, in launches; it rewards a sharp forecast only where it is right and
  reduces to the absolute error for a point forecast. Computed exactly for the sample (sorted:
  the second term is sum_i (2i - m - 1) x_(i) / m^2).
- Interval score of a central (1 - a) interval [l, u]: (u - l) + 2/a (l - y) if y < l
  + 2/a (y - u) if y > u (Gneiting and Raftery 2007): width plus a penalty for a miss.
"""

from __future__ import annotations

import numpy as np

#: Quantiles are values of the sample (whole launches), not interpolated between two of them.
QUANTILE_METHOD = "inverted_cdf"


def crps_sample(samples: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """CRPS of each row of `samples` (n, m) against `outcome` (n,)."""
    samples = np.sort(np.atleast_2d(np.asarray(samples, dtype=float)), axis=1)
    outcome = np.asarray(outcome, dtype=float).reshape(-1, 1)
    m = samples.shape[1]
    spread_weights = (2.0 * np.arange(1, m + 1) - m - 1.0) / m**2
    return np.abs(samples - outcome).mean(axis=1) - samples @ spread_weights


def interval_score(low: np.ndarray, high: np.ndarray, outcome: np.ndarray, level: float) -> np.ndarray:
    """Interval score of central `level` intervals [low, high] (smaller is better)."""
    alpha = 1.0 - level
    low, high, outcome = (np.asarray(a, dtype=float) for a in (low, high, outcome))
    below = np.clip(low - outcome, 0.0, None)
    above = np.clip(outcome - high, 0.0, None)
    return (high - low) + (2.0 / alpha) * (below + above)


def central_interval(samples: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The (1 - level) / 2 and (1 + level) / 2 quantiles of each row of `samples`."""
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(samples, (tail, 1.0 - tail), axis=-1, method=QUANTILE_METHOD)
    return low, high
