"""The random-number floor of the depletion model, and exact ways to go below it (prototypes).

`draw_floor` makes the draws the model needs and nothing else: per day, one arrival draw per class,
and per layer and class one binomial for engagement and one for kills, each over all runs (in
chunks, like the engine). Survivors flow from layer to layer so that every binomial has the count
the model would give it (without stock or capacity limits, which only lower counts); no stocks, no
bookkeeping. Its time is what any implementation drawing the same numbers must pay.

`draw_below_floor` draws the same joint distribution of daily arrivals, engagements and kills with
fewer draws, exactly:
- a layer that spends nothing and has no capacity limit only needs its kills: one binomial with
  p = engage x kill instead of two chained ones;
- with Poisson arrivals (or negative binomial ones, drawn as a gamma-mixed Poisson), a leading run
  of k such layers is Poisson thinning: the threats killed there and the survivors are independent
  Poisson counts, so 2 draws (3 with the gamma) replace 1 + k where that is fewer;
- no draws at all for a layer and class with nothing left to engage in the whole chunk.
Both return the number of draw calls and of values drawn, so the gain can be counted as well as
timed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks.reference_loop import Engagement, Layer, ReferenceScenario, ThreatClass


@dataclass
class DrawCount:
    calls: int = 0  # numpy calls
    values: int = 0  # random values drawn (one per run per call)
    kills: np.ndarray | None = None  # keep_kills=True: each run's kills over the horizon


def _arrivals(rng: np.random.Generator, threat: ThreatClass, size: int) -> np.ndarray:
    mean, dispersion = threat.per_day, threat.dispersion
    if dispersion == 0:
        whole = int(np.floor(mean))
        if whole == mean:
            return np.full(size, whole, dtype=np.int64)
        return whole + (rng.random(size) < mean - whole)
    if dispersion == 1:
        return rng.poisson(mean, size)
    return rng.negative_binomial(mean / (dispersion - 1), 1 / dispersion, size)


def draw_floor(
    scenario: ReferenceScenario, runs: int, seed: int, *, chunk_runs: int = 20_000,
    keep_kills: bool = False,
) -> DrawCount:
    """Make exactly the draws the model needs (see module docstring), over all runs.

    keep_kills=True also sums each run's kills (for tests; the timing runs without it).
    """
    rng = np.random.default_rng(seed)
    count = DrawCount(kills=np.zeros(runs, dtype=np.int64) if keep_kills else None)
    plans = [(layer, layer.engagements) for layer in scenario.layers]
    for start in range(0, runs, chunk_runs):
        size = min(chunk_runs, runs - start)
        for _day in range(scenario.horizon_days):
            alive = {}
            for threat in scenario.threats:
                alive[threat.name] = _arrivals(rng, threat, size)
                count.calls += 1
                count.values += size
            for _layer, engagements in plans:
                for e in engagements:
                    engaged = rng.binomial(alive[e.threat], e.engage_probability)
                    killed = rng.binomial(engaged, e.kill_probability)
                    alive[e.threat] = alive[e.threat] - killed
                    count.calls += 2
                    count.values += 2 * size
                    if keep_kills:
                        count.kills[start:start + size] += killed
    return count


def _free(layer: Layer) -> bool:
    """A layer whose engagements need not be counted: no stock, no capacity, no cost."""
    return (
        layer.interceptor is None and layer.capacity_per_day is None
        and layer.cost_per_engagement_usd == 0
    )


def _thinning_prefix(scenario: ReferenceScenario, threat: str) -> tuple[list[Engagement], int]:
    """The leading free layers engaging `threat`, and the index of the first layer after them."""
    prefix = []
    for k, layer in enumerate(scenario.layers):
        engagement = next((e for e in layer.engagements if e.threat == threat), None)
        if engagement is None:
            continue
        if not _free(layer):
            return prefix, k
        prefix.append(engagement)
    return prefix, len(scenario.layers)


def draw_below_floor(
    scenario: ReferenceScenario, runs: int, seed: int, *, chunk_runs: int = 20_000,
    keep_kills: bool = False,
) -> DrawCount:
    """The floor's distribution with fewer draws (see module docstring)."""
    rng = np.random.default_rng(seed)
    count = DrawCount(kills=np.zeros(runs, dtype=np.int64) if keep_kills else None)
    prefixes = {t.name: _thinning_prefix(scenario, t.name) for t in scenario.threats}
    for start in range(0, runs, chunk_runs):
        size = min(chunk_runs, runs - start)
        for _day in range(scenario.horizon_days):
            alive: dict[str, np.ndarray] = {}
            first_layer: dict[str, int] = {}
            for threat in scenario.threats:
                prefix, after = prefixes[threat.name]
                # thinning costs 2 draws (3 with the gamma of a negative binomial); drawing the
                # arrivals and one binomial per free layer costs 1 + k: take the cheaper
                thinning_draws = 2 if threat.dispersion == 1 else 3
                if threat.dispersion >= 1 and thinning_draws < 1 + len(prefix):
                    # thinning: survive all of the prefix with probability s
                    s = float(np.prod([1 - e.engage_probability * e.kill_probability for e in prefix]))
                    mean = threat.per_day
                    if threat.dispersion > 1:
                        shape = mean / (threat.dispersion - 1)
                        mean = rng.gamma(shape, threat.dispersion - 1, size)
                        count.calls += 1
                        count.values += size
                    killed = rng.poisson(mean * (1 - s), size)
                    alive[threat.name] = rng.poisson(mean * s, size)
                    count.calls += 2
                    count.values += 2 * size
                    if keep_kills:
                        count.kills[start:start + size] += killed
                    first_layer[threat.name] = after
                else:
                    alive[threat.name] = _arrivals(rng, threat, size)
                    count.calls += 1
                    count.values += size
                    first_layer[threat.name] = 0
            for k, layer in enumerate(scenario.layers):
                for e in layer.engagements:
                    if k < first_layer[e.threat]:
                        continue
                    n = alive[e.threat]
                    if not n.any():
                        continue  # nothing left to engage in this chunk
                    if _free(layer):
                        killed = rng.binomial(n, e.engage_probability * e.kill_probability)
                        count.calls += 1
                        count.values += size
                    else:
                        engaged = rng.binomial(n, e.engage_probability)
                        killed = rng.binomial(engaged, e.kill_probability)
                        count.calls += 2
                        count.values += 2 * size
                    alive[e.threat] = n - killed
                    if keep_kills:
                        count.kills[start:start + size] += killed
    return count


