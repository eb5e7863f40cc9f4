"""The depletion model written as a user would without this project: a Python loop per run and day.

This is a second, independent implementation of the model described in issue 5 (and pinned in the
docstring of `analysis.model.depletion`). It shares no code with the engine: it reads the scenario YAML
itself into `ReferenceScenario` and simulates each run day by day and, in the default form, each
threat one by one with Python's `random` module, the way one would write it without numpy.

Semantics (as pinned in `analysis.model.depletion`'s docstring), per run and day t = 1..H in this order:
1. deliveries arrive in the morning in whole missiles: floor(R(t)) - floor(R(t - 1)), with R(t)
   the deliveries the monthly flow has brought by day t (r = per_month x 12 / 365 a day, the
   flow in force that day: `deliveries_per_month` from day 1, then each `{from_day, per_month}`),
   plus the dated lumps `{day, count}` of that day; a date counts from `start_date` (day 1);
2. arrivals: per threat class, a count with mean `per_day` and variance `dispersion` x mean
   (0: fixed, stochastic rounding of a fractional mean; 1: Poisson; > 1: negative binomial;
   between 0 and 1: binomial(N, m / N) with N = ceil(m / (1 - D))); a threat's `changes` set
   new values from their day on;
3. layers in order, with the values their `changes` set from their day on; within a layer,
   classes in the order its `engages` lists them. Each threat still alive is wanted for an
   engagement with its `engage_probability`; a wanted threat is engaged while the interceptors
   the class may use (the stock less the other classes' reserves, where a class with
   `held: keep` keeps at least one salvo) cover `shots` and the layer's `capacity_per_day` (all
   classes together) is not used up. A class with `salvo: partial` fires the interceptors left
   for it at one more wanted threat when fewer than `shots` but at least one are left. An
   engagement of n interceptors kills with probability 1 - (1 - pk)^n. Threats not killed go on
   to the next layer; those left after the last layer are leakers;
4. running out: an interceptor runs out for a class on the first day some wanted threats of that
   class were not engaged while the interceptors left for it, after that layer's engagements of
   the class, were below one engagement (with partial salvos: none left) and the layer's capacity
   had room for one more; it runs out on the first day it could engage no class it engages (with
   a chance above 0): some class ran short that day and, in every layer firing it, each such
   class either ran short or none of it was wanted while too few were left (capacity to spare);
   `NEVER` when not within the horizon; an interceptor no layer uses never runs out;
5. spending: interceptors fired x unit cost, plus engagements of layers without interceptors x
   their `cost_per_engagement_usd`.

Only `priority` allocation is written here (the engine's `proportional` rule is tested by hand in
tests/test_allocation.py).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

NEVER = np.iinfo(np.int32).max  # depletion day of a run that does not run out within the horizon


def _day(value: Any, start: dt.date | None) -> int:
    """A schedule's day: a number, or a date counted from the start (day 1)."""
    if isinstance(value, dt.date):
        return (value - start).days + 1
    if isinstance(value, str) and "-" in value:
        return (dt.date.fromisoformat(value) - start).days + 1
    return int(value)


@dataclass(frozen=True)
class ThreatClass:
    name: str
    per_day: float
    dispersion: float
    changes: tuple[tuple[int, dict], ...] = ()

    def on(self, day: int) -> ThreatClass:
        values = {"per_day": self.per_day, "dispersion": self.dispersion}
        for first, new in self.changes:
            if first <= day:
                values.update({k: float(v) for k, v in new.items() if v is not None})
        return ThreatClass(self.name, values["per_day"], values["dispersion"])


@dataclass(frozen=True)
class Engagement:
    threat: str
    shots: int
    pk: float
    engage_probability: float
    salvo: str = "hold"
    held: str = "share"

    @property
    def kill_probability(self) -> float:
        """Chance one engagement (all its shots) kills the threat."""
        return 1.0 - (1.0 - self.pk) ** self.shots

    @property
    def kept(self) -> int:
        """Interceptors this class keeps from the others of its layer when held: keep."""
        return self.shots if self.held == "keep" else 0


