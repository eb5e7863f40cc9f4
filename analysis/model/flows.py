"""Expected-value versions of the model: every draw replaced by its mean.

- `delivery_schedule`: the whole interceptors arriving each morning (the engine uses it too): the
  monthly flow in force each day, in whole missiles, plus the dated lumps.
- `deterministic`: day by day with stocks (fractional engagements), the mean path the Monte Carlo
  approaches as arrivals become fixed.
- `layer_flow`: one layer on mean flows with a stock in hand, used by `deterministic`.
- `long_run_flow`: one layer in the long run, its interceptor limited by the deliveries a day,
  used by `analysis.model.longrun`.

A layer on mean flows: class k reaches it at x_k a day and calls for c_k x_k engagements of n_k
interceptors each. The allocation rules are those of `analysis.model.allocation` without the
rounding: under `priority` the classes take what they want in list order, capacity and stock
alike; under `proportional` one factor f = min(1, capacity / sum of wants, pool / sum of
interceptors wanted) scales every class. A reserve keeps interceptors for its class as in the
engine (the pool is the stock above all reserves; a reserved class then tops up from its reserve).

The long run. While the layer's use at full stock (every class as the rule serves it with stock
to spare: the capacity shared in list order or by one factor) is within the deliveries a day,
the stock never binds and that is the flow. Otherwise the stock falls until a day's use equals
the deliveries: the flow is the layer's flow with the stock in hand at that level s*, the largest
level at which use(s) <= deliveries (the stock comes down from above and stops at the first level
where it no longer falls). Without reserves, s* is the deliveries themselves (the stock is spent
to nothing every day). With reserves the classes without one may use only the stock above the
reserves, so as the stock falls towards them those classes give up both interceptors and the
capacity they took, and the reserved classes take them (at stock 0 they fire all that is
delivered): s* is found by scanning use(s) from the level where nothing binds down to the
deliveries (STOCK_SCAN levels) and bisecting the first step at which use falls within the
deliveries; a dip narrower than one step could be missed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from analysis.errors import ScenarioError
from analysis.model.scenarios import Interceptor, Layer, Scenario

STOCK_SCAN = 64  # stock levels scanned for where a reserved layer's use meets its deliveries
BISECTIONS = 200


def cumulative_flow(interceptor: Interceptor, horizon: int) -> np.ndarray:
    """(H + 1,) interceptors the monthly flow has brought by the end of days 0..H, as a fraction:
    R(t) = the sum of each day's rate (a stretch from day f at rate r adds (t - f + 1) r)."""
    t = np.arange(horizon + 1, dtype=float)
    stretches = interceptor.flows()
    total = np.zeros(horizon + 1)
    for index, (first, rate) in enumerate(stretches):
        last = stretches[index + 1][0] - 1 if index + 1 < len(stretches) else math.inf
        # days of this stretch up to t: min(t, last) - first + 1, at least 0
        total += rate * np.clip(np.minimum(t, last) - first + 1, 0, None)
    return total


def delivery_schedule(scenario: Scenario, horizon_days: int | None = None) -> np.ndarray:
    """(interceptor, day) whole interceptors arriving on the morning of each day 1..H: the flow
    in whole missiles, floor(R(t)) - floor(R(t - 1)) with R the cumulative flow (after t days
    exactly floor(R(t)) have arrived), plus the dated lumps of that day."""
    horizon = horizon_days or scenario.horizon_days
    rows = []
    for interceptor in scenario.interceptors.values():
        # a small tolerance keeps R(t) exact when the rate is a whole number per day
        row = np.diff(np.floor(cumulative_flow(interceptor, horizon) + 1e-9))
        for day, count in interceptor.lumps():
            if day <= horizon:
                row[day - 1] += count
        rows.append(row)
    return np.array(rows, dtype=np.int64).reshape(len(scenario.interceptors), horizon)


def layer_flow(layer: Layer, flows: Mapping[str, float], budget: float | None) -> dict[str, float]:
    """Engagements a day per class of one layer on mean `flows` (module doc).

    `budget`: the stock in hand, the interceptors it may use (None: no interceptor)."""
    capacity = math.inf if layer.capacity_per_day is None else float(layer.capacity_per_day)
    wanted = {cls: flows.get(cls, 0.0) * layer.engage_probability[cls] for cls in layer.engages}
    shots = {cls: e.shots for cls, e in layer.engages.items()}
    engaged = dict.fromkeys(layer.engages, 0.0)
    left = math.inf if budget is None else float(budget)
    reserved = [cls for cls in layer.engages if layer.reserve.get(cls)]

    def take(cls: str, want: float, room: float) -> None:
        nonlocal capacity, left
        count = max(0.0, min(want, capacity, room / shots[cls]))
        engaged[cls] += count
        capacity -= count
        left -= count * shots[cls]

    def others(cls: str) -> float:
        return sum(r for c, r in layer.reserve.items() if c != cls)

    if layer.allocation == "proportional" and len(layer.engages) > 1:
        pool = left - sum(layer.reserve.values())
        _scale(list(layer.engages), wanted, shots, capacity, max(pool, 0.0), take)
        for cls in reserved:
            take(cls, wanted[cls] - engaged[cls], max(0.0, left - others(cls)))
        return engaged
    for cls in layer.engages:
        take(cls, wanted[cls], max(0.0, left - others(cls)))
    return engaged


