"""The long run: what attack the deliveries can keep up with, interceptor by interceptor.

Stocks are a buffer; in the long run each interceptor can fire no more than is delivered. Take
the attack as today's mean arrivals of every class times a multiple m, and follow the mean flow
of threats through the layers in order (analysis.model.flows.long_run_flow). Each interceptor fires
what its layers call for while that stays within its deliveries a day; beyond them it fires only
what is delivered, and the later layers meet every threat it no longer stops. One pass through
the layers gives this steady state (the flow only goes forward), for any m:

- `demand` of an interceptor: the interceptors a day its layers would fire at m, given what the
  earlier layers stop with their own deliveries;
- it *drains* when its demand exceeds its deliveries a day. Its **sustainable multiple** is the
  smallest m at which it drains, its **sustainable threats a day** that multiple times today's
  arrivals of the classes it engages. Demand is piecewise linear in m but need not rise with it
  (a cheaper class listed first may take a shared capacity from a dearer one), so m is scanned
  from 2^-40 to 2^40 in steps of 2^(1/4), then the first step that drains is bisected to a
  relative 1e-12 (at most 200 halvings): a window of draining narrower than one step (19%) could
  be missed. Draining already at 2^-40 gives 0 (it drains at any attack: nothing is delivered, or
  almost nothing); no drain up to 2^40 gives infinity (sustains any attack);
- the **defense multiple** is the largest multiple at which no interceptor drains: the smallest
  of the interceptors' multiples (below it no interceptor is limited by its deliveries, so each
  fires exactly what its layers call for).

Example (issue 9): layer A (1 shot, pk 0.85, 5 delivered a day) before layer B (2 shots, pk 0.3,
6 a day), 10 threats a day, every threat engaged. A sustains 5 a day (m = 0.5). Beyond, A fires
its 5 and stops 4.25, so at x threats a day B meets x - 4.25 and fires 2 (x - 4.25): equal to its
6 at x = 7.25 (m = 0.725), not the 20 a day B's deliveries would allow if A never ran out.

What production would sustain today's attack (m = 1): `needed_per_day_together` is what every
interceptor fires at today's attack when all are stocked (if all were delivered that much,
none would drain); `needed_per_day_alone` is what one interceptor alone would need with the
others at their deliveries (more, where an earlier interceptor runs short).

Capacity limits use: an interceptor whose layers' daily capacity keeps its demand within its
deliveries at any attack is sustainable at any multiple (infinite).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis.errors import ScenarioError
from analysis.model.flows import bisect_boundary, long_run_flow
from analysis.model.scenarios import Scenario

DAYS_PER_MONTH = 365 / 12
# the search over multiples of today's attack: below MIN_MULTIPLE an interceptor that drains
# drains at any attack (multiple 0); within deliveries up to MAX_MULTIPLE it sustains any (inf)
MIN_MULTIPLE = 2.0**-40
MAX_MULTIPLE = 2.0**40
SCAN_FACTOR = 2.0**0.25
SCAN_STEPS = 320  # MIN_MULTIPLE x SCAN_FACTOR**320 = MAX_MULTIPLE
RELATIVE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Flow:
    """The steady state at one multiple: per interceptor demand and use a day, kills per class."""

    multiple: float
    demand: dict[str, float]
    used: dict[str, float]
    kills: dict[str, float]
    arrivals: dict[str, float]


def mean_arrivals(scenario: Scenario, record: Any = None,
                  arrivals_per_day: Mapping[str, float] | None = None) -> dict[str, float]:
    """Today's mean arrivals a day by class: figures given, the scenario's `per_day`, the mean
    of the record's days times `scale` (exact, no simulation), or the forecast's mean a day over
    the horizon (from its sample paths)."""
    if arrivals_per_day is not None:
        return {cls: float(arrivals_per_day.get(cls, 0.0)) for cls in scenario.classes}
    if scenario.threats is not None:
        return {cls: scenario.threats[cls].per_day for cls in scenario.classes}
    from analysis.model.depletion import record_daily_counts, resolve_record

    if scenario.forecast_threats is not None:  # the forecast's mean over the horizon
        from analysis.model.forecast_threats import mean_arrivals as forecast_mean

        return forecast_mean(scenario.forecast_threats, resolve_record(record, scenario), scenario.seed,
                             scenario.horizon_days, scenario.source)

    rt = scenario.record_threats
    table = record_daily_counts(resolve_record(record, scenario), rt.start, rt.end, rt.classes, rt.command)
    means = table.mean(axis=0) * rt.scale
    return {cls: float(means[k]) for k, cls in enumerate(rt.classes)}


def steady_state(scenario: Scenario, arrivals: Mapping[str, float], multiple: float = 1.0,
                 limited: bool = True) -> Flow:
    """The mean flow at `multiple` x `arrivals` with every interceptor limited by its deliveries
    a day (`limited=False`: unlimited stocks, the flow while everything is stocked)."""
    flows = {cls: multiple * float(arrivals.get(cls, 0.0)) for cls in scenario.classes}
    arrived = dict(flows)
    budget = {name: (i.deliveries_per_day if limited else math.inf)
              for name, i in scenario.interceptors.items()}
    demand = dict.fromkeys(scenario.interceptors, 0.0)
    used = dict.fromkeys(scenario.interceptors, 0.0)
    kills = dict.fromkeys(scenario.classes, 0.0)
    for layer in scenario.layers:
        incoming = {cls: flows[cls] for cls in layer.engages}
        name = layer.interceptor
        if name is None:
            engaged = long_run_flow(layer, incoming, None)
        else:
            wanted = long_run_flow(layer, incoming, math.inf)
            demand[name] += sum(count * layer.engages[cls].shots for cls, count in wanted.items())
            engaged = long_run_flow(layer, incoming, max(budget[name], 0.0))
            spent = sum(count * layer.engages[cls].shots for cls, count in engaged.items())
            budget[name] -= spent
            used[name] += spent
        for cls, count in engaged.items():
            killed = count * layer.engages[cls].kill_probability
            flows[cls] -= killed
            kills[cls] += killed
    return Flow(multiple, demand, used, kills, arrived)


def sustainable_multiple(scenario: Scenario, arrivals: Mapping[str, float], interceptor: str) -> float:
    """The smallest multiple of `arrivals` at which `interceptor` drains (module doc); inf when
    capacity or the flow keep its demand within its deliveries at any attack, 0 when it drains at
    any attack (e.g. nothing is delivered). Every search is bounded (SCAN_STEPS, flows.BISECTIONS)."""
    delivered = scenario.interceptors[interceptor].deliveries_per_day

    def drains(multiple: float) -> bool:
        return steady_state(scenario, arrivals, multiple).demand[interceptor] > delivered * (1 + 1e-12)

    if drains(MIN_MULTIPLE):
        return 0.0
    # demand need not rise with the attack (a cheaper class may take a shared capacity), so the
    # first multiple that drains is looked for on a fine geometric scan, then bisected
    low = MIN_MULTIPLE
    for step in range(1, SCAN_STEPS + 1):
        high = MIN_MULTIPLE * SCAN_FACTOR**step
        if drains(high):
            break
        low = high
    else:
        return math.inf
    return bisect_boundary(drains, low, high, RELATIVE_TOLERANCE * low)[1]


@dataclass(frozen=True)
class LongRun:
    """The long-run figures of a scenario (see `long_run`)."""

    scenario: str
    arrivals_per_day: dict[str, float]
    interceptors: dict[str, dict[str, Any]]
    defense_multiple: float
    limiting: str | None  # the interceptor that drains first

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (infinite figures as null)."""
        def clean(value: Any) -> Any:
            if isinstance(value, float) and not math.isfinite(value):
                return None
            if isinstance(value, Mapping):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [clean(v) for v in value]
            return value

        return clean({"scenario": self.scenario, "arrivals_per_day": self.arrivals_per_day,
                      "interceptors": self.interceptors, "defense_multiple": self.defense_multiple,
                      "limiting_interceptor": self.limiting})