@dataclass(frozen=True)
class Layer:
    name: str
    interceptor: str | None
    engagements: tuple[Engagement, ...]
    capacity_per_day: int | None
    cost_per_engagement_usd: float = 0.0  # spending of a layer without interceptors
    reserve: dict[str, int] = field(default_factory=dict)
    changes: tuple[tuple[int, dict], ...] = ()

    def on(self, day: int) -> Layer:
        """The layer with its changes up to `day` applied (dotted keys, written out here)."""
        engagements = {e.threat: e for e in self.engagements}
        capacity = self.capacity_per_day
        for first, values in self.changes:
            if first > day:
                continue
            for key, value in values.items():
                parts = key.split(".")
                if parts[0] == "engages":
                    e = engagements[parts[1]]
                    engagements[parts[1]] = replace(e, **{parts[2]: int(value) if parts[2] == "shots" else float(value)})
                elif parts[0] == "engage_probability":
                    for name in ([parts[1]] if len(parts) > 1 else list(engagements)):
                        engagements[name] = replace(engagements[name], engage_probability=float(value))
                else:
                    capacity = None if value is None else int(value)
        return replace(self, engagements=tuple(engagements.values()), capacity_per_day=capacity, changes=())

    def available(self, stock: int, threat: str) -> int:
        """Interceptors `threat` may use: the stock less what the other classes keep."""
        kept = sum(max(self.reserve.get(e.threat, 0), e.kept) for e in self.engagements if e.threat != threat)
        return max(stock - kept, 0)


@dataclass(frozen=True)
class Interceptor:
    name: str
    stock: int
    deliveries_per_day: float
    unit_cost_usd: float
    flows: tuple[tuple[int, float], ...] = ()  # (first day, a day) after day 1
    lumps: tuple[tuple[int, int], ...] = ()  # (day, count)

    def brought(self, day: int) -> float:
        """Deliveries the monthly flow has brought by the end of `day`."""
        stretches = [(1, self.deliveries_per_day), *self.flows]
        total = 0.0
        for k, (first, rate) in enumerate(stretches):
            last = stretches[k + 1][0] - 1 if k + 1 < len(stretches) else day
            total += rate * max(0, min(day, last) - first + 1)
        return total

    def delivered_on(self, day: int) -> int:
        """Whole interceptors arriving on the morning of day `day` (1-based)."""
        # the tolerance keeps day x rate exact when the rate is a whole number per day
        whole = math.floor(self.brought(day) + 1e-9) - math.floor(self.brought(day - 1) + 1e-9)
        return whole + sum(count for first, count in self.lumps if first == day)


@dataclass(frozen=True)
class ReferenceScenario:
    """The model's inputs, read from the scenario file without the project's loader."""

    name: str
    horizon_days: int
    threats: tuple[ThreatClass, ...]
    interceptors: tuple[Interceptor, ...]
    layers: tuple[Layer, ...]
    attacker_costs_usd: dict[str, float]

    @property
    def threat_names(self) -> list[str]:
        return [t.name for t in self.threats]

    @property
    def interceptor_names(self) -> list[str]:
        return [i.name for i in self.interceptors]

    def on(self, day: int) -> tuple[tuple[ThreatClass, ...], tuple[Layer, ...]]:
        """Threats and layers with the values in force on `day`."""
        return tuple(t.on(day) for t in self.threats), tuple(layer.on(day) for layer in self.layers)

    def covered(self, interceptor: str, layers: tuple[Layer, ...] | None = None) -> list[str]:
        """The classes layers firing this interceptor engage with a chance above 0."""
        return sorted({e.threat for layer in (layers or self.layers) if layer.interceptor == interceptor
                       for e in layer.engagements if e.engage_probability > 0})


def could_engage_none(short_today: dict[str, bool], out_today: dict[str, bool], covered: list[str]) -> bool:
    """Whether an interceptor could engage no class it covers today: some class ran short and
    every class it covers was out (short, or none came while too few were left)."""
    return bool(covered) and any(short_today.get(c) for c in covered) and all(
        out_today.get(c, False) for c in covered)


