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

Whole missiles. A drained layer fires what is delivered; on mean flows it fires fractions of
engagements, which is wrong when few missiles arrive a day: a single missile cannot make a
two-shot salvo (it goes to a one-shot class, or with `salvo: partial` is fired alone), a stock
saved in a lull meets the next wave. So a drained layer whose interceptor no other layer fires,
with at most `whole.WHOLE_LIMIT` delivered a day, is followed in whole missiles, by the Markov
chain of its stock in analysis.model.whole (the engine's own allocation rules on the daily law of
the threats reaching it); more delivered a day, the mean flows are close enough. Demand (what the
layers call for with stock to spare) is a mean either way, so each interceptor's multiple is found
as before; what the whole missiles change is what a drained earlier layer stops, and so the flow
reaching the later ones, and what each class of a drained layer gets.

Time. A scenario whose values change over time (`changes`, a schedule of deliveries) is taken as
it settles: with the values in force on the horizon's last day (`Scenario.settled`).

Per class (`class_rates`): besides the whole attack, the rate of one class the deliveries keep up
with while the others stay at today's: the largest multiple of that class's arrivals at which the
interceptor's layers still answer every threat of it they would engage in the long run (followed in
whole missiles, at least `ANSWERED` of them: with random days some always go unanswered), e.g.
the ballistic missiles a day the PAC-3 MSE deliveries keep up with.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis.errors import ScenarioError
from analysis.model.flows import bisect_boundary, long_run_flow
from analysis.model.scenarios import Layer, Scenario
from analysis.model.whole import WHOLE_LIMIT, DailyLaw, drained_flow

DAYS_PER_MONTH = 365 / 12
# the search over multiples of today's attack: below MIN_MULTIPLE an interceptor that drains
# drains at any attack (multiple 0); within deliveries up to MAX_MULTIPLE it sustains any (inf)
MIN_MULTIPLE = 2.0**-40
MAX_MULTIPLE = 2.0**40
SCAN_FACTOR = 2.0**0.25
SCAN_STEPS = 320  # MIN_MULTIPLE x SCAN_FACTOR**320 = MAX_MULTIPLE
RELATIVE_TOLERANCE = 1e-12
WHOLE_TOLERANCE = 1e-6  # relative, where an earlier layer is followed in whole missiles
ANSWERED = 0.99  # a class is kept up with while its layers answer this share of what they would engage
CLASS_SCAN = (2.0**-12, 2.0**12, 2.0**0.5)  # per-class multiples scanned: from, to, factor
CLASS_TOLERANCE = 1e-4  # relative width of the per-class bisection
FORECAST_LAW_DAYS = 5_000  # days of the forecast's sample paths behind its daily law


@dataclass(frozen=True)
class Flow:
    """The steady state at one multiple: per interceptor demand and use a day, kills per class."""

    multiple: float
    demand: dict[str, float]
    used: dict[str, float]
    kills: dict[str, float]
    arrivals: dict[str, float]
    # per (interceptor, class): the share of the threats its layers would engage that they answer
    answered: dict[tuple[str, str], float] = None  # type: ignore[assignment]
    whole_layers: tuple[str, ...] = ()  # layers followed in whole missiles


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