def skippable_draws(result: Any, scenario: ReferenceScenario) -> dict[str, float]:
    """Share of the floor's values an engine could skip exactly, measured on a simulation's runs.

    `result` is an `analysis.model.depletion.SimulationResult` made with keep_runs=True (its public
    per-run daily stocks). Counted per run and day:
    - a layer with an interceptor whose stock at the start of the day (after deliveries) is below
      the fewest shots it fires cannot engage at all: its engagement and kill draws are wasted
      (a lower bound: stocks also run out during the day);
    - a free layer (no interceptor, capacity or cost) needs one binomial per class, not two.
    """
    kept_stock = result.kept["stock"]  # (interceptor, day, run), end of day
    names = list(result.interceptors)
    initial = np.array([i.stock for i in scenario.interceptors])[:, None]
    before = np.concatenate([np.repeat(initial, kept_stock.shape[2], axis=1)[:, None, :],
                             kept_stock[:, :-1, :]], axis=1)
    start_of_day = before + result.deliveries[:, :, None]
    runs_days = kept_stock.shape[1] * kept_stock.shape[2]
    per_run_day = sum(1 for t in scenario.threats if t.dispersion != 0 or t.per_day % 1) + sum(
        2 * len(layer.engagements) for layer in scenario.layers
    )
    dry = 0.0
    free = 0.0
    for layer in scenario.layers:
        if layer.interceptor is not None:
            fewest = min(e.shots for e in layer.engagements)
            share = float((start_of_day[names.index(layer.interceptor)] < fewest).mean())
            dry += share * 2 * len(layer.engagements)
        elif _free(layer):
            free += len(layer.engagements)
    return {
        "values_per_run_day": per_run_day,
        "dry_layers": dry / per_run_day,
        "free_layers": free / per_run_day,
        "total": (dry + free) / per_run_day,
        "run_days": runs_days,
    }