def reference_scenario(mapping: dict[str, Any], *, horizon_days: int | None = None) -> ReferenceScenario:
    """Read a scenario mapping (as in data/scenarios/*.yaml) into the reference form.

    Only the keys the model needs are read; validation is the project's loader's job.
    """
    threats_spec = mapping["threats"]
    if "from_record" in threats_spec or "from_forecast" in threats_spec:
        raise ValueError("the reference models take per_day threats only, not the record or its forecast")
    start = mapping.get("start_date")
    if isinstance(start, str):
        start = dt.date.fromisoformat(start)
    threats = tuple(
        ThreatClass(name, float(spec["per_day"]), float(spec.get("dispersion", 1.0)),
                    tuple((_day(c["from_day"], start), dict(c["set"])) for c in spec.get("changes") or []))
        for name, spec in threats_spec.items()
    )
    interceptors = []
    for name, spec in mapping.get("interceptors", {}).items():
        steps = spec.get("deliveries") or []
        interceptors.append(Interceptor(
            name, int(spec["stock"]), float(spec.get("deliveries_per_month", 0.0)) * 12 / 365,
            float(spec.get("unit_cost_usd", 0.0)),
            tuple((_day(s["from_day"], start), float(s["per_month"]) * 12 / 365) for s in steps if "from_day" in s),
            tuple((_day(s["day"], start), int(s["count"])) for s in steps if "day" in s),
        ))
    layers = []
    for layer in mapping["layers"]:
        # one probability for every class, or a mapping class -> probability (missing or null: 1)
        raw_p = layer.get("engage_probability")
        engage_p = (
            {c: float(1.0 if raw_p.get(c) is None else raw_p[c]) for c in layer["engages"]}
            if isinstance(raw_p, dict) else dict.fromkeys(layer["engages"], float(1.0 if raw_p is None else raw_p))
        )
        engagements = tuple(
            Engagement(threat, int(spec.get("shots", 1)), float(spec["pk"]), engage_p[threat],
                       spec.get("salvo", "hold"), spec.get("held", "share"))
            for threat, spec in layer["engages"].items()
        )
        capacity = layer.get("capacity_per_day")
        layers.append(
            Layer(
                layer["name"],
                layer.get("interceptor"),
                engagements,
                None if capacity is None else int(capacity),
                float(layer.get("cost_per_engagement_usd", 0.0)),
                {k: int(v) for k, v in (layer.get("reserve") or {}).items()},
                tuple((_day(c["from_day"], start), dict(c["set"])) for c in layer.get("changes") or []),
            )
        )
    return ReferenceScenario(
        name=str(mapping.get("name", "scenario")),
        horizon_days=int(horizon_days or mapping["horizon_days"]),
        threats=threats,
        interceptors=tuple(interceptors),
        layers=tuple(layers),
        attacker_costs_usd={k: float(v) for k, v in (mapping.get("attacker_costs_usd") or {}).items()
                            if v is not None},
    )


def load_reference_scenario(path: Path, *, horizon_days: int | None = None) -> ReferenceScenario:
    """Read a scenario YAML file into the reference form."""
    with open(path, encoding="utf-8") as handle:
        return reference_scenario(yaml.safe_load(handle), horizon_days=horizon_days)


def draw_arrivals(rng: np.random.Generator, threat: ThreatClass) -> int:
    """One day's arrivals of one class: fixed, Poisson or negative binomial by dispersion."""
    mean, dispersion = threat.per_day, threat.dispersion
    if mean <= 0:
        return 0
    if dispersion == 0:
        whole = math.floor(mean)  # a fractional mean: floor plus one more with the fraction's chance
        return whole + int(rng.random() < mean - whole)
    if dispersion == 1:
        return int(rng.poisson(mean))
    if dispersion > 1:
        # mean m, variance d m: n = m / (d - 1) successes, success probability 1 / d
        return int(rng.negative_binomial(mean / (dispersion - 1), 1 / dispersion))
    trials = math.ceil(mean / (1 - dispersion))  # under-dispersed: binomial, variance ~ d m
    return int(rng.binomial(trials, mean / trials))


@dataclass
class RunResults:
    """Per run (rows) and day (columns) results of a reference model."""

    arrivals: np.ndarray  # (runs, days, classes)
    kills: np.ndarray  # (runs, days, classes)
    shots: np.ndarray  # (runs, interceptors): interceptors fired over the horizon
    depletion_day: np.ndarray  # (runs, interceptors): day it ran out for every class; NEVER if none
    engagements: np.ndarray  # (runs, layers): engagements over the horizon
    scenario: ReferenceScenario

    @property
    def leakers(self) -> np.ndarray:
        return self.arrivals - self.kills

    def defender_cost_usd(self) -> np.ndarray:
        costs = np.array([i.unit_cost_usd for i in self.scenario.interceptors])
        per_engagement = np.array([
            layer.cost_per_engagement_usd if layer.interceptor is None else 0.0
            for layer in self.scenario.layers
        ])
        return self.shots @ costs + self.engagements @ per_engagement

    def attacker_cost_usd(self) -> np.ndarray:
        costs = np.array([self.scenario.attacker_costs_usd.get(c, 0.0) for c in self.scenario.threat_names])
        return self.arrivals.sum(axis=1) @ costs