def daily_law(scenario: Scenario, record: Any = None) -> DailyLaw:
    """The law of one day's arrivals of today's attack (multiple 1): the parametric classes'
    means and dispersions, or the record's days times `scale`, or days of the forecast's paths."""
    if scenario.threats is not None:
        return DailyLaw(marginals={c: (t.per_day, t.dispersion) for c, t in scenario.threats.items()})
    from analysis.model.depletion import record_daily_counts, resolve_record

    frame = resolve_record(record, scenario)
    if scenario.forecast_threats is not None:
        import numpy as np

        from analysis.model.forecast_threats import MEAN_PATHS, draw_paths, fit_forecast

        spec = scenario.forecast_threats
        forecast = fit_forecast(spec, frame, scenario.seed, scenario.source)
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(scenario.seed, spawn_key=(99,))))
        paths = draw_paths(forecast, spec, MEAN_PATHS, scenario.horizon_days, rng, scenario.source)
        days = paths.reshape(len(spec.classes), -1).T.astype(float)
        stride = max(1, len(days) // FORECAST_LAW_DAYS)
        return DailyLaw(days=days[::stride], classes=tuple(spec.classes))
    rt = scenario.record_threats
    table = record_daily_counts(frame, rt.start, rt.end, rt.classes, rt.command)
    return DailyLaw(days=table * rt.scale, classes=tuple(rt.classes))


def _scaled(law: DailyLaw, factors: Mapping[str, float]) -> DailyLaw:
    """The law with each class's arrivals multiplied by its factor."""
    if law.marginals is not None:
        return DailyLaw(marginals={c: (m * factors.get(c, 1.0), d) for c, (m, d) in law.marginals.items()})
    return DailyLaw(days=law.days * [factors.get(c, 1.0) for c in law.classes], classes=law.classes)


def whole_matters(layer: Layer, wanted: Mapping[str, float]) -> bool:
    """Whether whole missiles change a drained layer's long run from the mean flows: it shares its
    interceptor between classes, or fires partial salvos, or keeps a reserve. One class in full
    salvos fires every delivered missile in them, as the mean flows say."""
    calling = [cls for cls, count in wanted.items() if count > 0]
    return (len(calling) > 1 or bool(layer.effective_reserve)
            or any(layer.engages[cls].salvo == "partial" and layer.engages[cls].shots > 1 for cls in calling))


def steady_state(scenario: Scenario, arrivals: Mapping[str, float], multiple: float = 1.0,
                 limited: bool = True, law: DailyLaw | None = None, until: int | None = None,
                 factors: Mapping[str, float] | None = None, mean_flows_for: str | None = None,
                 cache: dict | None = None) -> Flow:
    """The mean flow at `multiple` x `arrivals` with every interceptor limited by its deliveries
    a day (`limited=False`: unlimited stocks, the flow while everything is stocked). With `law`
    (the daily law of today's attack, `daily_law`), a drained layer with few missiles a day is
    followed in whole missiles (module doc). `until`: the last layer to follow (the later ones
    change no demand of the earlier); `factors`: per class, a multiple in place of `multiple`;
    `mean_flows_for`: an interceptor whose layers stay on mean flows (a search of its own demand,
    which whole missiles do not change); `cache`: a mapping that keeps each chain's result for
    the searches of one long run (they meet the same multiples)."""
    factors = {cls: (multiple if factors is None else factors.get(cls, 1.0)) for cls in scenario.classes}
    flows = {cls: factors[cls] * float(arrivals.get(cls, 0.0)) for cls in scenario.classes}
    arrived = dict(flows)
    budget = {name: (i.deliveries_per_day if limited else math.inf)
              for name, i in scenario.interceptors.items()}
    demand = dict.fromkeys(scenario.interceptors, 0.0)
    used = dict.fromkeys(scenario.interceptors, 0.0)
    kills = dict.fromkeys(scenario.classes, 0.0)
    answered: dict[tuple[str, str], float] = {}
    whole: list[str] = []
    firing = {name: sum(layer.interceptor == name for layer in scenario.layers) for name in scenario.interceptors}
    for index, layer in enumerate(scenario.layers):
        if until is not None and index > until:
            break
        incoming = {cls: flows[cls] for cls in layer.engages}
        name = layer.interceptor
        killed_by = None
        if name is None:
            engaged = long_run_flow(layer, incoming, None)
        else:
            wanted = long_run_flow(layer, incoming, math.inf)
            call = sum(count * layer.engages[cls].shots for cls, count in wanted.items())
            demand[name] += call
            left = max(budget[name], 0.0)
            if (law is not None and limited and call > left * (1 + 1e-12) and firing[name] == 1
                    and name != mean_flows_for and left <= WHOLE_LIMIT and whole_matters(layer, wanted)):
                base = {cls: float(arrivals.get(cls, 0.0)) * factors[cls] for cls in layer.engages}
                thin = {cls: (incoming[cls] * layer.engage_probability[cls] / base[cls] if base[cls] > 0 else 0.0)
                        for cls in layer.engages}
                key = (index, tuple(sorted(factors.items())), left, tuple(sorted(thin.items())))
                chain = None if cache is None else cache.get(key)
                if chain is None:
                    chain = drained_flow(layer, _scaled(law, factors), thin, left)
                    if cache is not None:
                        cache[key] = chain
                engaged, killed_by, spent = chain.engaged, chain.kills, sum(chain.fired.values())
                whole.append(layer.name)
            else:
                engaged = long_run_flow(layer, incoming, left)
                spent = sum(count * layer.engages[cls].shots for cls, count in engaged.items())
            budget[name] -= spent
            used[name] += spent
            for cls, count in engaged.items():
                want = wanted[cls] if wanted[cls] > 0 else 0.0
                share = 1.0 if want <= 0 else min(1.0, count / want)
                answered[(name, cls)] = min(answered.get((name, cls), 1.0), share)
        for cls, count in engaged.items():
            killed = killed_by[cls] if killed_by is not None else count * layer.engages[cls].kill_probability
            flows[cls] -= killed
            kills[cls] += killed
    return Flow(multiple, demand, used, kills, arrived, answered, tuple(whole))


def sustainable_multiple(scenario: Scenario, arrivals: Mapping[str, float], interceptor: str,
                         law: DailyLaw | None = None, cache: dict | None = None) -> float:
    """The smallest multiple of `arrivals` at which `interceptor` drains (module doc); inf when
    capacity or the flow keep its demand within its deliveries at any attack, 0 when it drains at
    any attack (e.g. nothing is delivered). Every search is bounded (SCAN_STEPS, flows.BISECTIONS)."""
    delivered = scenario.interceptors[interceptor].deliveries_per_day
    last = max((i for i, layer in enumerate(scenario.layers) if layer.interceptor == interceptor), default=None)

    whole: list[bool] = []

    def drains(multiple: float) -> bool:
        flow = steady_state(scenario, arrivals, multiple, law=law, until=last, mean_flows_for=interceptor,
                            cache=cache)
        whole.append(bool(flow.whole_layers))
        return flow.demand[interceptor] > delivered * (1 + 1e-12)

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
    # a chain of whole missiles is itself an approximation: bisected more coarsely
    tolerance = WHOLE_TOLERANCE if whole[-1] else RELATIVE_TOLERANCE
    return bisect_boundary(drains, low, high, tolerance * low)[1]


def class_rate(scenario: Scenario, arrivals: Mapping[str, float], interceptor: str, cls: str,
               law: DailyLaw | None = None, cache: dict | None = None) -> float:
    """The largest multiple of `cls`'s arrivals, the other classes at today's, at which the layers
    firing `interceptor` still answer the threats of `cls` they would engage in the long run (in
    whole missiles, at least `ANSWERED` of them; module doc); 0 when they answer fewer even at a
    trickle of it, inf when they answer it at any rate."""
    last = max(i for i, layer in enumerate(scenario.layers) if layer.interceptor == interceptor)

    layers = {layer.name for layer in scenario.layers if layer.interceptor == interceptor}

    def falls_short(multiple: float) -> bool:
        flow = steady_state(scenario, arrivals, law=law, until=last, factors={cls: multiple}, cache=cache)
        # on mean flows a class is answered in full or not; in whole missiles, up to chance
        least = ANSWERED if layers & set(flow.whole_layers) else 1.0 - 1e-9
        return flow.answered.get((interceptor, cls), 1.0) < least

    low, high, factor = CLASS_SCAN
    if falls_short(low):
        return 0.0
    step = low
    while step < high:
        if falls_short(step * factor):
            return bisect_boundary(falls_short, step, step * factor, CLASS_TOLERANCE * step)[0]
        step *= factor
    return math.inf


@dataclass(frozen=True)
class LongRun:
    """The long-run figures of a scenario (see `long_run`)."""

    scenario: str
    arrivals_per_day: dict[str, float]
    interceptors: dict[str, dict[str, Any]]
    defense_multiple: float
    limiting: str | None  # the interceptor that drains first
    # interceptor -> class -> {multiple, per_day, today, answered_today}: the class's rate kept up with
    classes: dict[str, dict[str, dict[str, Any]]] = None  # type: ignore[assignment]
    whole_layers: tuple[str, ...] = ()  # drained layers followed in whole missiles at today's attack
    settled_on: int | None = None  # the day whose values the long run takes, when they change

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
                      "limiting_interceptor": self.limiting, "classes": self.classes or {},
                      "whole_missile_layers": list(self.whole_layers), "settled_on_day": self.settled_on})


