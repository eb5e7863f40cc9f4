"""The depletion model as a SimPy event simulation: one process per threat, stocks as containers.

A third implementation, written the way a modeller would with a discrete-event library: each day a
driver process adds deliveries, resets each layer's daily capacity and launches the day's threats;
each threat is a process that visits the layers in order and either dies or leaks. Interceptor
stocks are `simpy.Container`s. Same semantics as `reference_loop` (see its docstring); the
scenario is read by `reference_loop.reference_scenario`, nothing comes from the engine.

Ordering matters only when a stock or a capacity binds: the engine's rule is "layers in order,
classes within a layer in the order it lists them". Here each threat reaches layer k at
day + (k + 1) / (L + 2) + rank / 1000, where rank is its class's position in the layer's list,
so SimPy's time order reproduces that rule exactly. A threat is wanted with the layer's engage
probability; a wanted threat takes a full salvo from the stock the class may use (a partial one,
of what is left, when the class fires partial salvos), else it goes unanswered. The values of
each day (deliveries, changes of layers and threats) come from `reference_loop`'s reading of the
scenario.
"""

from __future__ import annotations

import math
import random

import numpy as np
import simpy

from benchmarks.reference_loop import (
    NEVER,
    ReferenceScenario,
    RunResults,
    could_engage_none,
    draw_arrivals,
)


