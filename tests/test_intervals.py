"""The interval of a share (analysis.stats.intervals) against reference computations: a case worked
by hand, scipy's discrete cosine transform, statsmodels' cluster-robust variance where the time-series
interval reduces to it, the matrix forms of its corrections, and the coverage study's fast version on
records whose nights are correlated; the interval used before (`cluster_interval`) as the baseline."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import fft, special, stats

from analysis.stats.intervals import (
    COSINES,
    MIN_WAVES_FOR_COVERAGE,
    bell_mccaffrey_df,
    cluster_interval,
    cosine_basis,
    cr2_variance,
    few_waves_note,
    interval_note,
    moment_rho,
    night_interval,
    share_interval,
    share_variance,
    streak_correlation,
)
from benchmarks import coverage


def test_the_time_series_interval_by_hand_on_six_equal_waves():
    # shares 0.9, 0.8, 0.85, 0.6, 0.55, 0.7 of 20 each: R = 88/120; z_t = T h (y_t - R) = y_t - R
    k, n = np.array([18.0, 16, 17, 12, 11, 14]), np.full(6, 20.0)
    rate = 88 / 120
    z = k / 20 - rate
    # the first four cosines of six waves, written out: sqrt(2/6) cos(pi j (t + 1/2) / 6)
    projections = [sum(math.sqrt(2 / 6) * math.cos(math.pi * j * (t + 0.5) / 6) * z[t] for t in range(6))
                   for j in range(1, 5)]
    omega = sum(p * p for p in projections) / 4
    estimate, variance, df = share_variance(k, n)
    # equal waves: the working-model scaling is 1 and the degrees of freedom are the cosines, 4
    assert estimate[0] == pytest.approx(rate)
    assert variance[0] == pytest.approx(omega / 6, rel=1e-12)
    assert df[0] == pytest.approx(4.0)
    low, high, _ = share_interval(k, n)
    half = stats.t.ppf(0.975, 4) * math.sqrt(omega / 6) / (rate * (1 - rate))
    assert (low[0], high[0]) == pytest.approx(special.expit(special.logit(rate) + np.array([-half, half])))


def test_the_projections_are_the_discrete_cosine_transform():
    rng = np.random.default_rng(8)
    n = rng.integers(5, 500, size=50).astype(float)
    k = rng.binomial(n.astype(int), 0.8).astype(float)
    z = 50 * (k - n * k.sum() / n.sum()) / n.sum()
    reference = fft.dct(z, type=2, norm="ortho")[1:COSINES + 1]
    assert cosine_basis(50, COSINES) @ z == pytest.approx(reference, rel=1e-10)


def test_with_every_cosine_equal_waves_give_the_cluster_robust_variance():
    """All T - 1 cosines span every contrast of the waves: the long-run variance is then the plain
    sandwich (CR1 without its m / (m - 1)), statsmodels' cluster-robust variance of the weighted mean."""
    rng = np.random.default_rng(3)
    n = np.full(25, 40.0)
    k = rng.binomial(40, rng.beta(8, 2, size=25)).astype(float)
    fit = sm.WLS(k / n, np.ones_like(n), weights=n).fit(cov_type="cluster", cov_kwds={"groups": np.arange(25)})
    _, variance, df = share_variance(k, n, cosines=24)
    assert variance[0] == pytest.approx(fit.bse[0] ** 2, rel=1e-10)
    assert df[0] == pytest.approx(24.0)


def test_the_scaling_and_degrees_of_freedom_match_the_matrix_formulas():
    rng = np.random.default_rng(11)
    waves = 40
    n = np.round(rng.lognormal(4, 1.2, size=waves)) + 1
    k = rng.binomial(n.astype(int), 0.7).astype(float)
    h = n / n.sum()
    rho = moment_rho(k, n)[0]
    omega = (1 + (n - 1) * rho) / n  # the working variance of each wave's share
    basis = cosine_basis(waves, COSINES)
    # the projections as a linear map of the shares: C T (diag(h) - h h')
    g = basis @ (waves * (np.diag(h) - np.outer(h, h)))
    a = g @ np.diag(omega) @ g.T
    z = waves * (k - n * k.sum() / n.sum()) / n.sum()
    expected = ((basis @ z) ** 2).mean() * (h**2 * omega).sum() / (np.trace(a) / COSINES)
    _, variance, df = share_variance(k, n)
    assert variance[0] == pytest.approx(expected, rel=1e-10)
    assert df[0] == pytest.approx(np.trace(a) ** 2 / np.trace(a @ a), rel=1e-10)
    assert 1 < df[0] < COSINES  # unequal waves: fewer degrees of freedom than cosines


def test_a_record_read_as_a_time_series_gives_a_wider_interval_than_independent_waves():
    # a spell of good nights then a spell of bad ones: independent waves see only the spread
    k = np.r_[np.full(30, 92.0), np.full(30, 78.0)]
    n = np.full(60, 100.0)
    low, high, _ = share_interval(k, n)
    old_low, old_high, _ = cluster_interval(k, n)
    assert low[0] < old_low[0] and high[0] > old_high[0]
    assert (high[0] - low[0]) > 3 * (old_high[0] - old_low[0])
    assert streak_correlation(k, n) > 0.9
    # shuffled, the same nights have no streaks and the two intervals are alike
    shuffled = np.random.default_rng(1).permutation(60)
    low_s, high_s, _ = share_interval(k[shuffled], n[shuffled])
    assert (high_s[0] - low_s[0]) < 2 * (old_high[0] - old_low[0])