def simulate_loop(
    scenario: ReferenceScenario, runs: int, seed: int, *, per_threat: bool = True
) -> RunResults:
    """Simulate `runs` runs with a plain loop over runs, days, layers and (per_threat) threats.

    per_threat=True draws one uniform number per threat and decision with `random.random`;
    per_threat=False draws the counts with one numpy call per value (binomial per layer and class).
    """
    rng = np.random.default_rng(seed)
    uniform = random.Random(seed).random
    days, classes = scenario.horizon_days, scenario.threat_names
    class_index = {c: k for k, c in enumerate(classes)}
    names = scenario.interceptor_names
    arrivals = np.zeros((runs, days, len(classes)), dtype=np.int64)
    kills = np.zeros_like(arrivals)
    shots_fired = np.zeros((runs, len(names)), dtype=np.int64)
    depletion_day = np.full((runs, len(names)), NEVER, dtype=np.int64)
    layer_engagements = np.zeros((runs, len(scenario.layers)), dtype=np.int64)
    today = [scenario.on(day + 1) for day in range(days)]
    for run in range(runs):
        stock = {i.name: i.stock for i in scenario.interceptors}
        fired = dict.fromkeys(names, 0)
        ran_out = dict.fromkeys(names, NEVER)  # interceptor -> first day it could engage no class
        for day in range(days):
            threats, layers = today[day]
            short_today = {n: {} for n in names}  # interceptor -> class -> short today
            out_today = {n: {} for n in names}  # interceptor -> class -> could engage none today
            for interceptor in scenario.interceptors:
                stock[interceptor.name] += interceptor.delivered_on(day + 1)
            alive = {t.name: draw_arrivals(rng, t) for t in threats}
            for name, count in alive.items():
                arrivals[run, day, class_index[name]] = count
            for k, layer in enumerate(layers):
                capacity = math.inf if layer.capacity_per_day is None else layer.capacity_per_day
                for engagement in layer.engagements:
                    threat, shots = engagement.threat, engagement.shots
                    if threat not in alive:
                        continue
                    name = layer.interceptor
                    partial = engagement.salvo == "partial" and name is not None
                    wanted = engaged = killed = 0
                    if per_threat:
                        for _ in range(alive[threat]):
                            if uniform() >= engagement.engage_probability:
                                continue
                            wanted += 1
                            left = math.inf if name is None else layer.available(stock[name], threat)
                            n = shots if left >= shots else (left if partial and left >= 1 else 0)
                            if capacity < 1 or n == 0:
                                continue
                            capacity -= 1
                            engaged += 1
                            if name is not None:
                                stock[name] -= n
                                fired[name] += n
                            killed += uniform() < 1.0 - (1.0 - engagement.pk) ** n
                    else:
                        wanted = int(rng.binomial(alive[threat], engagement.engage_probability))
                        left = math.inf if name is None else layer.available(stock[name], threat)
                        full = int(min(wanted, left // shots, capacity))
                        engaged = full
                        if name is not None:
                            stock[name] -= full * shots
                            fired[name] += full * shots
                        killed = int(rng.binomial(full, engagement.kill_probability))
                        capacity -= full
                        left = math.inf if name is None else layer.available(stock[name], threat)
                        if partial and wanted > full and capacity >= 1 and 1 <= left < shots:
                            capacity -= 1
                            engaged += 1
                            stock[name] -= left
                            fired[name] += left
                            killed += int(rng.random() < 1.0 - (1.0 - engagement.pk) ** left)
                    layer_engagements[run, k] += engaged
                    if name is not None:
                        # capacity used up leaves threats unengaged, but that is no shortage of interceptors
                        smallest = 1 if partial else shots
                        lacking = layer.available(stock[name], threat) < smallest and capacity >= 1
                        left_over = wanted > engaged
                        if engagement.engage_probability > 0:
                            mine_short, mine_out = short_today[name], out_today[name]
                            mine_short[threat] = mine_short.get(threat, False) or (left_over and lacking)
                            mine_out[threat] = mine_out.get(threat, True) and lacking and (
                                left_over or wanted == 0)
                    alive[threat] -= killed
                    kills[run, day, class_index[threat]] += killed
            for n in names:
                if ran_out[n] == NEVER and could_engage_none(short_today[n], out_today[n], scenario.covered(n, layers)):
                    ran_out[n] = day + 1
        shots_fired[run] = [fired[n] for n in names]
        depletion_day[run] = [ran_out[n] for n in names]
    return RunResults(arrivals, kills, shots_fired, depletion_day, layer_engagements, scenario)