class _Run:
    """One run: the environment, the stocks and the counters its processes share."""

    def __init__(self, scenario: ReferenceScenario, rng: np.random.Generator, uniform) -> None:
        self.scenario, self.rng, self.uniform = scenario, rng, uniform
        self.today = [scenario.on(day + 1) for day in range(scenario.horizon_days)]
        self.env = simpy.Environment()
        self.stocks = {
            i.name: simpy.Container(self.env, capacity=math.inf, init=i.stock)
            for i in scenario.interceptors
        }
        self.n_layers = len(scenario.layers)
        # per layer: class -> (rank in the layer's list, engagement)
        self.plans = [
            {e.threat: (rank, e) for rank, e in enumerate(layer.engagements)}
            for layer in scenario.layers
        ]
        self.capacity_left = [0.0] * self.n_layers
        days, n_classes = scenario.horizon_days, len(scenario.threats)
        self.class_index = {c: k for k, c in enumerate(scenario.threat_names)}
        self.arrivals = np.zeros((days, n_classes), dtype=np.int64)
        self.kills = np.zeros((days, n_classes), dtype=np.int64)
        self.engagements = np.zeros(self.n_layers, dtype=np.int64)
        self.fired = dict.fromkeys(scenario.interceptor_names, 0)
        self.ran_out = dict.fromkeys(scenario.interceptor_names, NEVER)  # first day it engaged no class
        self.short_today = {i.name: {} for i in scenario.interceptors}  # class -> short today
        self.out_today = {i.name: {} for i in scenario.interceptors}  # class -> could engage none today
        self.unengaged = [dict.fromkeys(plan, 0) for plan in self.plans]  # wanted, not engaged: today
        self.wanted = [dict.fromkeys(plan, 0) for plan in self.plans]  # wanted today, per layer and class

    def threat(self, day: int, threat: str):
        """One threat visiting the layers in order until one kills it (or it leaks)."""
        env = self.env
        layers = self.today[day][1]
        for k, layer in enumerate(layers):
            if threat not in self.plans[k]:
                continue
            rank = self.plans[k][threat][0]
            engagement = next(e for e in layer.engagements if e.threat == threat)
            yield env.timeout(day + (k + 1) / (self.n_layers + 2) + rank / 1000 - env.now)
            if self.uniform() >= engagement.engage_probability:
                continue
            self.wanted[k][threat] += 1
            if self.capacity_left[k] < 1:
                self.unengaged[k][threat] += 1
                continue
            fired = engagement.shots
            if layer.interceptor is not None:
                stock = self.stocks[layer.interceptor]
                left = layer.available(int(stock.level), threat)
                if left < engagement.shots:
                    if engagement.salvo != "partial" or left < 1:
                        self.unengaged[k][threat] += 1
                        continue
                    fired = left  # a partial salvo: what is left
                self.capacity_left[k] -= 1
                self.engagements[k] += 1
                self.fired[layer.interceptor] += fired
                yield stock.get(fired)  # the level covers it: taken at once
            else:
                self.capacity_left[k] -= 1
                self.engagements[k] += 1
            if self.uniform() < 1.0 - (1.0 - engagement.pk) ** fired:
                self.kills[day, self.class_index[threat]] += 1
                return

    def look(self, day: int, k: int, threat: str, rank: int):
        """Just after layer k has engaged today's threats of a class: was any wanted one left
        unanswered while the stock could not pay for one more engagement and the capacity had room?"""
        env = self.env
        yield env.timeout(day + (k + 1) / (self.n_layers + 2) + (rank + 0.5) / 1000 - env.now)
        layer = self.today[day][1][k]
        engagement = next(e for e in layer.engagements if e.threat == threat)
        smallest = 1 if engagement.salvo == "partial" else engagement.shots
        level = layer.available(int(self.stocks[layer.interceptor].level), threat)
        lacking = level < smallest and self.capacity_left[k] >= 1  # capacity is no shortage
        if engagement.engage_probability > 0:
            left = self.unengaged[k][threat] > 0
            short, out = self.short_today[layer.interceptor], self.out_today[layer.interceptor]
            short[threat] = short.get(threat, False) or (left and lacking)
            out[threat] = out.get(threat, True) and lacking and (left or self.wanted[k][threat] == 0)

    def days(self):
        """Each day: deliveries, fresh capacities, the day's threats, then a look at the stocks."""
        env, scenario = self.env, self.scenario
        for day in range(scenario.horizon_days):
            threats, layers = self.today[day]
            for interceptor in scenario.interceptors:
                delivered = interceptor.delivered_on(day + 1)
                if delivered:
                    yield self.stocks[interceptor.name].put(delivered)
            for k, layer in enumerate(layers):
                cap = layer.capacity_per_day
                self.capacity_left[k] = math.inf if cap is None else cap
                self.unengaged[k] = dict.fromkeys(self.plans[k], 0)
                self.wanted[k] = dict.fromkeys(self.plans[k], 0)
                if layer.interceptor is not None:
                    for threat, (rank, _) in self.plans[k].items():
                        env.process(self.look(day, k, threat, rank))
            for threat in threats:
                count = draw_arrivals(self.rng, threat)
                self.arrivals[day, self.class_index[threat.name]] = count
                for _ in range(count):
                    env.process(self.threat(day, threat.name))
            for name in self.short_today:
                self.short_today[name], self.out_today[name] = {}, {}
            yield env.timeout(day + 1 - env.now)
            for name, day_seen in self.ran_out.items():
                covered = scenario.covered(name, layers)
                if day_seen == NEVER and could_engage_none(self.short_today[name], self.out_today[name], covered):
                    self.ran_out[name] = day + 1


def simulate_simpy(scenario: ReferenceScenario, runs: int, seed: int) -> RunResults:
    """Simulate `runs` runs, each in its own SimPy environment."""
    rng = np.random.default_rng(seed)
    uniform = random.Random(seed).random
    names = scenario.interceptor_names
    shape = (runs, scenario.horizon_days, len(scenario.threats))
    arrivals = np.zeros(shape, dtype=np.int64)
    kills = np.zeros(shape, dtype=np.int64)
    shots_fired = np.zeros((runs, len(names)), dtype=np.int64)
    depletion_day = np.full((runs, len(names)), NEVER, dtype=np.int64)
    layer_engagements = np.zeros((runs, len(scenario.layers)), dtype=np.int64)
    for run in range(runs):
        state = _Run(scenario, rng, uniform)
        state.env.process(state.days())
        state.env.run()
        arrivals[run], kills[run] = state.arrivals, state.kills
        layer_engagements[run] = state.engagements
        shots_fired[run] = [state.fired[n] for n in names]
        depletion_day[run] = [state.ran_out[n] for n in names]
    return RunResults(arrivals, kills, shots_fired, depletion_day, layer_engagements, scenario)
