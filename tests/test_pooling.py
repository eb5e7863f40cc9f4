"""The partial pooling of families: against a second method, on known cases, and its coverage on
simulated families of the record's sizes (a small version of benchmarks/pooling.py)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from analysis.stats import pooling
from benchmarks import pooling as study


def _monte_carlo(counts: list[tuple[int, int]], draws: int, rng: np.random.Generator) -> np.ndarray:
    """The same model by importance sampling from the prior, not by quadrature: hyperparameters
    and families' shares drawn, weighted by the binomial likelihood; posterior means."""
    mu = special.expit(rng.uniform(pooling.MU_LOGIT[0], pooling.MU_LOGIT[-1], draws))
    weight = mu * (1 - mu)  # the grid's prior: flat in mu
    log_kappa = rng.uniform(pooling.LOG10_KAPPA[0], pooling.LOG10_KAPPA[-1], draws)
    kappa = 10.0 ** log_kappa
    weight = weight * kappa ** -0.5
    unlike = rng.choice(pooling.UNLIKE, draws)
    shares = []
    log_like = np.zeros(draws)
    for k, n in counts:
        odd = rng.random(draws) < unlike
        p = np.where(odd, rng.random(draws), rng.beta(mu * kappa, (1 - mu) * kappa))
        p = np.clip(p, 1e-12, 1 - 1e-12)
        log_like += k * np.log(p) + (n - k) * np.log1p(-p)
        shares.append(p)
    w = weight * np.exp(log_like - log_like.max())
    return np.array([(w * p).sum() / w.sum() for p in shares])


def test_quadrature_agrees_with_monte_carlo() -> None:
    counts = [(30, 40), (8, 12), (2, 9)]
    result = pooling.pool_families([([k], [n]) for k, n in counts], rho=0.0)
    sampled = _monte_carlo(counts, 400_000, np.random.default_rng(7))
    assert np.allclose(result.pooled, sampled, atol=0.015), (result.pooled, sampled)


def test_a_large_family_stays_near_its_share_and_a_small_one_borrows() -> None:
    big = ([680] * 10, [800] * 10)
    small = ([3], [4])
    others = [([70] * 5, [100] * 5), ([150] * 4, [200] * 4)]
    result = pooling.pool_families([big, small, *others])
    assert abs(result.pooled[0] - 0.85) < 0.01
    assert result.low[1] < 0.75 < result.high[1]
    assert result.high[1] - result.low[1] < 0.9  # narrower than four launches alone allow


def test_a_family_unlike_its_class_is_not_pulled_to_the_class_mean() -> None:
    """Kh-22 against Kh-101: 1 of 24 destroyed among families stopped 75-90% of the time."""
    kh22 = ([0, 1, 0, 0, 0, 0, 0, 0], [3, 3, 3, 3, 3, 3, 3, 3])
    others = [([88] * 9, [100] * 9), ([75] * 8, [100] * 8), ([40] * 6, [50] * 6)]
    result = pooling.pool_families([kh22, *others])
    assert result.pooled[0] < 0.2 and result.high[0] < 0.45


def test_effective_counts_keep_the_share_and_count_a_correlated_month_for_less() -> None:
    k, n = pooling.effective_counts([80, 60], [100, 100], rho=0.0)
    assert (k, n) == (140, 200)
    k, n = pooling.effective_counts([80, 60], [100, 100], rho=0.05)
    assert n == pytest.approx(2 * 100 / (1 + 99 * 0.05)) and k / n == pytest.approx(0.7)


def test_serial_correlation_of_months_that_run_in_streaks() -> None:
    rng = np.random.default_rng(3)
    level = np.repeat(rng.normal(0, 0.6, 6), 4)  # six regimes of four months each
    n = np.full(24, 200)
    k = rng.binomial(n, special.expit(1 + level))
    r = pooling.serial_correlations([(k, n)], rho=0.0)
    assert r[0] > 0.3
    assert pooling.serial_inflation((k, n), r) > 1.5
    flat = rng.binomial(n, 0.7)
    assert pooling.serial_inflation((flat, n), pooling.serial_correlations([(flat, n)], 0.0)) < 1.5


def test_coverage_on_simulated_families_of_the_records_sizes() -> None:
    """Months and nights correlated, shocks common to the class, a family unlike its class: the
    pooled 95% intervals hold the true shares at least 90% of the time (40 replicates; the full
    study, 400 replicates per scenario, is benchmarks/pooling.py)."""
    rows = study.run_scenario("record-like, step", 40, 11) + study.run_scenario("latest month", 40, 12)
    coverage = np.array([r["pooled_coverage"] for r in rows if r["launched"] >= pooling.MIN_LAUNCHED])
    assert coverage.mean() >= 0.90, coverage
    assert coverage.min() >= 0.75, [(r["family"], r["pooled_coverage"]) for r in rows]
