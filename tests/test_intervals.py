"""The interval over waves (analysis.stats.intervals) against reference computations: statsmodels'
cluster-robust variance, a case worked by hand, the matrix form of the Bell-McCaffrey degrees of
freedom, and the coverage study's fast version."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import special, stats

from analysis.stats.intervals import (
    MIN_WAVES_FOR_COVERAGE,
    bell_mccaffrey_df,
    cluster_interval,
    cr2_variance,
    few_waves_note,
    moment_rho,
)
from benchmarks import coverage


def test_cr1_variance_is_statsmodels_cluster_robust_variance_of_the_weighted_mean():
    rng = np.random.default_rng(3)
    n = rng.integers(5, 400, size=25).astype(float)
    k = rng.binomial(n.astype(int), rng.beta(8, 2, size=25)).astype(float)
    # the pooled share is the weighted mean of the waves' shares, weights their launches
    fit = sm.WLS(k / n, np.ones_like(n), weights=n).fit(
        cov_type="cluster", cov_kwds={"groups": np.arange(len(n))})
    rate, variance = cr2_variance(k, n, adjustment="cr1")
    assert rate[0] == pytest.approx(k.sum() / n.sum()) == pytest.approx(fit.params[0])
    assert variance[0] == pytest.approx(fit.bse[0] ** 2, rel=1e-10)


def test_cr2_by_hand_on_three_equal_waves():
    # shares 0.8, 0.5, 0.9 around R = 22/30; h = 1/3, so CR2 = sum (e^2 / 9) / (2/3) = sum e^2 / 6
    k, n = np.array([8.0, 5.0, 9.0]), np.array([10.0, 10.0, 10.0])
    residuals = np.array([0.8, 0.5, 0.9]) - 22 / 30
    rate, variance = cr2_variance(k, n)
    assert rate[0] == pytest.approx(22 / 30)
    assert variance[0] == pytest.approx((residuals**2).sum() / 6)
    # with equal waves CR2 is CR1, and the Bell-McCaffrey degrees of freedom are waves - 1
    assert variance[0] == pytest.approx(cr2_variance(k, n, "cr1")[1][0])
    assert bell_mccaffrey_df(n, np.full(3, 0.1))[0] == pytest.approx(2.0)
    # the interval, by hand: logit(R) +- t(2) se / (R (1 - R)), never narrower than Wilson
    low, high, df = cluster_interval(k, n)
    half = stats.t.ppf(0.975, 2) * np.sqrt(variance[0]) / (rate[0] * (1 - rate[0]))
    assert (low[0], high[0]) == pytest.approx(special.expit(special.logit(22 / 30) + np.array([-half, half])))
    assert df[0] == pytest.approx(2.0)


def test_bell_mccaffrey_df_matches_the_matrix_formula():
    rng = np.random.default_rng(11)
    for waves in (3, 7, 40):
        w = rng.lognormal(3, 1.2, size=waves)
        omega = rng.uniform(0.01, 0.2, size=waves)
        h = w / w.sum()
        residual_maker = np.eye(waves) - np.outer(np.ones(waves), h)
        covariance = residual_maker @ np.diag(omega) @ residual_maker.T
        product = np.diag(h**2 / (1 - h)) @ covariance
        expected = np.trace(product) ** 2 / np.trace(product @ product)
        assert bell_mccaffrey_df(w, omega)[0] == pytest.approx(expected, rel=1e-10)
    # one giant wave leaves few degrees of freedom however many small waves there are
    giant = np.r_[5000.0, np.full(30, 10.0)]
    assert bell_mccaffrey_df(giant, np.full(31, 0.01))[0] < 3


def test_the_interval_stays_in_0_1_covers_wilson_and_flags_few_waves():
    k, n = np.array([[0.0, 0, 0], [20, 20, 16]]), np.array([[20.0, 20, 16], [20, 20, 16]])
    low, high, _ = cluster_interval(k, n)
    assert low[0] == 0.0 and 0 < high[0] < 1  # every wave at 0%: exact on the 3 waves
    assert high[1] == 1.0 and 0 < low[1] < 1
    one_wave = cluster_interval(np.array([5.0]), np.array([10.0]))
    assert np.isnan(one_wave[0][0])
    assert few_waves_note(30) == "" and "only 5 attacks" in few_waves_note(5)
    assert str(MIN_WAVES_FOR_COVERAGE) in few_waves_note(3)


def test_moment_rho_recovers_a_known_correlation():
    rng = np.random.default_rng(5)
    n = np.full(3000, 50.0)
    p = rng.beta(0.8 * 9, 0.2 * 9, size=3000)  # rho = 1 / (9 + 1)
    k = rng.binomial(n.astype(int), p).astype(float)
    assert moment_rho(k, n)[0] == pytest.approx(0.1, abs=0.015)


def test_fast_coverage_study_the_chosen_interval_holds_and_the_old_one_does_not():
    rows = coverage.run_study(quick=True, reps=300, with_slow=False)
    summary = {(s["method"], s["waves"]): s for s in coverage.summarise(rows)}
    for waves, target in coverage.TARGETS.items():
        assert summary[(coverage.CHOSEN, waves)]["mean_coverage"] >= target
        # the quasi-binomial interval the project used before falls short on the same records
        assert summary[("quasi-binomial Wilson (before)", waves)]["mean_coverage"] < target
    assert summary[("binomial (Wilson)", 30)]["mean_coverage"] < 0.85


# --------------------------------------------------------------------------- built on it


@pytest.mark.parametrize(("a", "m", "b", "n", "low", "high"), [
    # Newcombe (1998), Statistics in Medicine 17:873-890, table II, method 10 (score, no correction).
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0000),
])
def test_difference_interval_matches_newcombes_published_examples(a, m, b, n, low, high):
    from analysis.stats.intervals import difference_interval
    from analysis.stats.rates import binomial_interval

    first, second = binomial_interval(a, m), binomial_interval(b, n)
    assert difference_interval(a / m, *first, b / n, *second) == pytest.approx((low, high), abs=5e-5)
    assert np.isnan(difference_interval(a / m, np.nan, np.nan, b / n, *second)).all()


def test_difference_of_two_periods_holds_its_level_when_attacks_vary():
    """Two periods of attacks whose sizes vary by a factor of e either way and whose shares spread
    from night to night: Newcombe's difference on the cluster intervals covers the true change."""
    from analysis.stats.intervals import difference_interval

    rng = np.random.default_rng(20251011)
    runs = 400
    for mean, spread, waves, size in ((0.87, 0.5, 60, 150), (0.30, 0.7, 15, 6), (0.85, 0.5, 15, 300)):
        later = mean + 0.05
        truth = [float(special.expit(special.logit(m) + spread * rng.standard_normal(400_000)).mean())
                 for m in (later, mean)]
        periods = []
        for share in (later, mean):
            n = np.maximum(1, np.round(rng.lognormal(np.log(size), 1.0, (runs, waves))))
            p = special.expit(special.logit(share) + spread * rng.standard_normal((runs, waves)))
            k = rng.binomial(n.astype(int), p).astype(float)
            low, high, _ = cluster_interval(k, n)
            periods.append((k.sum(axis=1) / n.sum(axis=1), low, high))
        covered = sum(
            (lambda lo, hi: lo <= truth[0] - truth[1] <= hi)(*difference_interval(
                periods[0][0][i], periods[0][1][i], periods[0][2][i],
                periods[1][0][i], periods[1][1][i], periods[1][2][i]))
            for i in range(runs))
        assert covered / runs >= 0.93, (mean, waves, size)  # 96-99% measured over 1,000 runs


def test_mean_interval_is_students_t_not_below_zero_and_holds_its_level():
    from analysis.stats.intervals import mean_interval

    values = np.array([3.0, 5.0, 10.0, 2.0])
    mean, low, high = mean_interval(values)
    half = stats.t.ppf(0.975, 3) * values.std(ddof=1) / 2
    assert mean == 5.0 and high == pytest.approx(5.0 + half) and low == 0.0  # 5 - half < 0
    assert np.isnan(mean_interval([4.0])[1]) and np.isnan(mean_interval([])[0])
    rng = np.random.default_rng(7)
    covered = 0
    for _ in range(500):  # ten large attacks, strongly skewed counts of mean 50
        _, low, high = mean_interval(rng.negative_binomial(2, 2 / 52, 10))
        covered += low <= 50 <= high
    assert covered / 500 >= 0.9
