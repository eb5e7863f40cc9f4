"""The interval of a share pooled over waves: one that holds its level when nights are correlated.

A share such as "87.8% of drones shot down or jammed" pools many waves (nights). Its uncertainty
has three sources the interval must allow for: the rate moves from night to night far more than
binomial sampling allows; waves differ in size by two orders of magnitude (a few big ones carry
much of the total); and nights are not independent: a good night tends to follow a good night,
and the level itself shifts for months at a time (the drone share ran at 93-97% from December
2024 to February 2025, 80-88% from April 2025 to January 2026). An interval that treats each
wave as independent (`cluster_interval`, the method used before) is too narrow on such a record:
`benchmarks/coverage.py` simulates records whose nightly log-odds follow an AR(1) with
persistence up to 0.9, with regime shifts and heavy-tailed (Pareto) wave sizes, and there it
covered as little as 50-60%.

`share_interval` is the interval every share of the project goes through:

- the estimate is the pooled share R = sum k / sum n (every munition counts once, as a reader of
  "share of drones" expects), its deviations linearised wave by wave: z_t = (k_t - R n_t) / mean n;
- the variance of R is a long-run (heteroskedasticity and autocorrelation robust) variance of z
  over the waves *in time order*: the equal-weighted cosine estimator (Müller 2007; Lazarus,
  Lewis, Stock and Watson 2018), the mean square of z's projections on the first `COSINES` cosines
  of the record, 2/T cos(pi j (t - 1/2) / T), j = 1..B. Each cosine spans a quarter of the record
  or more, so a spell of good or bad months, however it arises, enters the variance instead of
  passing for precision (fixed-b inference: the t reference below is exact for any persistence
  that is smooth on the scale of the record);
- two small-sample corrections carried over from the cluster-robust interval (Bell and McCaffrey
  2002): under a working model of independent waves with beta-binomial variance, the estimate is
  scaled to be unbiased (a huge wave cannot hide its own deviation), and the degrees of freedom
  are Satterthwaite's, (tr A)^2 / tr(A^2) for the covariance A of the B projections: B when waves
  are alike, fewer when a few waves carry most launches;
- the quantile is Student's t on those degrees of freedom; the interval is built on the logit
  scale (it stays inside (0, 1) and follows the skew of a share near 0 or 1) and is never
  narrower than the binomial Wilson interval of the pooled counts.

Waves must come in time order (oldest first), as the wave table and every grouping of the
project give them. Where every wave has the same share (all 0 or all 1) there is no spread to
measure: the interval is then the exact Clopper-Pearson interval on the number of waves (each
wave one trial), the most cautious reading. The coverage study (`benchmarks/coverage.py`, its
table in `benchmarks/README.md`) chose the number of cosines and says where no method reaches the
targets; `interval_note` says so beside a figure that rests on such a case (few waves, or waves
that run in long streaks).

More built on it: `share_variance` (the estimate, its variance and degrees of freedom, for a
difference of two periods), `night_interval` (one night's share, with the spread between nights
of its size as the yardstick), `difference_interval` (Newcombe's interval of the difference of two
shares from each share's own interval) and `mean_interval` (Student's t interval of a mean of
per-wave counts).
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats
from statsmodels.stats.proportion import proportion_confint

#: Cosines of the record in the long-run variance (chosen by the coverage study).
COSINES = 4
#: The name of the interval in tables (`method` column) and figures.
INTERVAL_METHOD = (f"over attacks in time order (long-run variance on {COSINES} cosines, fixed-b t "
                   "with Satterthwaite degrees of freedom, logit)")
#: Older name of the same (kept for callers written before the time-series interval).
CLUSTER_METHOD = INTERVAL_METHOD
#: The interval used before: every wave an independent cluster (the coverage study's baseline).
WAVE_CLUSTER_METHOD = "cluster-robust by attack (CR2, Bell-McCaffrey t, logit)"
#: Fewest waves with which the interval held 90% in every cell of the coverage study but those
#: of the strongest persistence (below it, and under strong persistence, `interval_note` warns).
MIN_WAVES_FOR_COVERAGE = 30
#: Lag-1 correlation of the waves' deviations from which `interval_note` warns with few waves.
STREAK_CORRELATION = 0.6
#: Waves below which a streaky record gets that warning (the study's 0.9-persistence cells).
MIN_WAVES_IN_STREAKS = 100


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
    """(low, high, df) of the 1 - alpha interval that treats every wave as independent.

    The method used before `share_interval` (and still its small-sample machinery): the
    cluster-robust (sandwich) variance of the pooled share with each wave a cluster, the CR2
    adjustment of Bell and McCaffrey (2002), Student's t on their Satterthwaite degrees of freedom
    (working model: beta-binomial variance, intra-wave correlation by moments), on the logit
    scale, never narrower than Wilson. It ignores the order of the waves, so it is too narrow when
    nights are correlated; the coverage study keeps it as the baseline.

    `successes` and `trials` are per-wave counts, one group per row (a 1-d array is one group);
    pad groups of fewer waves with zero trials. A group of one wave (or none) gets NaN. The
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
    low, high = _t_interval(k, n, rate, variance, df, waves, alpha, scale, wilson_floor)
    return low, high, np.where(waves < 2, np.nan, df)