def long_run(scenario: Scenario, record: Any = None,
             arrivals_per_day: Mapping[str, float] | None = None, *, per_class: bool = False) -> LongRun:
    """Per interceptor: sustainable multiple and threats a day, use and deliveries a day today,
    production needed; per class it covers, the rate of that class it keeps up with (`class_rate`,
    `per_class=False` skips them); and the defense multiple. The scenario should be calibrated
    already (analysis.model.calibration), since the engage probabilities set how far threats get;
    a scenario whose values change is taken as it settles (its last day's values)."""
    settled_on = None
    if scenario.settled is not scenario:
        settled_on = scenario.horizon_days
        scenario = scenario.settled
    arrivals = mean_arrivals(scenario, record, arrivals_per_day)
    if not any(arrivals.values()):
        raise ScenarioError(f"{scenario.source}: threats: no threat arrives: nothing to sustain")
    law = daily_law(scenario, record) if arrivals_per_day is None else None
    if law is not None and law.marginals is None and arrivals_per_day is not None:
        law = None
    cache: dict = {}  # chains met again by the searches of other interceptors
    stocked = steady_state(scenario, arrivals, 1.0, limited=False)
    today = steady_state(scenario, arrivals, 1.0, law=law, cache=cache)
    figures: dict[str, dict[str, Any]] = {}
    by_class: dict[str, dict[str, dict[str, Any]]] = {}
    for name, interceptor in scenario.interceptors.items():
        engaged = sorted({cls for layer in scenario.layers if layer.interceptor == name
                          for cls in layer.engages if layer.engage_probability[cls] > 0},
                         key=scenario.classes.index)
        if not engaged:
            continue
        multiple = sustainable_multiple(scenario, arrivals, name, law, cache)
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
        if per_class:
            by_class[name] = {}
            for cls in engaged:
                rate = class_rate(scenario, arrivals, name, cls, law, cache)
                by_class[name][cls] = {"multiple": rate, "per_day": rate * arrivals[cls],
                                       "today_per_day": arrivals[cls],
                                       "answered_today": today.answered.get((name, cls), 1.0)}
    limiting = min(figures, key=lambda n: figures[n]["sustainable_multiple"]) if figures else None
    defense = figures[limiting]["sustainable_multiple"] if limiting else math.inf
    if not math.isfinite(defense):
        limiting = None  # nothing drains at any attack: no interceptor is first to
    return LongRun(scenario.name, arrivals, figures, defense, limiting, by_class, today.whole_layers, settled_on)