def test_notes_say_when_attacks_are_few_or_run_in_long_streaks():
    assert few_waves_note(MIN_WAVES_FOR_COVERAGE) == "" and "only 12 attacks" in few_waves_note(12)
    streaky = np.r_[np.full(25, 92.0), np.full(25, 70.0)]
    assert "long streaks" in interval_note(streaky, np.full(50, 100.0))
    rng = np.random.default_rng(4)
    calm = rng.binomial(100, 0.85, size=50).astype(float)
    assert interval_note(calm, np.full(50, 100.0)) == ""
    with pytest.raises(ValueError, match="trials"):
        share_interval(np.array([[1.0, 2.0]]), np.array([[3.0, 0.0]]))


def test_a_single_night_is_measured_by_the_spread_of_nights_of_its_size():
    # reference nights of 40-160 drones with log-odds spread s; one of 800 is left out (too big)
    ref_n = np.array([50.0, 60, 80, 100, 120, 150, 45, 70, 90, 110, 130, 55, 65, 75, 85, 95, 105, 115, 125, 140, 800])
    ref_k = np.round(ref_n * np.array([0.9, 0.7, 0.85, 0.95, 0.6, 0.8, 0.75, 0.9, 0.88, 0.7,
                                       0.82, 0.66, 0.93, 0.77, 0.8, 0.9, 0.72, 0.86, 0.79, 0.91, 0.99]))
    low, high, nights = night_interval(70, 100, ref_k, ref_n)
    near = ref_n <= 200
    log_odds = np.log((ref_k[near] + 0.5) / (ref_n[near] - ref_k[near] + 0.5))
    half = stats.t.ppf(0.975, near.sum() - 1) * log_odds.std(ddof=1)
    centre = math.log(70.5 / 30.5)
    assert nights == near.sum() == 20
    assert (low, high) == pytest.approx((special.expit(centre - half), special.expit(centre + half)))
    # far wider than the binomial interval of the night's own 100 drones
    wilson = cluster_interval(np.array([70.0, 70.0]), np.array([100.0, 100.0]))
    assert high - low > 2 * (wilson[1][0] - wilson[0][0])
    assert np.isnan(night_interval(5, 10, ref_k[:2], ref_n[:2])[0])


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


def test_the_interval_stays_in_0_1_and_is_exact_on_waves_at_0_or_100_percent():
    for interval in (cluster_interval, share_interval):
        k, n = np.array([[0.0, 0, 0], [20, 20, 16]]), np.array([[20.0, 20, 16], [20, 20, 16]])
        low, high, _ = interval(k, n)
        assert low[0] == 0.0 and 0 < high[0] < 1  # every wave at 0%: exact on the 3 waves
        assert high[1] == 1.0 and 0 < low[1] < 1
        one_wave = interval(np.array([5.0]), np.array([10.0]))
        assert np.isnan(one_wave[0][0])


def test_moment_rho_recovers_a_known_correlation():
    rng = np.random.default_rng(5)
    n = np.full(3000, 50.0)
    p = rng.beta(0.8 * 9, 0.2 * 9, size=3000)  # rho = 1 / (9 + 1)
    k = rng.binomial(n.astype(int), p).astype(float)
    assert moment_rho(k, n)[0] == pytest.approx(0.1, abs=0.015)


def test_fast_coverage_study_the_chosen_interval_holds_where_the_old_one_does_not():
    """Records of 30 and 100 waves whose nightly log-odds follow an AR(1) (persistence 0 and 0.7),
    with and without regime shifts, Pareto wave sizes and a share rising with size: the chosen
    interval holds its level, the one that treats waves as independent does not."""
    methods = {coverage.CHOSEN: coverage.METHODS[coverage.CHOSEN],
               coverage.BEFORE: coverage.METHODS[coverage.BEFORE]}
    rows = coverage.run_study(quick=True, reps=300, methods=methods)
    summary = {(s["method"], s["waves"]): s for s in coverage.summarise(rows)}
    for waves in (30, 100):
        chosen, before = summary[(coverage.CHOSEN, waves)], summary[(coverage.BEFORE, waves)]
        # 94.8% and 95.0% on average, worst cells 92% (300 records a cell: 1.3 points of noise)
        assert chosen["mean_coverage"] >= 0.92 and chosen["worst_cell"] >= 0.88, chosen
        assert chosen["worst_cell"] > before["worst_cell"] + 0.05, (chosen, before)
    assert summary[(coverage.BEFORE, 100)]["worst_cell"] < 0.82  # 77.7% measured
    persistent = [r for r in rows if r["persistence"] == 0.7 and r["method"] == coverage.BEFORE]
    assert np.mean([r["coverage"] for r in persistent]) < 0.88


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
    from night to night: Newcombe's difference on the intervals covers the true change."""
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
            low, high, _ = share_interval(k, n)
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
