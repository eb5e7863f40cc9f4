"""The claim verdict rules on simulated records where the truth is known (a fast version of the
study `make validate` runs): a true claim holds at least 90% of the time once the record is precise
enough to decide, a claim wrong by its own margin or a change claimed where there is none holds at
most 5% of the time."""

from __future__ import annotations

import numpy as np

from analysis.stats.claims.calibration import (
    rate_claim_outcomes,
    share_change_outcomes,
    simulate_days,
    tempo_claim_outcomes,
)

REPS = 200
SLACK = 2 * np.sqrt(0.05 * 0.95 / REPS)  # two standard errors of a 5% rate over REPS records


def test_rate_claims_hold_when_true_and_informative_and_rarely_when_wrong_by_their_margin():
    for waves in (30, 1500):
        for outcome in rate_claim_outcomes(waves, reps=REPS, seed=waves):
            if outcome.truth_is == "true" and outcome.informative:
                assert outcome.holds >= 0.9, outcome
            if outcome.truth_is.startswith("wrong"):
                assert outcome.holds <= 0.05 + SLACK, outcome
    informative = [o for o in rate_claim_outcomes(1500, reps=REPS, seed=1) if o.truth_is == "true"]
    assert informative[0].informative  # 1,500 waves decide a 5-point margin


def test_change_claims_hold_rarely_without_a_change_and_mostly_with_one_when_informative():
    outcomes = tempo_claim_outcomes(120, ratio=2.0, reps=REPS) + share_change_outcomes(1000, reps=100)
    for outcome in outcomes:
        if outcome.truth_is == "no change":
            assert outcome.holds <= 0.05 + SLACK, outcome
        elif outcome.informative:
            assert outcome.holds >= 0.9, outcome
    assert any(o.informative and o.truth_is != "no change" for o in outcomes)


def test_simulated_days_have_the_records_spread_and_persistence():
    days = simulate_days(np.random.default_rng(3), 20000, 150.0)
    assert abs(days.mean() / 150 - 1) < 0.05
    assert 0.8 < days.std() / days.mean() < 1.2
    lag1 = np.corrcoef(days[1:], days[:-1])[0, 1]
    assert 0.05 < lag1 < 0.3
