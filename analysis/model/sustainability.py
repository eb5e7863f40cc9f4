"""Sustainability of the air defense: what rate of attack the deliveries keep up with, what production
would hold a target interception rate, and which assumptions move days-to-depletion most.

- `expected_use(scenario)`: per layer and class, the chance an arriving threat reaches the layer
  (every earlier layer stocked), the interceptors it spends on it on average, and the daily use at
  the scenario's arrival rates: the layered leak formula, in closed form.
- `sustainable_rates(scenario)`: per layer with an interceptor, the arrival rate (of the classes it
  engages, the scenario's class mix held) whose expected interceptor use equals the interceptor's
  deliveries per day. Above it the stock drains on average, below it grows. Layers sharing an
  interceptor share its deliveries. A daily capacity caps use, so a layer whose capacity-limited
  use stays below its deliveries is sustainable at any rate (reported as infinite).
- `required_production(scenario, interceptor)`: the fewest deliveries per month at which the
  interception rate of the classes that interceptor's layers engage, over the horizon, reaches the
  target (default 0.74) in at least `confidence` of runs. A bisection over whole deliveries per
  month, every step simulated with the same seed (common random numbers), so the steps differ by
  the deliveries and not by the luck of the draw.
- `tornado(scenario, ranges)`: one parameter at a time at its low and high value, the median day
  the interceptor runs out (capped at the horizon), sorted by swing.
- `depletion_grid(scenario, ...)`: the sweep (analysis.model.sweep) of days-to-depletion over attack
  intensity x deliveries, as a table ready for a heatmap.

Scenarios with a `calibration` block are calibrated first (their engagement probabilities solved
for the target rates); the analyses then vary the calibrated scenario, so a change of pk is not
undone by calibrating again.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import ScenarioError
from analysis.model.scenarios import Scenario, apply_overrides, scenario_from_dict

DEFAULT_TARGET = 0.74  # overall effectiveness, Gen. Syrskyi, 11 Oct 2025 (FIGURES.md)


def record_frame(scenario: Scenario, record: Any = None) -> Any:
    """The tidy record loaded once for a scenario that reads it (else `record` as given), so that
    searches simulating many variants do not read the file again for each."""
    if not scenario.needs_record:
        return record
    from analysis.model.depletion import resolve_record

    return resolve_record(record, scenario)


def calibrated(scenario: Scenario, record: Any = None) -> Scenario:
    """The scenario with its calibration applied (engagement probabilities solved), else as is."""
    if scenario.calibration is None:
        return scenario
    from analysis.model.calibration import calibrate

    result, _report = calibrate(scenario, record=record_frame(scenario, record))
    return result


def mean_arrivals(scenario: Scenario, arrivals_per_day: Mapping[str, float] | None = None) -> dict[str, float]:
    """Mean arrivals per day by class: the scenario's `per_day`, or figures given (e.g. from the record)."""
    if arrivals_per_day is not None:
        return {cls: float(arrivals_per_day.get(cls, 0.0)) for cls in scenario.classes}
    if scenario.threats is None:
        raise ScenarioError(
            f"{scenario.source}: key 'threats': arrivals come from the record; pass arrivals_per_day "
            "(e.g. a simulation summary's arrivals_per_day)"
        )
    return {cls: scenario.threats[cls].per_day for cls in scenario.classes}


