"""The interval of a share pooled over waves: a cluster-robust ratio interval that holds its level.

A share such as "87.8% of drones shot down or jammed" pools many waves (nights). The rate moves from
night to night far more than binomial sampling allows, and waves differ in size by two orders of
magnitude, so neither the binomial interval nor one widened by a single dispersion factor covers
(`benchmarks/coverage.py` measures it: the quasi-binomial interval covered 85% at 30 waves). The
interval here treats each wave as one independent observation of its counts:

- the estimate is the pooled share R = sum k / sum n (the ratio estimator; every munition counts
  once, as a reader of "share of drones" expects);
- its variance is the cluster-robust (sandwich) variance of that ratio with the CR2 small-sample
  adjustment of Bell and McCaffrey (2002): each wave's residual is scaled by 1 / sqrt(1 - h), h its
  share of the launches, so one huge wave does not hide its own deviation;
- the quantile is Student's t on the Bell-McCaffrey (Satterthwaite) degrees of freedom, which fall
  towards 1 when a few waves carry most launches (Imbens and Kolesar 2016), under a working model
  of beta-binomial variance with the intra-wave correlation estimated from the data;
- the interval is built on the logit scale (so it stays inside (0, 1) and follows the skew of a
  share near 0 or 1) and is never narrower than the binomial Wilson interval of the pooled counts.

Where every wave has the same share (all 0 or all 1) there is no spread to measure: the interval is
then the exact Clopper-Pearson interval on the number of waves (each wave one trial), the most
cautious reading. The coverage study ships in `benchmarks/coverage.py` with its table in
`benchmarks/README.md`: with 12 waves or more this interval meets the targets there (at least 90%
with 12 waves, 93% with 30, on average over the simulated records); with fewer it still covers,
but only by spanning much of the range, no narrower method holds, and `few_waves_note` says so
beside the figure.

Two more built on it: `difference_interval`, Newcombe's interval of the difference of two shares
from each share's own interval (a change between two periods, in percentage points), and
`mean_interval`, Student's t interval of a mean of per-wave counts (what got through per attack).
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats
from statsmodels.stats.proportion import proportion_confint

#: The name of the interval in tables (`method` column) and figures.
CLUSTER_METHOD = "cluster-robust by attack (CR2, Bell-McCaffrey t, logit)"
#: Fewest waves with which the cluster interval held its level in the coverage study.
MIN_WAVES_FOR_COVERAGE = 12


def _as_2d(values: np.ndarray) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    return array[np.newaxis, :] if array.ndim == 1 else array


def moment_rho(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """Moment estimate of the intra-wave correlation rho, per row of (groups x waves) arrays.

    E (k - n R)^2 = n R (1 - R) (1 + (n - 1) rho) summed over waves, solved for rho and clipped to
    [0, 1]. Zero-launch entries (padding) add nothing. NaN where the pooled share is 0 or 1.
    """
    k, n = _as_2d(successes), _as_2d(trials)
    total = n.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = k.sum(axis=1, keepdims=True) / total
        binomial = n * rate * (1 - rate)
        excess = ((k - n * rate) ** 2 - binomial).sum(axis=1)
        spread = (binomial * (n - 1)).sum(axis=1)
        rho = np.where(spread > 0, excess / spread, np.nan)
    return np.clip(rho, 0.0, 1.0)


def bell_mccaffrey_df(weights: np.ndarray, working_variance: np.ndarray) -> np.ndarray:
    """Satterthwaite degrees of freedom of the CR2 variance of a weighted mean (one row per group).

    For the weighted mean R = sum h y with h = w / sum w, residuals e = (I - 1 h') y, and the CR2
    variance V = e' C e with C = diag(h^2 / (1 - h)), a working covariance diag(omega) of y gives
    df = tr(C S)^2 / tr((C S)^2), S = (I - 1 h') diag(omega) (I - 1 h')'. Computed in O(waves)
    from S's structure (S_ij = omega_i [i = j] + a_i + a_j + s, a = -omega h, s = sum h^2 omega);
    `tests/test_intervals.py` checks it against the matrix formula.
    """
    w, omega = _as_2d(weights), _as_2d(working_variance)
    # A single wave (h = 1) has no degrees of freedom: its NaN is kept, quietly.
    with np.errstate(divide="ignore", invalid="ignore"):
        h = w / w.sum(axis=1, keepdims=True)
        c = np.where(w > 0, h**2 / (1 - h), 0.0)
        omega = np.where(w > 0, omega, 0.0)
        a = -omega * h
        s = (h**2 * omega).sum(axis=1, keepdims=True)
        trace = (c * (omega + 2 * a + s)).sum(axis=1)
        c1 = c.sum(axis=1, keepdims=True)
        ca = (c * a).sum(axis=1, keepdims=True)
        ca2 = (c * a**2).sum(axis=1, keepdims=True)
        off = 2 * c1 * ca2 + s**2 * c1**2 + 2 * ca**2 + 4 * s * ca * c1
        diagonal = (2 * c**2 * omega * (2 * a + s) + c**2 * omega**2).sum(axis=1, keepdims=True)
        return (trace**2 / (off + diagonal)[:, 0])


def cr2_variance(
    successes: np.ndarray, trials: np.ndarray, adjustment: str = "cr2"
) -> tuple[np.ndarray, np.ndarray]:
    """(pooled share R, cluster-robust variance of R) per row of (groups x waves) arrays.

    `adjustment`: "cr2" (each residual over 1 - h, Bell-McCaffrey) or "cr1" (the plain sandwich
    times m / (m - 1), the usual Stata-style correction).
    """
    k, n = _as_2d(successes), _as_2d(trials)
    total = n.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = k.sum(axis=1, keepdims=True) / total
        h = n / total
        share = np.where(n > 0, k / np.where(n > 0, n, 1.0), 0.0)
        squares = np.where(n > 0, h**2 * (share - rate) ** 2, 0.0)
        if adjustment == "cr2":
            return rate[:, 0], np.where(n > 0, squares / (1 - h), 0.0).sum(axis=1)
        waves = (n > 0).sum(axis=1)
        return rate[:, 0], squares.sum(axis=1) * waves / (waves - 1)


def cluster_interval(
    successes: np.ndarray,
    trials: np.ndarray,
    alpha: float = 0.05,
    adjustment: str = "cr2",
    degrees: str = "bell-mccaffrey",
    scale: str = "logit",
    wilson_floor: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(low, high, df) of the 1 - alpha cluster-robust interval of the pooled share, per group.

    `successes` and `trials` are per-wave counts, one group per row (a 1-d array is one group);
    pad groups of fewer waves with zero trials. A group of one wave (or none) gets NaN: one wave
    says nothing about the night-to-night spread. See the module docstring for the method; the
    keywords choose the variants the coverage study compares (`degrees`: "bell-mccaffrey" or
    "waves-1"; `scale`: "logit" or "share"; `wilson_floor`: never narrower than Wilson).
    """
    k, n = _as_2d(successes), _as_2d(trials)
    waves = (n > 0).sum(axis=1)
    rate, variance = cr2_variance(k, n, adjustment)
    if degrees == "bell-mccaffrey":
        rho = moment_rho(k, n)
        working = (1 + (n - 1) * np.nan_to_num(rho, nan=0.0)[:, np.newaxis]) / np.where(n > 0, n, 1.0)
        df = np.maximum(bell_mccaffrey_df(n, working), 1.0)
    else:
        df = np.maximum(waves - 1.0, 1.0)
    quantile = stats.t.ppf(1 - alpha / 2, np.where(np.isfinite(df), df, 1.0))
    inside = (rate > 0) & (rate < 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if scale == "logit":
            centre = special.logit(np.where(inside, rate, 0.5))
            half = quantile * np.sqrt(variance) / np.where(inside, rate * (1 - rate), 1.0)
            low, high = special.expit(centre - half), special.expit(centre + half)
        else:
            half = quantile * np.sqrt(variance)
            low, high = np.clip(rate - half, 0.0, 1.0), np.clip(rate + half, 0.0, 1.0)
    # Every wave at 0% or 100%: no spread to measure; each wave one trial, exactly.
    successes_waves = np.round(np.where(inside, 0.0, rate) * waves)
    edge_low, edge_high = proportion_confint(successes_waves, np.maximum(waves, 1), alpha=alpha,
                                             method="beta")
    edge_low = np.where(rate >= 1, edge_low, 0.0)
    edge_high = np.where(rate <= 0, edge_high, 1.0)
    low = np.where(inside, low, edge_low)
    high = np.where(inside, high, edge_high)
    if wilson_floor:  # never narrower than the binomial interval of the pooled counts
        wilson_low, wilson_high = proportion_confint(k.sum(axis=1), np.maximum(n.sum(axis=1), 1),
                                                     alpha=alpha, method="wilson")
        low, high = np.minimum(low, wilson_low), np.maximum(high, wilson_high)
    empty = waves < 2
    low, high = np.where(empty, np.nan, low), np.where(empty, np.nan, high)
    return low, high, np.where(empty, np.nan, df)


def few_waves_note(waves: int) -> str:
    """What a reader must know about an interval over `waves` waves ('' when it holds its level)."""
    if waves < 2:
        return "one attack: no interval for the spread from one attack to the next"
    if waves < MIN_WAVES_FOR_COVERAGE:
        return (f"only {waves} attacks, a rough guide: below {MIN_WAVES_FOR_COVERAGE} the interval "
                "keeps its 95% level only by being very wide")
    return ""


def difference_interval(p1: float, low1: float, high1: float,
                        p2: float, low2: float, high2: float) -> tuple[float, float]:
    """Newcombe's hybrid score interval of p1 - p2 from each share's own interval.

    With Wilson intervals this is Newcombe's method 10 (Newcombe 1998); with `cluster_interval`'s
    it carries each period's night-to-night spread (tests/test_intervals.py measures its coverage).
    NaN if a bound is missing.
    """
    values = np.array([p1, low1, high1, p2, low2, high2], dtype=float)
    if not np.all(np.isfinite(values)):
        return float("nan"), float("nan")
    difference = p1 - p2
    below = np.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2)
    above = np.sqrt((high1 - p1) ** 2 + (p2 - low2) ** 2)
    return float(difference - below), float(difference + above)


def mean_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of per-wave counts with Student's t interval (the low bound not below 0 for counts).

    With few and skewed values (a handful of large attacks) it holds its level better than a
    percentile bootstrap, which covers about 85% at 8 values in the coverage study. NaN bounds with
    fewer than two values; NaN throughout with none."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(values.mean())
    if len(values) < 2:
        return mean, float("nan"), float("nan")
    half = stats.t.ppf(0.5 + level / 2, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    low = mean - half
    if values.min() >= 0:
        low = max(low, 0.0)
    return mean, float(low), float(mean + half)
