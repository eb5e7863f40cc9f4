"""Partial pooling of the families of a class: honest estimates for small families.

A family of 24 launches (Kh-22) or a month of 6 Kinzhals gives a raw share whose interval spans
most of the range. Its class says something about it, but not everything: Kh-22 is not Kh-101.
The hierarchical model here lets the data decide how much a family borrows from its class:

    p_f     the family's share of launches stopped, drawn from its class:
            Beta(mu * kappa, (1 - mu) * kappa)
    data    the family's raw share R_f = stopped / launched, worth n_eff launches: the launches
            of each unit (a month, by default: the units of dependence) count for
            n / (1 + (n - 1) rho), rho the correlation of launches within a unit (the design
            effect of a cluster sample), so a month of 4,000 drones that rise and fall together
            weighs what its independent information is worth, not 4,000 coin tosses

The likelihood of p_f is binomial in the effective counts (R_f n_eff of n_eff): its centre is the
raw share itself, the launch-weighted figure a reader quotes, and its width that of the share's
spread over months. rho is the moment estimate over the families of the class (each around its own
share; `intervals.moment_rho`'s formula), or the one given. The hyperparameters (mu, kappa) are
integrated out on a grid under flat priors (mu uniform, log kappa uniform from 0.5 to 5,000), so a
class of two or three families is not pooled harder than its data allow: a family far from the
others pulls kappa down and is left near its own share. Everything is exact quadrature on grids,
no sampling: the same input gives the same figures on any machine, in a fraction of a second.

`pooled` is the posterior mean of p_f, `low`/`high` the equal-tailed 1 - alpha interval. The
model's assumptions (exchangeable families, independent months, a beta shape across families) are
not those of the simulator that checks it (`benchmarks/pooling.py`: months and nights correlated,
shocks common to a class, a step in the share, families that do not follow a beta); the table is in
`benchmarks/README.md` and `tests/test_pooling.py` runs a small version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special, stats

from analysis.stats.intervals import cr2_variance

# Grids of the quadrature: p on the logit scale (fine enough for a family of 100,000 launches),
# the hyperparameters coarser (they enter smoothly).
P_LOGIT = np.linspace(-11.0, 11.0, 2001)
MU_LOGIT = np.linspace(-7.0, 7.0, 57)
LOG10_KAPPA = np.linspace(np.log10(0.5), np.log10(1000.0), 29)
#: Fewest units a family needs to take part in the estimate of the within-unit correlation.
MIN_UNITS_FOR_RHO = 4
#: Fewest launches for which a pooled share is given: below it (two launches of a type not given)
#: the coverage study finds the interval no longer holds its level for a family unlike its class
#: (80% against the 90% target), so a family this small gets counts only, while its launches still
#: inform the class.
MIN_LAUNCHED = 5
#: Share of a class's families that may be unlike it (their share uniform, not drawn around the
#: class's): a grid with a flat prior, so one odd family is not pulled to its class's mean.
UNLIKE = np.array([0.02, 0.1, 0.2, 0.3, 0.4, 0.5])
#: Longest lag (in units) of the correlation between units the intervals allow for.
MAX_LAG = 6


@dataclass(frozen=True)
class PooledFamilies:
    """Per family (in the order given): posterior mean `pooled`, `low`, `high` (1 - alpha) and the
    effective launches `n_eff`; the class's `mu` (posterior mean of the mean of the families'
    shares), the posterior median of `kappa` (how alike the families are: large = alike, pooled
    hard) and the within-unit correlation `rho` used."""

    pooled: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n_eff: np.ndarray
    mu: float
    kappa: float
    rho: float
    serial: np.ndarray  # correlation of units 1, 2, ... apart


def _grid_weights(logit: np.ndarray) -> np.ndarray:
    """Trapezoid weights of d(share) on a logit grid: dp = p (1 - p) dx."""
    p = special.expit(logit)
    return p * (1 - p) * np.gradient(logit)


def within_unit_correlation(units: Sequence[tuple]) -> float:
    """Moment estimate of the correlation of launches within a unit, pooled over the families of
    at least `MIN_UNITS_FOR_RHO` units, each around its own share: the sum of
    ((k - n R)^2 - n R (1 - R)) over the sum of n R (1 - R) (n - 1), clipped to [0, 1]; NaN when
    no such family has a share strictly between 0 and 1 over units of more than one launch."""
    excess = spread = 0.0
    for family in units:
        k, n, _ = _unit_arrays(family)
        if len(n) < MIN_UNITS_FOR_RHO:  # a share fitted to one or two units hides their spread
            continue
        rate = k.sum() / n.sum()
        binomial = n * rate * (1 - rate)
        excess += float(((k - n * rate) ** 2 - binomial).sum())
        spread += float((binomial * (n - 1)).sum())
    if spread <= 0:
        return float("nan")
    return float(np.clip(excess / spread, 0.0, 1.0))


def _standardised(k: np.ndarray, n: np.ndarray, rho: float) -> np.ndarray:
    """Residuals of a family's units around its own share, each over its model sd."""
    rate = k.sum() / n.sum()
    variance = n * rate * (1 - rate) * (1 + (n - 1) * rho)
    return np.where(variance > 0, (k - n * rate) / np.sqrt(np.where(variance > 0, variance, 1.0)), 0.0)


