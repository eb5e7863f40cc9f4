"""The verdict rules on simulated records where the truth is known.

Three kinds of claim, each simulated as the record behaves (heavy-tailed wave sizes, a share that
moves from wave to wave, daily launches far more variable than Poisson and correlated from day to
day), each checked by the same rule functions the claims use:

- a rate claim ("80%, within 5 points") over a period of `waves` waves, with the true share at the
  claimed figure, at the edge of its margin (wrong by its own margin) and beyond it;
- a tempo claim ("intensifying"): launches per day in a recent period against a baseline, with no
  change and with a real one;
- a share-change claim ("harder to sustain"): the share stopped in two periods, with no change
  and with a real one.

`hold_rates` returns, per scenario, the share of simulated records on which the claim holds and
the mean width of the interval behind it. The targets (issue 10): a true claim holds at least 90%
of the time when the record is informative (its interval's half-width at most half the claim's
margin, or half the true change), a claim wrong by its own margin, or a change claimed where there
is none, holds at most 5% of the time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.stats.claims.change_claims import change_verdict, share_change, tempo_change
from analysis.stats.claims.common import HOLDS
from analysis.stats.claims.rate_claims import rate_verdict
from analysis.stats.intervals import cluster_interval

SIZE_MEDIAN, SIZE_SIGMA = 100.0, 1.2  # waves like the record's drone waves (heavy-tailed)
RHO = 0.1  # the record's drones show about 0.1 from 2024-08
DAY_MEAN, DAY_CV, DAY_PHI = 150.0, 1.0, 0.2  # daily launches since 2024-08: mean 147, sd 146, lag-1 0.16


@dataclass(frozen=True)
class Outcome:
    scenario: str
    truth_is: str  # "true", "wrong by its margin", "no change", ...
    holds: float  # share of simulated records on which the claim holds
    half_width: float  # mean half-width of the interval behind the verdict
    informative: bool  # half-width at most half the margin (or half the true change)
    records: int


def simulate_waves(rng: np.random.Generator, reps: int, waves: int, share: float,
                   rho: float = RHO) -> tuple[np.ndarray, np.ndarray]:
    """(successes, launched) of `reps` periods of `waves` waves with a known pooled share."""
    n = np.maximum(1, np.round(rng.lognormal(np.log(SIZE_MEDIAN), SIZE_SIGMA, (reps, waves))))
    scale = (1 - rho) / rho
    p = rng.beta(share * scale, (1 - share) * scale, (reps, waves))
    return rng.binomial(n.astype(np.int64), p).astype(float), n


def simulate_days(rng: np.random.Generator, days: int, mean: float) -> np.ndarray:
    """Daily launches: negative binomial around an AR(1) log-intensity (cv and lag-1 as the record)."""
    sd = np.sqrt(np.log(1 + DAY_CV**2 / 2))  # half the spread from the intensity, half from counts
    walk = np.zeros(days)
    walk[0] = rng.normal(0, sd)
    for t in range(1, days):
        walk[t] = DAY_PHI * walk[t - 1] + rng.normal(0, sd * np.sqrt(1 - DAY_PHI**2))
    intensity = mean * np.exp(walk - sd**2 / 2)
    shape = 1 / (DAY_CV**2 / 2)  # gamma-Poisson: the other half of the spread
    return rng.poisson(rng.gamma(shape, intensity / shape)).astype(float)


def rate_claim_outcomes(waves: int, claimed: float = 0.8, margin: float = 0.05, reps: int = 400,
                        seed: int = 1) -> list[Outcome]:
    """A rate claim `claimed` +- `margin` over `waves` waves: true, at the margin, beyond it."""
    rng = np.random.default_rng(seed)
    band = (claimed - margin, claimed + margin)
    out = []
    for truth_is, share in (("true", claimed), ("wrong by its margin", claimed + margin),
                            ("wrong by twice its margin", claimed + 2 * margin)):
        k, n = simulate_waves(rng, reps, waves, share)
        low, high, _df = cluster_interval(k, n)
        verdicts = [rate_verdict(lo, hi, band) for lo, hi in zip(low, high, strict=True)]
        half = float(np.mean(high - low) / 2)
        out.append(Outcome(f"rate claim, {waves} waves", truth_is, float(np.mean(np.array(verdicts) == HOLDS)),
                           half, bool(half <= margin / 2), reps))
    return out


def tempo_claim_outcomes(days: int, ratio: float = 1.5, reps: int = 300,
                         seed: int = 2) -> list[Outcome]:
    """"Intensifying": `days` recent days against `days` before, with no change and with `ratio`."""
    rng = np.random.default_rng(seed)
    out = []
    for truth_is, true_ratio in (("no change", 1.0), (f"true (x{ratio:g})", ratio)):
        holds, halves = [], []
        for _ in range(reps):
            result = tempo_change(simulate_days(rng, days, DAY_MEAN * true_ratio),
                                  simulate_days(rng, days, DAY_MEAN))
            holds.append(change_verdict(result["low"], result["high"], "increase", 1.0, 0.0) == HOLDS)
            halves.append((np.log(result["high"]) - np.log(result["low"])) / 2)
        half = float(np.nanmean(halves))
        out.append(Outcome(f"tempo claim, {days} days each", truth_is, float(np.mean(holds)), half,
                           bool(half <= np.log(ratio) / 2), reps))
    return out


def share_change_outcomes(waves: int, drop: float = 0.06, share: float = 0.85, reps: int = 300,
                          seed: int = 3) -> list[Outcome]:
    """"Harder to sustain": `waves` recent waves against `waves` before, no change and a drop."""
    rng = np.random.default_rng(seed)
    out = []
    for truth_is, recent_share in (("no change", share), (f"true (-{100 * drop:g} points)", share - drop)):
        recent, baseline = simulate_waves(rng, reps, waves, recent_share), simulate_waves(rng, reps, waves, share)
        holds, halves = [], []
        for i in range(reps):
            result = share_change((recent[0][i], recent[1][i]), (baseline[0][i], baseline[1][i]))
            holds.append(change_verdict(result["low"], result["high"], "decrease", 0.0, 0.0) == HOLDS)
            halves.append((result["high"] - result["low"]) / 2)
        half = float(np.nanmean(halves))
        out.append(Outcome(f"share change, {waves} waves each", truth_is, float(np.mean(holds)), half,
                           bool(half <= drop / 2), reps))
    return out


def hold_rates(quick: bool = False) -> list[Outcome]:
    """Every scenario: quick for the tests, the full study for `make validate`."""
    reps = 200 if quick else 1000
    outcomes: list[Outcome] = []
    for waves in ((30, 1500) if quick else (12, 30, 100, 300, 1000, 3000)):
        outcomes += rate_claim_outcomes(waves, reps=reps)
    for days in ((28, 120) if quick else (7, 28, 90, 180)):
        outcomes += tempo_claim_outcomes(days, ratio=2.0, reps=reps)
    for waves in ((30, 1000) if quick else (30, 100, 300, 1000)):
        outcomes += share_change_outcomes(waves, reps=reps)
    return outcomes