def _t_interval(k: np.ndarray, n: np.ndarray, rate: np.ndarray, variance: np.ndarray,
                df: np.ndarray, waves: np.ndarray, alpha: float, scale: str = "logit",
                wilson_floor: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """R +- t(df) se on the logit (or share) scale, the edge cases and the Wilson floor."""
    quantile = stats.t.ppf(1 - alpha / 2, np.where(np.isfinite(df), np.maximum(df, 1.0), 1.0))
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
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


# --- the interval over waves in time order ---------------------------------------------------


def cosine_basis(waves: int, cosines: int) -> np.ndarray:
    """(cosines, waves): row j is sqrt(2 / T) cos(pi j (t + 1/2) / T), j = 1..cosines, t = 0..T-1.

    Orthonormal, and each row orthogonal to a constant: the projections of a series of mean zero
    on them estimate its spectral density at the lowest frequencies, i.e. its long-run variance."""
    j = np.arange(1, cosines + 1)[:, np.newaxis]
    t = np.arange(waves)[np.newaxis, :]
    return np.sqrt(2.0 / waves) * np.cos(np.pi * j * (t + 0.5) / waves)


def _waves_in_order(successes: np.ndarray, trials: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(k, n) as (groups, waves) arrays: a 1-d group loses its zero-trial entries; every row of a
    2-d array must have trials in every wave (rows are records of the same length)."""
    k, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    if k.shape != n.shape:
        raise ValueError(f"successes {k.shape} and trials {n.shape} differ in shape")
    if k.ndim == 1:
        keep = n > 0
        return k[keep][np.newaxis, :], n[keep][np.newaxis, :]
    if np.any(n <= 0):
        raise ValueError("every wave of a 2-d array needs trials (drop empty waves first)")
    return k, n


def share_variance(successes: np.ndarray, trials: np.ndarray,
                   cosines: int = COSINES) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pooled share R, its variance, degrees of freedom) per group, waves in time order.

    The long-run variance of the linearised deviations on the first `cosines` cosines of the
    record (at most waves - 1), scaled to be unbiased under a working model of independent waves
    with beta-binomial variance (n R (1 - R) (1 + (n - 1) rho), rho by moments), with the
    Satterthwaite degrees of freedom of that estimate under the same model (see the module
    docstring). With `cosines` >= waves - 1 it is the CR1-type variance of independent waves.
    NaN for a group of fewer than two waves.
    """
    k, n = _waves_in_order(successes, trials)
    groups, waves = n.shape
    nan = np.full(groups, np.nan)
    if waves < 2:
        with np.errstate(invalid="ignore", divide="ignore"):
            return k.sum(axis=1) / n.sum(axis=1), nan, nan
    used = min(int(cosines), waves - 1)
    basis = cosine_basis(waves, used)
    total = n.sum(axis=1, keepdims=True)
    rate = k.sum(axis=1, keepdims=True) / total
    h = n / total
    z = waves * (k - rate * n) / total  # = T h (k/n - R), mean zero
    projections = z @ basis.T
    omega = (projections**2).mean(axis=1)
    rho = np.nan_to_num(moment_rho(k, n), nan=0.0)
    working = (1 + (n - 1) * rho[:, np.newaxis]) / n  # variance of k/n over R (1 - R)
    # The projections as linear maps of the waves' shares y: G = T C (diag(h) - h h').
    g = waves * (basis[np.newaxis] * h[:, np.newaxis, :]
                 - (h @ basis.T)[:, :, np.newaxis] * h[:, np.newaxis, :])
    a = np.matmul(g * working[:, np.newaxis, :], g.transpose(0, 2, 1))
    trace = np.trace(a, axis1=1, axis2=2)
    trace_square = np.einsum("gij,gji->g", a, a)
    target = (h**2 * working).sum(axis=1)  # Var(R) under the working model, over R (1 - R)
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = omega * target * used / trace
        df = trace**2 / trace_square
    return rate[:, 0], variance, df


def share_interval(successes: np.ndarray, trials: np.ndarray, alpha: float = 0.05,
                   cosines: int = COSINES) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(low, high, df) of the 1 - alpha interval of the pooled share, per group: THE interval of
    every share of the project (module docstring). Waves in time order, oldest first; a 1-d
    array is one group (zero-trial waves dropped), a 2-d array one group per row. NaN for fewer
    than two waves: one wave says nothing about the spread from one wave to the next."""
    k, n = _waves_in_order(successes, trials)
    rate, variance, df = share_variance(k, n, cosines)
    waves = np.full(n.shape[0], n.shape[1])
    low, high = _t_interval(k, n, rate, variance, df, waves, alpha)
    return low, high, np.where(waves < 2, np.nan, df)


#: Fewest nights of a similar size that measure the spread behind a single night's interval.
MIN_REFERENCE_NIGHTS = 20


def night_interval(successes: float, trials: float, reference_successes: np.ndarray,
                   reference_trials: np.ndarray, alpha: float = 0.05) -> tuple[float, float, int]:
    """(low, high, nights) of the share of one night, read as a measure of the defense's rate.

    One night cannot show how far its share strays from the rate behind it; other nights of its
    size can. The yardstick is the spread of the (empirical) log-odds of the reference nights
    whose size lies within a factor 2 of this night's (widened by factors of 1.5 until at least
    `MIN_REFERENCE_NIGHTS` qualify, or all of them do): the interval is logit(share) +- t(m - 1)
    s, with s their standard deviation and m their number (`nights`). Binomial sampling at that
    size is part of their spread, so it is never left out. NaN with fewer than 3 reference nights.
    """
    k, n = float(successes), float(trials)
    ref_k = np.asarray(reference_successes, dtype=float)
    ref_n = np.asarray(reference_trials, dtype=float)
    keep = ref_n > 0
    ref_k, ref_n = ref_k[keep], ref_n[keep]
    if n <= 0 or len(ref_n) < 3:
        return float("nan"), float("nan"), int(len(ref_n))
    factor = 2.0
    while True:
        near = (ref_n >= n / factor) & (ref_n <= n * factor)
        if near.sum() >= MIN_REFERENCE_NIGHTS or near.all():
            break
        factor *= 1.5
    ref_k, ref_n = ref_k[near], ref_n[near]
    if len(ref_n) < 3:
        return float("nan"), float("nan"), int(len(ref_n))
    log_odds = np.log((ref_k + 0.5) / (ref_n - ref_k + 0.5))
    half = stats.t.ppf(1 - alpha / 2, len(ref_n) - 1) * log_odds.std(ddof=1)
    centre = np.log((k + 0.5) / (n - k + 0.5))
    return float(special.expit(centre - half)), float(special.expit(centre + half)), int(len(ref_n))


def streak_correlation(successes: np.ndarray, trials: np.ndarray) -> float:
    """Lag-1 correlation of one group's linearised deviations in time order, corrected for its
    small-sample bias (about -(1 + 4 r) / T, Kendall 1954); NaN with fewer than 4 waves."""
    k, n = _waves_in_order(successes, trials)
    k, n = k[0], n[0]
    if len(n) < 4 or n.sum() <= 0:
        return float("nan")
    z = k - n * k.sum() / n.sum()
    squares = float((z**2).sum())
    if squares <= 0:
        return float("nan")
    raw = float((z[1:] * z[:-1]).sum()) / squares
    return float(np.clip(raw + (1 + 4 * raw) / len(z), -1.0, 1.0))


def few_waves_note(waves: int) -> str:
    """What a reader must know about an interval over `waves` waves ('' when it holds its level)."""
    if waves < 2:
        return "one attack: no interval for the spread from one attack to the next"
    if waves < MIN_WAVES_FOR_COVERAGE:
        return (f"only {waves} attacks, a rough guide: below {MIN_WAVES_FOR_COVERAGE} the interval "
                "can miss when attacks run in streaks of good or bad nights")
    return ""


def interval_note(successes: np.ndarray, trials: np.ndarray) -> str:
    """The note beside one group's interval: too few waves (`few_waves_note`), or waves that run
    in long streaks (lag-1 correlation at least `STREAK_CORRELATION`) with fewer than
    `MIN_WAVES_IN_STREAKS` of them, where the coverage study's interval held less than 90%."""
    k, n = _waves_in_order(successes, trials)
    waves = n.shape[1]
    note = few_waves_note(waves)
    if note or waves >= MIN_WAVES_IN_STREAKS:
        return note
    streak = streak_correlation(k, n)
    if np.isfinite(streak) and streak >= STREAK_CORRELATION:
        return (f"attacks run in long streaks here (correlation {streak:.2f} from one to the next): "
                f"with fewer than {MIN_WAVES_IN_STREAKS} such attacks the interval can miss")
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