def serial_correlations(units: Sequence[tuple], rho: float, max_lag: int = MAX_LAG) -> np.ndarray:
    """Correlation of a family's standardised residuals `lag` units apart (months, or attacks in
    time order), lags 1 to `max_lag`, pooled over the families of at least `MIN_UNITS_FOR_RHO`
    units; each lag's figure has the bias of a share fitted to the family's own units taken off
    (+1 / units). Where no pair is `lag` apart, 0."""
    sums, pairs = np.zeros(max_lag + 1), np.zeros(max_lag + 1)
    corrections = []
    for family in units:
        k, n, position = _unit_arrays(family)
        if len(n) < MIN_UNITS_FOR_RHO or not 0 < k.sum() < n.sum():
            continue
        z = dict(zip(position.tolist(), _standardised(k, n, rho), strict=True))
        for lag in range(max_lag + 1):
            found = [z[u] * z[u + lag] for u in z if u + lag in z]
            sums[lag] += sum(found)
            pairs[lag] += len(found)
            if lag:
                corrections.append((len(found), 1.0 / len(n)))
    if pairs[0] == 0 or sums[0] <= 0:
        return np.zeros(max_lag)
    variance = sums[0] / pairs[0]
    correlation = np.where(pairs[1:] > 0, sums[1:] / np.maximum(pairs[1:], 1) / variance, 0.0)
    weight = sum(count for count, _ in corrections)
    bias = sum(count * c for count, c in corrections) / weight if weight else 0.0
    return np.clip(correlation + bias, -1.0, 1.0)


def serial_inflation(family: tuple, correlations: np.ndarray) -> float:
    """How much the variance of a family's share grows because its units are correlated in time:
    1 + 2 sum over lags of r_lag x (pairs of its units that far apart / its units), over the
    initial run of positive correlations; never below 1."""
    _, n, position = _unit_arrays(family)
    if len(n) < 2:
        return 1.0
    present = set(position.tolist())
    total = 0.0
    for lag, r in enumerate(correlations, start=1):
        if r <= 0:
            break
        total += r * sum(1 for u in present if u + lag in present) / len(n)
    return 1.0 + 2.0 * total