def long_run_flow(layer: Layer, flows: Mapping[str, float], deliveries: float | None) -> dict[str, float]:
    """Engagements a day per class of one layer in the long run, its interceptor limited to
    `deliveries` a day (None: no interceptor; module doc)."""
    if deliveries is None:
        return layer_flow(layer, flows, None)
    stocked = layer_flow(layer, flows, math.inf)
    full_use = _use(layer, stocked)
    if full_use <= deliveries * (1 + 1e-12):
        return stocked
    if not layer.reserve:
        return layer_flow(layer, flows, deliveries)

    def within(level: float) -> bool:
        return _use(layer, layer_flow(layer, flows, level)) <= deliveries * (1 + 1e-12)

    bottom, top = deliveries, sum(layer.reserve.values()) + 2 * full_use + deliveries  # nothing binds at top
    step = (top - bottom) / STOCK_SCAN
    high = top
    for k in range(1, STOCK_SCAN + 1):
        low = top - k * step if k < STOCK_SCAN else bottom
        if within(low):
            break
        high = low
    low, _ = bisect_boundary(lambda level: not within(level), low, high, 1e-12 * top)
    return layer_flow(layer, flows, low)


def bisect_boundary(above: Callable[[float], bool], low: float, high: float,
                    tolerance: float) -> tuple[float, float]:
    """Halve [low, high] (above(low) false, above(high) true) until it is at most `tolerance`
    wide, at most BISECTIONS times; returns the last (low, high)."""
    for _ in range(BISECTIONS):
        if high - low <= tolerance:
            break
        middle = 0.5 * (low + high)
        if above(middle):
            high = middle
        else:
            low = middle
    return low, high


def _use(layer: Layer, engaged: Mapping[str, float]) -> float:
    """Interceptors a day the engagements spend."""
    return sum(count * layer.engages[cls].shots for cls, count in engaged.items())


def _scale(classes: list[str], wanted: Mapping[str, float], shots: Mapping[str, int],
           capacity: float, pool: float, take) -> None:
    """Proportional shares: every class gets f x its want, f as large as capacity and pool allow."""
    total = sum(wanted[c] for c in classes)
    total_shots = sum(wanted[c] * shots[c] for c in classes)
    factor = 1.0
    if total > 0:
        factor = min(factor, capacity / total)
    if total_shots > 0:
        factor = min(factor, pool / total_shots)
    for cls in classes:
        take(cls, factor * wanted[cls], math.inf)


def deterministic(scenario: Scenario) -> dict[str, np.ndarray]:
    """The fluid stock-and-flow solution: every draw replaced by its expected value.

    Arrivals are `per_day` (fractional), engagements c x eligible within capacity and stock,
    kills engaged x (1 - (1-pk)^n), stocks continuous. Returns end-of-day `stock`
    (interceptor, day), `arrivals` and `kills` (class, day). Parametric threats only.
    """
    if scenario.threats is None:
        raise ScenarioError(f"{scenario.source}: threats: the expected-value solution needs per_day figures")
    names = list(scenario.interceptors)
    horizon = scenario.horizon_days
    deliveries = delivery_schedule(scenario).astype(float)
    stock = np.array([scenario.interceptors[n].stock for n in names], dtype=float)
    out_stock = np.zeros((len(names), horizon))
    arrivals = np.array([scenario.threats[c].per_day for c in scenario.classes])
    out_kills = np.zeros((len(scenario.classes), horizon))
    class_index = {c: k for k, c in enumerate(scenario.classes)}
    for day in range(horizon):
        stock += deliveries[:, day]
        remaining = arrivals.copy()
        for layer in scenario.layers:
            i = None if layer.interceptor is None else names.index(layer.interceptor)
            flows = {cls: remaining[class_index[cls]] for cls in layer.engages}
            engaged = layer_flow(layer, flows, None if i is None else stock[i])
            for cls, count in engaged.items():
                k = class_index[cls]
                if i is not None:
                    stock[i] -= count * layer.engages[cls].shots
                killed = count * layer.engages[cls].kill_probability
                remaining[k] -= killed
                out_kills[k, day] += killed
        out_stock[:, day] = stock
    return {"stock": out_stock, "arrivals": np.repeat(arrivals[:, None], horizon, axis=1),
            "kills": out_kills}
