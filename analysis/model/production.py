"""Required production: the fewest deliveries a month at which an interceptor holds a target rate.

`required_production(scenario, interceptor)`: the fewest deliveries per month at which the
interception rate of the classes that interceptor's layers engage, over the horizon, reaches the
target (default 74%, [syrskyi-effectiveness] in data/sources.yaml) in at least `confidence` of runs.
A bisection over whole deliveries per month, every step simulated with the same seed (common random
numbers), so the steps differ by the deliveries and not by the luck of the draw. Calibration
follows the one rule (analysis.model.calibration): every step is calibrated again, which changes
nothing here since deliveries do not enter the calibrated rates.

How sure the answer is: the share of runs holding the target is a proportion of N runs, with a
standard error sqrt(p (1 - p) / N). The answer is *settled* when the share at the answer is above
`confidence`, and the share at the largest figure tried below it is below `confidence`, each by two
standard errors; otherwise it lies within Monte Carlo error, and the result says how many runs
would settle it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from analysis.errors import ScenarioError
from analysis.model import montecarlo as mc
from analysis.model.scenarios import Scenario

DEFAULT_TARGET = 0.74  # overall effectiveness, [syrskyi-effectiveness] in data/sources.yaml
MAX_STEPS = 200  # every doubling and bisection of the searches stops here at the latest


def record_frame(scenario: Scenario, record: Any = None) -> Any:
    """The tidy record loaded once for a scenario that reads it (else `record` as given), so that
    searches simulating many variants do not read the file again for each."""
    if not scenario.needs_record:
        return record
    from analysis.model.depletion import resolve_record

    return resolve_record(record, scenario)


def calibrated(scenario: Scenario, record: Any = None) -> Scenario:
    """The scenario with its calibration applied (engage probabilities solved), else as is."""
    if scenario.calibration is None:
        return scenario
    from analysis.model.calibration import calibrate

    result, _report = calibrate(scenario, record=record_frame(scenario, record))
    return result


@dataclass
class ProductionRequirement:
    """The fewest deliveries per month holding the target, and what the search saw."""

    interceptor: str
    classes: tuple[str, ...]
    target: float
    confidence: float
    deliveries_per_month: float | None  # None: not reachable within `ceiling`
    probability: float | None  # share of runs holding the target at that figure
    current_deliveries_per_month: float
    current_probability: float
    reachable: bool
    steps: list[tuple[float, float]]  # (deliveries per month, share of runs holding), as searched
    note: str = ""
    runs: int = 0
    probability_se: float | None = None  # Monte Carlo standard error of `probability`
    below: tuple[float, float] | None = None  # largest figure tried below the answer, its share
    settled: bool | None = None  # both sides clear of `confidence` by two standard errors
    certainty: str = field(default="")  # the above in a sentence



def interceptor_classes(scenario: Scenario, interceptor: str) -> tuple[str, ...]:
    """The threat classes the layers using `interceptor` engage, in scenario order."""
    engaged = {cls for layer in scenario.layers if layer.interceptor == interceptor for cls in layer.engages}
    return tuple(cls for cls in scenario.classes if cls in engaged)


def holding_share(
    scenario: Scenario, classes: Sequence[str], target: float, *, runs: int, seed: int,
    record: Any = None,
) -> float:
    """Share of runs whose interception rate of `classes` over the horizon is at least `target`."""
    from analysis.model.depletion import simulate

    result = simulate(scenario, runs=runs, seed=seed, record=record)
    index = [result.classes.index(cls) for cls in classes]
    arrivals = result.run_arrivals[index].sum(axis=0).astype(float)
    kills = result.run_kills[index].sum(axis=0)
    # a run in which nothing of these classes arrived has nothing to fail
    rate = np.divide(kills, arrivals, out=np.ones_like(arrivals), where=arrivals > 0)
    return float((rate >= target - 1e-12).mean())


def fluid_rate(scenario: Scenario, classes: Sequence[str]) -> float:
    """Interception rate of `classes` over the horizon in the expected-value solution."""
    from analysis.model.depletion import deterministic

    solution = deterministic(scenario)
    index = [scenario.classes.index(cls) for cls in classes]
    arrivals = solution["arrivals"][index].sum()
    return float(solution["kills"][index].sum() / arrivals) if arrivals > 0 else 1.0


def stocked_rate(scenario: Scenario, classes: Sequence[str]) -> float:
    """Interception rate of `classes` while every stock lasts: the layered leak formula, weighted
    by arrivals (the best any production of interceptors can hold with these layers)."""
    from analysis.model.longrun import mean_arrivals

    rates = mean_arrivals(scenario)
    leak = dict.fromkeys(classes, 1.0)
    for layer in scenario.layers:
        for cls, engagement in layer.engages.items():
            if cls in leak:
                leak[cls] *= 1.0 - layer.engage_probability[cls] * engagement.kill_probability
    total = sum(rates[cls] for cls in classes)
    return 1.0 - sum(rates[cls] * leak[cls] for cls in classes) / total if total > 0 else 1.0


def required_production(
    scenario: Scenario,
    interceptor: str,
    *,
    target: float = DEFAULT_TARGET,
    confidence: float = 0.9,
    runs: int = 1000,
    seed: int | None = None,
    tolerance: float = 0.02,
    ceiling: float = 1e6,
    record: Any = None,
) -> ProductionRequirement:
    """The smallest deliveries_per_month of `interceptor` holding the target (see module doc).

    The search starts from the fluid solution's answer, brackets it with simulations and bisects
    until the bracket is within max(1, `tolerance` x the answer) a month. Every step uses the same
    `seed` (common random numbers). A target above what the layers hold while stocked (capacity
    aside) is reported unreachable without simulating.
    """
    if interceptor not in scenario.interceptors:
        raise ScenarioError(
            f"{scenario.source}: key 'interceptors.{interceptor}': no such interceptor "
            f"(defined: {', '.join(scenario.interceptors)})"
        )
    if not 0.0 <= target <= 1.0 or not 0.0 < confidence <= 1.0:
        raise ScenarioError(f"target {target!r} and confidence {confidence!r} must lie in 0..1")
    record = record_frame(scenario, record)
    solved = calibrated(scenario, record)  # for the expected-value guesses; each step calibrates
    seed = scenario.seed if seed is None else seed
    classes = interceptor_classes(solved, interceptor)
    if not classes:
        raise ScenarioError(f"{scenario.source}: no layer uses interceptor {interceptor!r}")
    current = scenario.interceptors[interceptor].deliveries_per_month
    key = f"interceptors.{interceptor}.deliveries_per_month"
    steps: dict[float, float] = {}

    def share(deliveries: float) -> float:
        if deliveries not in steps:
            changed = scenario.with_overrides({key: deliveries})
            steps[deliveries] = holding_share(changed, classes, target, runs=runs, seed=seed, record=record)
        return steps[deliveries]

    def holds(deliveries: float) -> bool:
        return share(deliveries) >= confidence

    def result(found: float | None, note: str = "") -> ProductionRequirement:
        answer = ProductionRequirement(
            interceptor=interceptor, classes=classes, target=target, confidence=confidence,
            deliveries_per_month=found, probability=None if found is None else steps[found],
            current_deliveries_per_month=current, current_probability=share(current),
            reachable=found is not None, steps=sorted(steps.items()), note=note, runs=runs,
        )
        return _with_certainty(answer)

    guess: float | None = current
    if scenario.threats is not None:
        best = stocked_rate(solved, classes)
        if best < target:
            share(current)
            return result(None, f"the layers stop {best:.0%} of {' and '.join(classes)} even with full "
                                f"stocks, below the target {target:.0%}: no production reaches it")
        guess = _fluid_required(solved, key, classes, target, ceiling)
        if guess is None:
            share(current)
            return result(None, "no number of deliveries holds it on average, however large: other "
                                "interceptors run out first; raise them too")
    guess = float(math.ceil(guess))
    if holds(guess):
        high, low = guess, None
        step = max(1.0, 0.2 * guess)
        for _ in range(MAX_STEPS):  # the step doubles: 0 is reached well within the cap
            if low is not None:
                break
            candidate = max(0.0, high - step)
            if holds(candidate):
                high = candidate
                if candidate == 0.0:
                    return result(0.0, "the target holds without deliveries")
                step *= 2
            else:
                low = candidate
    else:
        # the run-to-run spread can keep the share below `confidence` at any production:
        # check a generous figure before bracketing
        practical = min(ceiling, max(20.0 * guess, guess + 100.0, 10.0 * current + 100.0))
        if not holds(practical):
            return result(None, f"not reached even at {practical:g} a month: the spread between "
                                f"runs keeps fewer than {confidence:.0%} of them at the target")
        low, high = guess, None
        step = max(1.0, 0.25 * guess)
        for _ in range(MAX_STEPS):  # the step doubles up to `practical`, which holds
            if high is not None:
                break
            candidate = min(practical, low + step)
            if holds(candidate):
                high = candidate
            else:
                low = candidate
                step *= 2
    if low is None or high is None:  # cannot happen within MAX_STEPS doublings; said, not hidden
        return result(None, "the search did not bracket the answer")
    for _ in range(MAX_STEPS):
        if high - low <= max(1.0, tolerance * high):
            break
        middle = float(math.floor((low + high) / 2))
        if middle <= low:
            break
        if holds(middle):
            high = middle
        else:
            low = middle
    return result(high)


def _fluid_required(
    scenario: Scenario, key: str, classes: Sequence[str], target: float, ceiling: float
) -> float | None:
    """Deliveries per month at which the expected-value solution's horizon rate reaches the target
    (None: not even at `ceiling`)."""
    def rate(deliveries: float) -> float:
        return fluid_rate(scenario.with_overrides({key: deliveries}), classes)

    if rate(0.0) >= target:
        return 0.0
    if rate(ceiling) < target:
        return None
    low, high = 0.0, 1.0
    for _ in range(MAX_STEPS):
        if rate(high) >= target:
            break
        low, high = high, min(high * 2, ceiling)
    for _ in range(MAX_STEPS):
        if high - low <= 0.5:
            break
        middle = 0.5 * (low + high)
        if rate(middle) >= target:
            high = middle
        else:
            low = middle
    return high


# --- sensitivity ---------------------------------------------------------------------------------


def capped_median_days(result: Any, interceptor: str) -> tuple[float, bool]:
    """Median day `interceptor` runs out, capped at the horizon; and whether the cap applied."""


def _with_certainty(answer: ProductionRequirement) -> ProductionRequirement:
    """Fill in how sure the answer is (module doc): the figures tried that clearly hold and
    clearly fail the target at this number of runs bracket the answer."""
    runs, confidence = answer.runs, answer.confidence
    found = answer.deliveries_per_month
    if found is None or runs <= 0:
        return answer  # the note says why there is no figure
    p = answer.probability
    answer.probability_se = mc.proportion_se(p, runs)
    lower = [(d, s) for d, s in answer.steps if d < found]
    answer.below = max(lower) if lower else None

    def margin(share: float) -> float:
        return 2 * max(mc.proportion_se(share, runs), 1 / runs)

    holds = [d for d, s in answer.steps if s - confidence >= margin(s) - 1e-12]
    fails = [d for d, s in answer.steps if confidence - s >= margin(s) - 1e-12]
    low = max((d for d in fails if d <= found), default=None)
    high = min((d for d in holds if d >= found), default=None)
    answer.settled = low is not None and high is not None and high - low <= max(1.0, 0.05 * found)
    held = (f"all {runs:,} runs hold" if p >= 1 else f"none of {runs:,} runs holds" if p <= 0 else
            f"{p:.1%} ± {answer.probability_se:.1%} of {runs:,} runs hold")  # a decimal: read against the confidence
    text = f"{held} the target at {found:,.0f} a month"
    if answer.below is not None:
        figure, share = answer.below
        text += f", {share:.1%} ± {mc.proportion_se(share, runs):.1%} at {figure:,.0f}"
    if low is None and answer.below is None:
        answer.certainty = text + "; nothing lower was needed"
    elif answer.settled:
        answer.certainty = text + f"; the figure lies between {low:,.0f} and {high:,.0f} a month"
    else:
        clear_low = "below any figure tried" if low is None else f"above {low:,.0f}"
        clear_high = "beyond the figures tried" if high is None else f"at most {high:,.0f}"
        answer.certainty = (text + f"; at this number of runs the figure is {clear_low} and {clear_high} "
                            "a month (each side clear of the line by two standard errors); more runs "
                            "would narrow it")
    return answer