def _unit_arrays(family: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(stopped, launched, position) of a family's units with launches; positions default to
    consecutive units."""
    k, n = np.asarray(family[0], dtype=float), np.asarray(family[1], dtype=float)
    position = (np.asarray(family[2], dtype=int) if len(family) > 2
                else np.arange(len(n), dtype=int))
    keep = n > 0
    return k[keep], n[keep], position[keep]


def effective_counts(successes: Sequence[float], trials: Sequence[float],
                     rho: float) -> tuple[float, float]:
    """(stopped, launched) a family's units are worth as independent launches, its raw share
    kept: each unit's n counts n / (1 + (n - 1) rho); with three units or more, never more than
    the family's own spread over its units allows (R (1 - R) over the CR2 cluster-robust variance
    of its share, `intervals.cr2_variance`, widened by the ratio of Student's t quantile on
    units - 1 degrees of freedom to the normal's, squared), so a family whose months swing more
    than its class's is not read as surer than it is."""
    k, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    keep = n > 0
    k, n = k[keep], n[keep]
    if n.sum() <= 0:
        return 0.0, 0.0
    rate = k.sum() / n.sum()
    n_eff = float((n / (1 + (n - 1) * rho)).sum())
    if len(n) >= 3 and 0 < rate < 1:
        _, variance = cr2_variance(k, n)
        if variance[0] > 0:
            # a variance from a few units is itself uncertain: widen as Student's t on units - 1
            widen = (stats.t.ppf(0.975, len(n) - 1) / stats.norm.ppf(0.975)) ** 2
            n_eff = min(n_eff, rate * (1 - rate) / (float(variance[0]) * widen))
    return n_eff * rate, n_eff


@lru_cache(maxsize=1)
def _hyper_grid() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(mu, kappa, log prior, beta density of the share grid per hyper point): the same for every
    class, so computed once."""
    mu_grid, kappa_grid = np.meshgrid(special.expit(MU_LOGIT), 10.0 ** LOG10_KAPPA, indexing="ij")
    mu, kappa = mu_grid.ravel(), kappa_grid.ravel()
    # flat in mu (its logit grid carries mu (1 - mu)); in log kappa, leaning to less pooling
    log_prior = np.log(mu * (1 - mu)) - 0.5 * np.log(kappa)
    p = special.expit(P_LOGIT)
    a, b = (mu * kappa)[:, np.newaxis], ((1 - mu) * kappa)[:, np.newaxis]
    log_density = (a - 1) * np.log(p) + (b - 1) * np.log1p(-p) - special.betaln(a, b)
    density = np.exp(log_density)
    density[density < 1e-200] = 0.0  # subnormal numbers would slow every product a hundredfold
    return mu, kappa, log_prior, density


def _quantile(density: np.ndarray, p: np.ndarray, level: float) -> float:
    cumulative = np.cumsum(density)
    cumulative /= cumulative[-1]
    return float(np.interp(level, cumulative, p))


def pool_families(units: Sequence[tuple], alpha: float = 0.05,
                  rho: float | None = None, fallback_rho: float = 0.0,
                  attacks: Sequence[tuple] | None = None,
                  fallback_attack_rho: float = 0.0) -> PooledFamilies:
    """Partially pooled shares of the families of one class.

    `units` holds, per family, (stopped, launched) arrays over its units (months, or attacks),
    optionally with each unit's position in time (whole numbers, 1 apart for units next to each
    other; default: consecutive). `rho` is the within-unit correlation (default: estimated from
    `units`, else `fallback_rho` where no family can give it, e.g. a class of one family never
    stopped). `attacks`, if given, holds the same families' (stopped, launched) per attack: a
    family is then never worth more launches than its attacks are (`effective_counts` with the
    correlation within attacks), which matters for a family of one or two months. A family without
    launches gets NaN. See the module docstring for the model."""
    if rho is None:
        rho = within_unit_correlation(units)
        rho = fallback_rho if not np.isfinite(rho) else rho
    p = special.expit(P_LOGIT)
    weights = _grid_weights(P_LOGIT)
    correlations = serial_correlations(units, rho)
    counts = np.array([effective_counts(f[0], f[1], rho) for f in units]).reshape(-1, 2)
    if attacks is not None:
        attack_rho = within_unit_correlation(attacks)
        attack_rho = fallback_attack_rho if not np.isfinite(attack_rho) else attack_rho
        by_attack = np.array([effective_counts(f[0], f[1], attack_rho) for f in attacks]).reshape(-1, 2)
        counts = np.where(by_attack[:, 1:] < counts[:, 1:], by_attack, counts)
    inflation = np.array([serial_inflation(f, correlations) for f in units])
    counts = counts / inflation[:, np.newaxis]  # months that run in streaks carry less news
    present = counts[:, 1] > 0
    log_lik = (counts[:, :1] * np.log(p) + (counts[:, 1:] - counts[:, :1]) * np.log1p(-p))
    likelihoods = np.exp(log_lik - log_lik.max(axis=1, keepdims=True))
    mu, kappa, log_prior, density = _hyper_grid()  # density: hyper x share
    scaled = likelihoods[present] * weights
    like_class = (density @ scaled.T).T  # family x hyper: evidence of a family like its class
    like_any = scaled.sum(axis=1)  # evidence of a family unlike its class (uniform share)
    # evidence per family, hyper point and share of families unlike their class (UNLIKE)
    evidence = ((1 - UNLIKE)[:, None, None] * like_class[None]
                + UNLIKE[:, None, None] * like_any[None, :, None])  # unlike x family x hyper
    log_post = log_prior[None] + np.log(np.maximum(evidence, 1e-300)).sum(axis=1)
    hyper = np.exp(log_post - log_post.max())
    hyper /= hyper.sum()  # unlike x hyper

    count = len(units)
    pooled, low, high = (np.full(count, np.nan) for _ in range(3))
    for row, index in enumerate(np.flatnonzero(present)):
        share = hyper / np.maximum(evidence[:, row], 1e-300)
        mixture = ((1 - UNLIKE) @ share) @ density + (UNLIKE @ share).sum()
        posterior = likelihoods[index] * weights * mixture
        posterior /= posterior.sum()
        pooled[index] = float((posterior * p).sum())
        low[index] = _quantile(posterior, p, alpha / 2)
        high[index] = _quantile(posterior, p, 1 - alpha / 2)
    hyper = hyper.sum(axis=0)
    order = np.argsort(kappa)
    kappa_median = float(kappa[order][np.searchsorted(np.cumsum(hyper[order]), 0.5)])
    return PooledFamilies(pooled, low, high, counts[:, 1], float((hyper * mu).sum()),
                          kappa_median, float(rho), correlations)
