"""The claim verdict rules on simulated records where the truth is known (a fast version of the
study `make validate` runs): records of waves in time order (Pareto sizes, log-odds that wander as an
AR(1)), a rate claim stated to the whole percent read by the rule of informative readings, and
changes claimed with and without a real change."""

from __future__ import annotations

import numpy as np

from analysis.stats.claims.calibration import (
    level_for,
    rate_claim_outcomes,
    share_change_outcomes,
    simulate_days,
    simulate_waves,
    tempo_claim_outcomes,
)

REPS = 300


def _slack(rate: float, reps: int = REPS) -> float:
    """Two standard errors of a share `rate` over `reps` simulated records."""
    return 2 * np.sqrt(rate * (1 - rate) / reps)


def test_a_claim_ten_points_off_rarely_holds_and_a_true_one_holds_once_the_record_is_precise():
    for waves in (30, 100):
        outcomes = {o.truth_is: o for o in rate_claim_outcomes(waves, reps=REPS, seed=waves)}
        # the target: a claim 10 points off holds at most 10% of the time (1-2% measured)
        assert outcomes["10 points off"].holds <= 0.10, outcomes["10 points off"]
        # a true claim is almost never ruled out: the record says "cannot tell" instead
        assert outcomes["true"].does_not_hold <= 0.05 + _slack(0.05), outcomes["true"]
    # with 100 independent drone-like waves a true claim holds 82% of the time (1,000 records)
    precise = {o.truth_is: o for o in rate_claim_outcomes(100, persistence=0.0, reps=REPS, seed=5)}
    assert precise["true"].holds >= 0.80 - _slack(0.8), precise["true"]
    assert precise["true"].holds > 2 * precise["5 points off"].holds


def test_the_rule_says_it_cannot_tell_rather_than_guess_with_few_waves():
    outcomes = rate_claim_outcomes(12, reps=REPS, seed=12)
    assert all(o.cannot_tell >= 0.8 for o in outcomes), outcomes
    assert all(o.holds + o.does_not_hold + o.cannot_tell <= 1 + 1e-9 for o in outcomes)


def test_the_simulated_waves_have_the_share_and_persistence_asked_for():
    rng = np.random.default_rng(2)
    k, n = simulate_waves(rng, 400, 200, 0.8, persistence=0.7)
    assert abs(k.sum() / n.sum() - 0.8) < 0.01  # the long-run launch-weighted share
    y = np.log((k + 0.5) / (n - k + 0.5))
    lag1 = np.mean([np.corrcoef(row[1:], row[:-1])[0, 1] for row in y])
    assert 0.4 < lag1 < 0.7  # AR(1) 0.7 on the log-odds, diluted by the binomial noise (0.46)
    assert abs(level_for(0.5) - 0.0) < 1e-9


def test_change_claims_hold_rarely_without_a_change_and_mostly_with_one_when_informative():
    outcomes = tempo_claim_outcomes(120, ratio=2.0, reps=200) + share_change_outcomes(1000, reps=100)
    for outcome in outcomes:
        if outcome.truth_is == "no change":
            assert outcome.holds <= 0.05 + _slack(0.05, 200), outcome
        elif outcome.informative:
            assert outcome.holds >= 0.9, outcome
    assert any(o.informative and o.truth_is != "no change" for o in outcomes)


def test_simulated_days_have_the_records_spread_and_persistence():
    days = simulate_days(np.random.default_rng(3), 20000, 150.0)
    assert abs(days.mean() / 150 - 1) < 0.05
    assert 0.8 < days.std() / days.mean() < 1.2
    lag1 = np.corrcoef(days[1:], days[:-1])[0, 1]
    assert 0.05 < lag1 < 0.3