def expected_use(
    scenario: Scenario, arrivals_per_day: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Per layer and class engaged: reach probability, expected shots per arriving threat, use per day.

    While stocks last and capacity does not bind, a threat of class k reaches layer j with
    probability prod over earlier layers i engaging k of (1 - c_i q_i), and layer j spends on it
    c_j x shots_j on average. `capacity_per_day` is listed but not applied here.
    """
    rates = mean_arrivals(scenario, arrivals_per_day)
    reach = dict.fromkeys(scenario.classes, 1.0)
    rows = []
    for order, layer in enumerate(scenario.layers):
        for cls, engagement in layer.engages.items():
            c = layer.engage_probability[cls]
            shots_per_threat = reach[cls] * c * engagement.shots
            rows.append({
                "order": order,
                "layer": layer.name,
                "interceptor": layer.interceptor,
                "class": cls,
                "arrivals_per_day": rates[cls],
                "reach_probability": reach[cls],
                "engage_probability": c,
                "shots": engagement.shots,
                "kill_probability": engagement.kill_probability,
                "shots_per_arriving_threat": shots_per_threat,
                "use_per_day": rates[cls] * shots_per_threat,
                "capacity_per_day": layer.capacity_per_day,
            })
            reach[cls] *= 1.0 - c * engagement.kill_probability
    return pd.DataFrame(rows)


def _fluid_use(scenario: Scenario, rates: Mapping[str, float]) -> dict[str, float]:
    """Expected interceptor use per day with unlimited stocks, capacity applied to the means."""
    use = dict.fromkeys(scenario.interceptors, 0.0)
    remaining = dict(rates)
    for layer in scenario.layers:
        capacity = math.inf if layer.capacity_per_day is None else float(layer.capacity_per_day)
        for cls, engagement in layer.engages.items():
            engaged = min(remaining[cls] * layer.engage_probability[cls], capacity)
            capacity -= engaged
            if layer.interceptor is not None:
                use[layer.interceptor] += engaged * engagement.shots
            remaining[cls] -= engaged * engagement.kill_probability
    return use


def sustainable_rates(
    scenario: Scenario, arrivals_per_day: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Per layer with an interceptor: the arrival rate its interceptor's deliveries keep up with.

    Columns: layer, interceptor, classes (engaged), arrivals_per_day (of those classes now),
    use_per_day (expected, all layers sharing the interceptor), deliveries_per_day,
    sustainable_multiple (of today's intensity, all classes scaled together) and
    sustainable_rate_per_day (arrivals of the engaged classes at that multiple; inf when capacity
    keeps use below deliveries at any rate).
    """
    rates = mean_arrivals(scenario, arrivals_per_day)
    use_now = _fluid_use(scenario, rates)
    multiples = {}
    for name, interceptor in scenario.interceptors.items():
        multiples[name] = _sustainable_multiple(scenario, rates, name, interceptor.deliveries_per_day)
    rows = []
    for layer in scenario.layers:
        if layer.interceptor is None:
            continue
        name = layer.interceptor
        engaged_rate = sum(rates[cls] for cls in layer.engages)
        multiple = multiples[name]
        rows.append({
            "layer": layer.name,
            "interceptor": name,
            "classes": ", ".join(layer.engages),
            "arrivals_per_day": engaged_rate,
            "use_per_day": use_now[name],
            "deliveries_per_day": scenario.interceptors[name].deliveries_per_day,
            "sustainable_multiple": multiple,
            "sustainable_rate_per_day": multiple * engaged_rate,
            "net_drain_per_day": use_now[name] - scenario.interceptors[name].deliveries_per_day,
        })
    return pd.DataFrame(rows)


def _sustainable_multiple(
    scenario: Scenario, rates: Mapping[str, float], interceptor: str, deliveries_per_day: float
) -> float:
    """The factor f on every arrival rate at which expected use of `interceptor` equals deliveries."""
    def use(factor: float) -> float:
        return _fluid_use(scenario, {cls: factor * r for cls, r in rates.items()})[interceptor]

    base = use(1.0)
    if base <= 0:
        return math.inf
    capped = any(layer.capacity_per_day is not None for layer in scenario.layers)
    if not capped:
        return deliveries_per_day / base  # use is proportional to the rates: closed form
    # With capacities, use(f) is piecewise linear and non-decreasing but capacities can bind
    # upstream and push threats downstream: find the crossing by bisection.
    high = 1.0
    while use(high) < deliveries_per_day:
        high *= 2
        if high > 2.0**40:  # capacity holds use below the deliveries at any intensity
            return math.inf
    low = 0.0
    for _ in range(200):
        middle = 0.5 * (low + high)
        if use(middle) < deliveries_per_day:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


# --- required production -------------------------------------------------------------------------


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
    """Interception rate of `classes` over the horizon in the fluid (expected-value) solution."""
    from analysis.model.depletion import deterministic

    solution = deterministic(scenario)
    index = [scenario.classes.index(cls) for cls in classes]
    arrivals = solution["arrivals"][index].sum()
    return float(solution["kills"][index].sum() / arrivals) if arrivals > 0 else 1.0


def stocked_rate(scenario: Scenario, classes: Sequence[str]) -> float:
    """Interception rate of `classes` while every stock lasts: the layered leak formula, weighted
    by arrivals (the best any production of interceptors can hold with these layers)."""
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
    scenario = calibrated(scenario, record)
    seed = scenario.seed if seed is None else seed
    classes = interceptor_classes(scenario, interceptor)
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
        return ProductionRequirement(
            interceptor=interceptor, classes=classes, target=target, confidence=confidence,
            deliveries_per_month=found, probability=None if found is None else steps[found],
            current_deliveries_per_month=current, current_probability=share(current),
            reachable=found is not None, steps=sorted(steps.items()), note=note,
        )

    guess: float | None = current
    if scenario.threats is not None:
        best = stocked_rate(scenario, classes)
        if best < target:
            share(current)
            return result(None, f"the layers hold {best:.0%} of {', '.join(classes)} while stocked, "
                                f"below the target {target:.0%}: no production reaches it")
        guess = _fluid_required(scenario, key, classes, target, ceiling)
        if guess is None:
            share(current)
            return result(None, f"even {ceiling:g} a month does not hold it in the fluid solution: "
                                "other interceptors run out first; raise them too")
    guess = float(math.ceil(guess))
    if holds(guess):
        high, low = guess, None
        step = max(1.0, 0.2 * guess)
        while low is None:
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
        while high is None:
            candidate = min(practical, low + step)
            if holds(candidate):
                high = candidate
            else:
                low = candidate
                step *= 2
    while high - low > max(1.0, tolerance * high):
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
    """Deliveries per month at which the fluid solution's horizon rate reaches the target (None:
    not even at `ceiling`)."""
    def rate(deliveries: float) -> float:
        return fluid_rate(scenario.with_overrides({key: deliveries}), classes)

    if rate(0.0) >= target:
        return 0.0
    if rate(ceiling) < target:
        return None
    low, high = 0.0, 1.0
    while rate(high) < target:
        low, high = high, high * 2
    while high - low > 0.5:
        middle = 0.5 * (low + high)
        if rate(middle) >= target:
            high = middle
        else:
            low = middle
    return high


# --- sensitivity ---------------------------------------------------------------------------------


def capped_median_days(result: Any, interceptor: str) -> tuple[float, bool]:
    """Median day `interceptor` runs out, capped at the horizon; and whether the cap applied."""
    days = result.depletion_days(interceptor)
    median = float(np.median(np.minimum(days, result.horizon_days)))
    return median, bool(np.median(days) > result.horizon_days)


def default_ranges(scenario: Scenario, interceptor: str) -> pd.DataFrame:
    """Low/high values of the parameters that drive `interceptor`, each with where the range comes from.

    Relative ranges around the scenario's own values where the public record gives no range.
    """
    rows = []
    stock = scenario.interceptors[interceptor].stock
    deliveries = scenario.interceptors[interceptor].deliveries_per_month
    rows.append((f"interceptors.{interceptor}.stock", stock * 0.5, stock * 2.0,
                 "stocks are not public: half to twice the assumed stock"))
    rows.append((f"interceptors.{interceptor}.deliveries_per_month", deliveries * 0.5,
                 max(deliveries * 2.0, 1.0), "Ukraine's share of output is not public: half to twice"))
    for layer in scenario.layers:
        if layer.interceptor != interceptor:
            continue
        for cls, engagement in layer.engages.items():
            base = f"layers.{layer.name}.engages.{cls}"
            rows.append((f"{base}.pk", max(0.0, engagement.pk - 0.2), min(1.0, engagement.pk + 0.2),
                         "no authoritative public pk (FIGURES.md): +-0.2"))
            if cls == "ballistic":
                rows.append((f"{base}.shots", 2, 4, "2-4 interceptors per ballistic missile (Hoffmann 2025; tests)"))
            elif cls == "cruise":
                rows.append((f"{base}.shots", 1, 2, "1-2 per cruise missile, shoot-look-shoot (convention)"))
            else:
                rows.append((f"{base}.shots", 1, 2, "assumption: one or two per threat"))
            c = layer.engage_probability[cls]
            rows.append((f"layers.{layer.name}.engage_probability.{cls}", max(0.0, c - 0.2),
                         min(1.0, c + 0.2), "calibrated to the record's rate: +-0.2"))
    if scenario.threats is not None:
        for cls in interceptor_classes(scenario, interceptor):
            per_day = scenario.threats[cls].per_day
            rows.append((f"threats.{cls}.per_day", per_day * 0.5, per_day * 2.0,
                         "attack intensity: half to twice the scenario's (record's months vary this much)"))
    return pd.DataFrame(rows, columns=["parameter", "low", "high", "source"])


def tornado(
    scenario: Scenario,
    interceptor: str,
    ranges: pd.DataFrame | None = None,
    *,
    runs: int = 1000,
    seed: int | None = None,
    record: Any = None,
) -> pd.DataFrame:
    """One-at-a-time sensitivity of the median day `interceptor` runs out (capped at the horizon).

    Every variant uses the same seed (common random numbers). Returns one row per parameter with
    base, low and high values and results and `swing` = |high result - low result|, largest first.
    """
    from analysis.model.depletion import simulate

    record = record_frame(scenario, record)
    scenario = calibrated(scenario, record)
    seed = scenario.seed if seed is None else seed
    ranges = default_ranges(scenario, interceptor) if ranges is None else ranges
    base_data = scenario.to_dict()

    done: dict[str, tuple[float, bool]] = {}

    def median_at(overrides: Mapping[str, Any]) -> tuple[float, bool]:
        data = apply_overrides(base_data, overrides)
        # an end of a range equal to the base value (e.g. 2 shots, range 2-4) is the base
        # scenario again: same seed, same numbers, so simulate each distinct scenario once
        key = json.dumps(data, sort_keys=True, default=str)
        if key not in done:
            variant = scenario_from_dict(data, source=scenario.source)
            done[key] = capped_median_days(simulate(variant, runs=runs, seed=seed, record=record),
                                           interceptor)
        return done[key]

    base_days, base_capped = median_at({})
    rows = []
    for item in ranges.to_dict("records"):
        key = item["parameter"]
        low, high = item["low"], item["high"]
        if key.endswith(".shots") or key.endswith(".stock"):
            low, high = int(round(low)), int(round(high))
        low_days, low_capped = median_at({key: low})
        high_days, high_capped = median_at({key: high})
        rows.append({
            "parameter": key, "base_value": _lookup(base_data, key), "low": low, "high": high,
            "days_at_low": low_days, "days_at_high": high_days, "base_days": base_days,
            "swing": abs(high_days - low_days), "capped": low_capped or high_capped or base_capped,
            "source": item.get("source", ""),
        })
    return pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def _lookup(data: Mapping[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if isinstance(node, list):
            matches = [x for x in node if isinstance(x, Mapping) and str(x.get("name")) == part]
            node = matches[0] if matches else node[int(part)]
        elif isinstance(node, Mapping):
            node = node.get(part)
        else:
            return node
    return node


def depletion_grid(
    scenario: Scenario,
    intensity_key: str,
    intensity_values: Sequence[float],
    deliveries_key: str,
    deliveries_values: Sequence[float],
    *,
    runs: int = 500,
    scheduler: str = "local",
    record: Any = None,
    output: str | None = None,
) -> pd.DataFrame:
    """Sweep (analysis.model.sweep) of the calibrated scenario over intensity x deliveries.

    Returns the sweep table; each point's seed derives from its values (see analysis.model.sweep).
    """
    from analysis.model.sweep import grid_from_dict, run_sweep

    base = calibrated(scenario, record).to_dict()
    grid = grid_from_dict(
        {"runs": runs, "grid": {intensity_key: list(intensity_values), deliveries_key: list(deliveries_values)}},
        source=f"{scenario.source} (heatmap grid)",
        base_scenario=base,
    )
    return run_sweep(grid, scheduler=scheduler, output=output, progress=False).table
