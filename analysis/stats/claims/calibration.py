"""The verdict rules on simulated records where the truth is known.

Three kinds of claim, each simulated as the record behaves (a time series: heavy-tailed wave
sizes, a share whose log-odds wander from wave to wave as an AR(1), daily launches far more
variable than Poisson and correlated from day to day), each checked by the same rule functions
the claims use:

- a rate claim stated to the whole percent ("80%": 79.5-80.5%), read one way, over a period of 12,
  30 or 100 waves, with the true share at the claim, 5 points and 10 points off it (either side),
  under the rule of `analysis.stats.claims.rate_claims` (a reading decides when its 95% interval is
  at most `precision` wide; 12 points by default);
- a tempo claim ("intensifying"): launches per day in a recent period against a baseline, with no
  change and with a real one;
- a share-change claim ("harder to sustain"): the share stopped in two periods, with no change
  and with a real one.

`rate_operating_characteristics` gives, per number of waves, persistence and truth, how often the
claim holds, does not hold, or the record cannot tell. Targets (issue 20): at 30 waves of the
record's persistence a true claim holds at least 80% of the time, a claim 10 points off at most
10%. `hold_rates` adds the change claims: a change claimed where there is none holds at most 5%
of the time; a real one mostly holds where the record is informative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from analysis.stats.claims.change_claims import change_verdict, share_change, tempo_change
from analysis.stats.claims.common import CANNOT_TELL, DOES_NOT_HOLD, HOLDS
from analysis.stats.claims.rate_claims import rate_verdict
from analysis.stats.claims.schema import DEFAULT_PRECISION
from analysis.stats.intervals import share_interval

SIZE_MEDIAN, SIZE_TAIL, SIZE_CAP = 100.0, 1.7, 8.0  # drone-like waves: Pareto, tail 1.7, at most 8 medians (the record: 7.6)
DEVIATION_SD = 0.65  # sd of a wave's log-odds around its month's level (the record's drone waves: 0.65)
PERSISTENCE = 0.4  # lag-1 correlation of consecutive waves (the record's drone waves: 0.4)
DAY_MEAN, DAY_CV, DAY_PHI = 150.0, 1.0, 0.2  # daily launches since 2024-08: mean 147, sd 146, lag-1 0.16


@dataclass(frozen=True)
class Outcome:
    scenario: str
    truth_is: str  # "true", "5 points off", "no change", ...
    holds: float  # share of simulated records on which the claim holds
    half_width: float  # mean half-width of the interval behind the verdict
    informative: bool  # the rule's precision reached on average (rate), or half-width at most half the change
    records: int
    does_not_hold: float = float("nan")
    cannot_tell: float = float("nan")


def pareto_sizes(rng: np.random.Generator, shape: tuple[int, ...] | int, median: float = SIZE_MEDIAN,
                 tail: float = SIZE_TAIL, cap: float = SIZE_CAP) -> np.ndarray:
    """Whole-number wave sizes from a Pareto (Lomax) of tail index `tail` and the given median,
    from 1 to `cap` medians (also the coverage study's, `benchmarks/coverage.py`)."""
    scale = median / (2 ** (1 / tail) - 1)
    return np.clip(np.round(scale * (rng.random(shape) ** (-1 / tail) - 1)), 1, cap * median)


def ar1_deviations(rng: np.random.Generator, reps: int, waves: int, persistence: float,
                   sd: float = DEVIATION_SD) -> np.ndarray:
    """(reps, waves) stationary AR(1) deviations of standard deviation `sd`, waves in time order."""
    shocks = rng.standard_normal((reps, waves))
    out = np.empty((reps, waves))
    out[:, 0] = sd * shocks[:, 0]
    step = sd * np.sqrt(1 - persistence**2)
    for t in range(1, waves):
        out[:, t] = persistence * out[:, t - 1] + step * shocks[:, t]
    return out


def level_for(share: float, sd: float = DEVIATION_SD) -> float:
    """The log-odds level whose waves stop `share` in the long run: E expit(level + sd Z) = share."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)
    weights = weights / weights.sum()

    def gap(level: float) -> float:
        return float(weights @ special.expit(level + sd * nodes)) - share

    return float(optimize.brentq(gap, -30, 30))


def simulate_waves(rng: np.random.Generator, reps: int, waves: int, share: float,
                   persistence: float = PERSISTENCE) -> tuple[np.ndarray, np.ndarray]:
    """(successes, launched) of `reps` periods of `waves` waves in time order, long-run share `share`:
    Pareto sizes, log-odds level + an AR(1) deviation (sd `DEVIATION_SD`)."""
    n = pareto_sizes(rng, (reps, waves))
    p = special.expit(level_for(share) + ar1_deviations(rng, reps, waves, persistence))
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


def rate_claim_outcomes(waves: int, claimed: float = 0.8, persistence: float = PERSISTENCE,
                        precision: float = DEFAULT_PRECISION, reps: int = 400,
                        seed: int = 1) -> list[Outcome]:
    """A rate claim of `claimed` stated to the whole percent, read one way over `waves` waves:
    true, 5 points off and 10 points off (the worse side of the two, each side simulated)."""
    rng = np.random.default_rng(seed)
    band = (claimed - 0.005, claimed + 0.005)
    out = []
    for truth_is, offset in (("true", 0.0), ("5 points off", 0.05), ("10 points off", 0.10)):
        sides = []
        for sign in ((1,) if offset == 0 else (1, -1)):
            k, n = simulate_waves(rng, reps, waves, claimed + sign * offset, persistence)
            low, high, _df = share_interval(k, n)
            verdicts = np.array([rate_verdict(lo, hi, band, precision) for lo, hi in zip(low, high, strict=True)])
            sides.append((float(np.mean(verdicts == HOLDS)), float(np.mean(verdicts == DOES_NOT_HOLD)),
                          float(np.mean(verdicts == CANNOT_TELL)), float(np.mean(high - low) / 2)))
        holds, no, cannot, half = max(sides) if truth_is != "true" else sides[0]
        out.append(Outcome(f"rate claim, {waves} waves, persistence {persistence:g}", truth_is, holds, half,
                           bool(2 * half <= precision), reps, no, cannot))
    return out


def rate_operating_characteristics(quick: bool = False) -> list[Outcome]:
    """The rate rule at 12, 30 and 100 waves, persistence 0, 0.4 (the record's drone waves) and 0.7."""
    reps = 200 if quick else 1000
    outcomes: list[Outcome] = []
    for persistence in ((PERSISTENCE,) if quick else (0.0, PERSISTENCE, 0.7)):
        for waves in ((30,) if quick else (12, 30, 100)):
            outcomes += rate_claim_outcomes(waves, persistence=persistence, reps=reps,
                                            seed=waves + int(100 * persistence))
    return outcomes


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
    outcomes = rate_operating_characteristics(quick)
    for days in ((28, 120) if quick else (7, 28, 90, 180)):
        outcomes += tempo_claim_outcomes(days, ratio=2.0, reps=reps)
    for waves in ((30, 1000) if quick else (30, 100, 300, 1000)):
        outcomes += share_change_outcomes(waves, reps=reps)
    return outcomes
