"""The depletion model written as a user would without this project: a Python loop per run and day.

This is a second, independent implementation of the model described in issue 5 (and pinned in the
docstring of `analysis.model.depletion`). It shares no code with the engine: it reads the scenario YAML
itself into `ReferenceScenario` and simulates each run day by day and, in the default form, each
threat one by one with Python's `random` module, the way one would write it without numpy.

Semantics (as pinned in `analysis.model.depletion`'s docstring), per run and day t = 1..H in this order:
1. deliveries arrive in the morning in whole missiles: floor(t r) - floor((t - 1) r), with
   r = deliveries_per_month x 12 / 365;
2. arrivals: per threat class, a count with mean `per_day` and variance `dispersion` x mean
   (0: fixed, stochastic rounding of a fractional mean; 1: Poisson; > 1: negative binomial;
   between 0 and 1: binomial(N, m / N) with N = ceil(m / (1 - D)));
3. layers in order; within a layer, classes in the order its `engages` lists them. Each threat
   still alive is engaged with its `engage_probability` while the layer's interceptor stock covers
   `shots` and the layer's `capacity_per_day` (all classes together) is not used up. An engagement
   spends `shots` interceptors and kills with probability 1 - (1 - pk)^shots. Threats not killed
   go on to the next layer; those left after the last layer are leakers;
4. running out: an interceptor runs out for a class on the first day some threats of that class
   reached a layer firing it and were not engaged while its stock, after that layer's engagements
   of the class, was below one engagement's shots and the layer's capacity had room for one more;
   it runs out on the first day it could engage no class it engages (with a chance above 0):
   some class ran short that day and, in every layer firing it, each such class either ran short
   or none of it came while the stock was below one engagement's shots (capacity to spare);
   `NEVER` when not within the horizon; an interceptor no layer uses never runs out;
5. spending: interceptors fired x unit cost, plus engagements of layers without interceptors x
   their `cost_per_engagement_usd`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

NEVER = np.iinfo(np.int32).max  # depletion day of a run that does not run out within the horizon


@dataclass(frozen=True)
class ThreatClass:
    name: str
    per_day: float
    dispersion: float


@dataclass(frozen=True)
class Engagement:
    threat: str
    shots: int
    pk: float
    engage_probability: float

    @property
    def kill_probability(self) -> float:
        """Chance one engagement (all its shots) kills the threat."""
        return 1.0 - (1.0 - self.pk) ** self.shots


@dataclass(frozen=True)
class Layer:
    name: str
    interceptor: str | None
    engagements: tuple[Engagement, ...]
    capacity_per_day: int | None
    cost_per_engagement_usd: float = 0.0  # spending of a layer without interceptors


@dataclass(frozen=True)
class Interceptor:
    name: str
    stock: int
    deliveries_per_day: float
    unit_cost_usd: float

    def delivered_on(self, day: int) -> int:
        """Whole interceptors arriving on the morning of day `day` (1-based)."""
        rate = self.deliveries_per_day
        # the tolerance keeps day x rate exact when the rate is a whole number per day
        return math.floor(day * rate + 1e-9) - math.floor((day - 1) * rate + 1e-9)


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

    def covered(self, interceptor: str) -> list[str]:
        """The classes layers firing this interceptor engage with a chance above 0."""
        return sorted({e.threat for layer in self.layers if layer.interceptor == interceptor
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
    if "from_record" in threats_spec:
        raise ValueError("the reference models take per_day threats only, not from_record")
    threats = tuple(
        ThreatClass(name, float(spec["per_day"]), float(spec.get("dispersion", 1.0)))
        for name, spec in threats_spec.items()
    )
    interceptors = tuple(
        Interceptor(
            name,
            int(spec["stock"]),
            float(spec.get("deliveries_per_month", 0.0)) * 12 / 365,
            float(spec.get("unit_cost_usd", 0.0)),
        )
        for name, spec in mapping.get("interceptors", {}).items()
    )
    layers = []
    for layer in mapping["layers"]:
        # one probability for every class, or a mapping class -> probability (missing or null: 1)
        raw_p = layer.get("engage_probability")
        engage_p = (
            {c: float(1.0 if raw_p.get(c) is None else raw_p[c]) for c in layer["engages"]}
            if isinstance(raw_p, dict) else dict.fromkeys(layer["engages"], float(1.0 if raw_p is None else raw_p))
        )
        engagements = tuple(
            Engagement(threat, int(spec.get("shots", 1)), float(spec["pk"]), engage_p[threat])
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
            )
        )
    return ReferenceScenario(
        name=str(mapping.get("name", "scenario")),
        horizon_days=int(horizon_days or mapping["horizon_days"]),
        threats=threats,
        interceptors=interceptors,
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
    for run in range(runs):
        stock = {i.name: i.stock for i in scenario.interceptors}
        fired = dict.fromkeys(names, 0)
        ran_out = dict.fromkeys(names, NEVER)  # interceptor -> first day it could engage no class
        for day in range(days):
            short_today = {n: {} for n in names}  # interceptor -> class -> short today
            out_today = {n: {} for n in names}  # interceptor -> class -> could engage none today
            for interceptor in scenario.interceptors:
                stock[interceptor.name] += interceptor.delivered_on(day + 1)
            alive = {t.name: draw_arrivals(rng, t) for t in scenario.threats}
            for name, count in alive.items():
                arrivals[run, day, class_index[name]] = count
            for k, layer in enumerate(scenario.layers):
                capacity = math.inf if layer.capacity_per_day is None else layer.capacity_per_day
                for engagement in layer.engagements:
                    threat, shots = engagement.threat, engagement.shots
                    if threat not in alive:
                        continue
                    # no interceptor (guns, EW): nothing to spend, the stock never binds
                    affordable = (
                        math.inf if layer.interceptor is None else stock[layer.interceptor] // shots
                    )
                    limit = min(affordable, capacity)
                    if per_threat:
                        engaged = killed = 0
                        for _ in range(alive[threat]):
                            if engaged < limit and uniform() < engagement.engage_probability:
                                engaged += 1
                                killed += uniform() < engagement.kill_probability
                    else:
                        wanted = int(rng.binomial(alive[threat], engagement.engage_probability))
                        engaged = int(min(wanted, limit))
                        killed = int(rng.binomial(engaged, engagement.kill_probability))
                    capacity -= engaged
                    layer_engagements[run, k] += engaged
                    if layer.interceptor is not None:
                        stock[layer.interceptor] -= engaged * shots
                        fired[layer.interceptor] += engaged * shots
                        # capacity used up leaves threats unengaged, but that is no shortage of interceptors
                        lacking = stock[layer.interceptor] < shots and capacity >= 1
                        left = alive[threat] > engaged
                        if engagement.engage_probability > 0:
                            mine_short, mine_out = short_today[layer.interceptor], out_today[layer.interceptor]
                            mine_short[threat] = mine_short.get(threat, False) or (left and lacking)
                            mine_out[threat] = mine_out.get(threat, True) and lacking and (
                                left or alive[threat] == 0)
                    alive[threat] -= killed
                    kills[run, day, class_index[threat]] += killed
            for n in names:
                if ran_out[n] == NEVER and could_engage_none(short_today[n], out_today[n], scenario.covered(n)):
                    ran_out[n] = day + 1
        shots_fired[run] = [fired[n] for n in names]
        depletion_day[run] = [ran_out[n] for n in names]
    return RunResults(arrivals, kills, shots_fired, depletion_day, layer_engagements, scenario)