def long_run(scenario: Scenario, record: Any = None,
             arrivals_per_day: Mapping[str, float] | None = None) -> LongRun:
    """Per interceptor: sustainable multiple and threats a day, use and deliveries a day today,
    production needed; and the defense multiple. The scenario should be calibrated already
    (analysis.model.calibration), since the engage probabilities set how far threats get."""
    arrivals = mean_arrivals(scenario, record, arrivals_per_day)
    if not any(arrivals.values()):
        raise ScenarioError(f"{scenario.source}: threats: no threat arrives: nothing to sustain")
    stocked = steady_state(scenario, arrivals, 1.0, limited=False)
    today = steady_state(scenario, arrivals, 1.0)
    figures: dict[str, dict[str, Any]] = {}
    for name, interceptor in scenario.interceptors.items():
        engaged = sorted({cls for layer in scenario.layers if layer.interceptor == name
                          for cls in layer.engages if layer.engage_probability[cls] > 0},
                         key=scenario.classes.index)
        if not engaged:
            continue
        multiple = sustainable_multiple(scenario, arrivals, name)
        threats = sum(arrivals[cls] for cls in engaged)
        figures[name] = {
            "classes": engaged,
            "sustainable_multiple": multiple,
            "sustainable_threats_per_day": multiple * threats,
            "threats_per_day": threats,
            "used_per_day": stocked.demand[name],
            "delivered_per_day": interceptor.deliveries_per_day,
            "long_run_used_per_day": today.used[name],
            "needed_per_day_together": stocked.demand[name],
            "needed_per_day_alone": today.demand[name],
            "needed_deliveries_per_month_together": stocked.demand[name] * DAYS_PER_MONTH,
            "needed_deliveries_per_month_alone": today.demand[name] * DAYS_PER_MONTH,
            "deliveries_per_month": interceptor.deliveries_per_month,
        }
    limiting = min(figures, key=lambda n: figures[n]["sustainable_multiple"]) if figures else None
    defense = figures[limiting]["sustainable_multiple"] if limiting else math.inf
    if not math.isfinite(defense):
        limiting = None  # nothing drains at any attack: no interceptor is first to
    return LongRun(scenario.name, arrivals, figures, defense, limiting)
