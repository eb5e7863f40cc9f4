"""The long run of a drained layer in whole missiles: a Markov chain of its stock.

When an interceptor's layers call for more than is delivered, the long run (analysis.model.longrun)
asks how the deliveries are shared between the classes the layer engages, and what they stop. On
mean flows (analysis.model.flows) a drained layer fires fractions of engagements every day; the
engine fires whole missiles, and with a few missiles a day that decides where they go: a single
missile left cannot make a two-shot salvo, so under `priority` it goes to a one-shot class listed
later (or, with `salvo: partial`, is fired alone), and a stock built up in a lull is spent on the
next wave. Mean flows get these cases wrong (issue 21's review: 0.455 ballistic missiles stopped
a day on mean flows, none in the engine).

So for a drained layer whose interceptor no other layer fires, this module follows the engine's
own rules (analysis.model.allocation, the layer's salvo doctrine, reserves and capacity) on whole
numbers: the state is the stock at the end of a day, 0..S. Each day brings floor(d) or floor(d) + 1
interceptors (the latter with probability frac(d): the deliveries a day d in whole missiles, in
the long run) and a vector of wanted threats, one count per class the layer engages, drawn from
the daily law of the threats reaching the layer (`DailyLaw`), independent from day to day; the
layer engages as the engine does, and the stock left is the next state. The chain's stationary
distribution gives the engagements, interceptors fired and kills of each class a day in the long
run, and the share of each class's wanted threats it answers.

Approximations, stated: the threats reaching the layer are the class's arrivals thinned at random
to the mean flow that reaches it (exact behind free layers, close behind others); days are
independent (record blocks and forecast paths keep runs of days the chain does not); the stock is
capped at S (an extra delivery at S is dropped: S is raised until the chain rarely reaches it, up
to MAX_STATES); a wanted count above what the stock could ever pay for is counted at that cap
(exact for `priority`), and a count beyond its class's 1 - `TAIL` quantile at that quantile, a
day's vector of counts less likely than `CELL` left out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats
from threadpoolctl import threadpool_limits

from analysis.model.allocation import Claim, allocate
from analysis.model.scenarios import Layer

MAX_STATES = 128  # stock levels of the chain, at most
TAIL = 1e-6  # probability of a class's wanted count beyond its cap (counted at the cap)
CELL = 1e-12  # a day's wanted vector less likely than this is left out (the rest renormalised)
CAP_MASS = 2e-3  # stationary mass at the stock cap above which the cap is raised
MAX_COMBINATIONS = 400_000  # (stock, delivery, wanted vector) cases evaluated at once, at most
WHOLE_LIMIT = 40.0  # interceptors delivered a day above which mean flows are close enough


@dataclass(frozen=True)
class DailyLaw:
    """The law of one day's arrivals of each class at `multiple` x today's attack.

    Either independent classes (`marginals`: class -> (mean a day, dispersion), the engine's
    parametric arrivals) or whole days together (`days`: (day, class) counts a day, each equally
    likely, for arrivals from the record or the forecast: its `classes` order the columns)."""

    marginals: Mapping[str, tuple[float, float]] | None = None
    days: np.ndarray | None = None
    classes: tuple[str, ...] = ()

    def mean(self, cls: str) -> float:
        if self.marginals is not None:
            return self.marginals[cls][0]
        return float(self.days[:, self.classes.index(cls)].mean())


def _arrival_pmf(mean: float, dispersion: float, thin: float, cap: int) -> np.ndarray:
    """P(0..cap) of a class's arrivals (the engine's law of mean and dispersion) thinned by
    `thin`; the tail beyond `cap` is added to `cap`."""
    k = np.arange(cap + 1)
    m = mean * thin
    if mean <= 0 or thin <= 0:
        pmf = np.zeros(cap + 1)
        pmf[0] = 1.0
        return pmf
    if dispersion == 0:  # floor or ceil of the mean, each thinned binomially
        whole = math.floor(mean)
        frac = mean - whole
        pmf = (1 - frac) * stats.binom.pmf(k, whole, thin) + frac * stats.binom.pmf(k, whole + 1, thin)
    elif dispersion == 1:
        pmf = stats.poisson.pmf(k, m)
    elif dispersion > 1:  # negative binomial (n, p); thinning keeps n and moves p
        p = 1.0 / dispersion
        n = mean * p / (1 - p)
        p_thin = p / (p + thin * (1 - p))
        pmf = stats.nbinom.pmf(k, n, p_thin)
    else:
        trials = math.ceil(mean / (1 - dispersion))
        pmf = stats.binom.pmf(k, trials, thin * mean / trials)
    pmf = np.asarray(pmf, dtype=float)
    pmf[-1] += max(0.0, 1.0 - pmf.sum())
    return pmf


def _cap_for(mean: float, dispersion: float, thin: float, tail: float) -> int:
    """A count beyond which the thinned arrivals lie with probability below `tail`."""
    m = mean * thin
    if m <= 0:
        return 0
    if dispersion == 0:
        return math.ceil(mean) + 1
    if dispersion == 1:
        return int(stats.poisson.isf(tail, m)) + 1
    if dispersion > 1:
        p = 1.0 / dispersion
        n = mean * p / (1 - p)
        return int(stats.nbinom.isf(tail, n, p / (p + thin * (1 - p)))) + 1
    trials = math.ceil(mean / (1 - dispersion))
    return trials


def wanted_law(law: DailyLaw, classes: Sequence[str], thin: Mapping[str, float],
               caps: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(vectors (M, K), probabilities (M,)) of one day's wanted threats of `classes`: each class's
    arrivals thinned by `thin` (the share reaching the layer times its engage probability),
    counts above `caps` at the cap."""
    sizes = [caps[c] + 1 for c in classes]
    if law.marginals is not None:
        grid = np.ones(())
        for cls in classes:
            mean, dispersion = law.marginals[cls]
            grid = np.multiply.outer(grid, _arrival_pmf(mean, dispersion, thin[cls], caps[cls]))
    else:  # the days' joint law: per day, each class thinned apart; summed over days at once
        columns = [law.classes.index(c) for c in classes]
        values, codes = zip(*(np.unique(law.days[:, column], return_inverse=True) for column in columns), strict=True)
        pairs, weight = np.unique(np.column_stack(codes), axis=0, return_counts=True)  # days alike, once
        rows = [_day_pmfs(value, thin[cls], caps[cls])[pairs[:, k]]
                for k, (value, cls) in enumerate(zip(values, classes, strict=True))]
        letters = "abcdefgh"[: len(classes)]
        grid = np.einsum("z," + ",".join(f"z{x}" for x in letters) + "->" + letters,
                         weight.astype(float), *rows) / weight.sum()
    index = np.indices(sizes).reshape(len(classes), -1).T
    prob = grid.reshape(-1)
    keep = prob > CELL
    return index[keep], prob[keep] / prob[keep].sum()


def _day_pmfs(counts: np.ndarray, thin: float, cap: int) -> np.ndarray:
    """(day, 0..cap) the pmf of each day's count (floor or ceil of a fractional one, as the engine
    rounds) thinned by `thin`, the tail beyond `cap` at the cap."""
    k = np.arange(cap + 1)[None, :]
    whole = np.floor(counts)[:, None]
    frac = (counts - np.floor(counts))[:, None]
    pmf = (1 - frac) * stats.binom.pmf(k, whole, thin) + frac * stats.binom.pmf(k, whole + 1, thin)
    pmf[:, -1] += np.clip(1.0 - pmf.sum(axis=1), 0.0, None)
    return pmf


@dataclass(frozen=True)
class ChainFlow:
    """A drained layer's long run in whole missiles, per class a day: engagements (partial ones
    counted), interceptors fired, kills, the mean of the wanted threats and the share answered."""

    engaged: dict[str, float]
    fired: dict[str, float]
    kills: dict[str, float]
    wanted: dict[str, float]
    states: int
    cap_mass: float

    @property
    def answered(self) -> dict[str, float]:
        return {c: (self.engaged[c] / self.wanted[c] if self.wanted[c] > 0 else 1.0) for c in self.engaged}


def drained_flow(layer: Layer, law: DailyLaw, thin: Mapping[str, float], deliveries: float) -> ChainFlow:
    """The stationary long run of one layer firing `deliveries` a day of its interceptor (module
    doc). `thin`: per class, the wanted threats a day over the class's arrivals a day (the share
    that reaches the layer times its engage probability)."""
    classes = list(layer.engages)
    kept = layer.effective_reserve
    claims = [Claim(k, e.shots, kept.get(cls, 0), e.salvo == "partial" and e.shots > 1)
              for k, (cls, e) in enumerate(layer.engages.items())]
    low = math.floor(deliveries + 1e-12)
    frac = deliveries - low
    shots = max(e.shots for e in layer.engages.values())
    means = {c: law.mean(c) * thin[c] for c in classes}
    states = min(MAX_STATES, max(4 * shots + sum(kept.values()), math.ceil(8 * deliveries) + 2 * shots, 16))
    # small matrices: one BLAS thread (several, on a busy machine, cost a hundred times more)
    with threadpool_limits(limits=1, user_api="blas"):
        while True:
            flow = _solve(layer, law, thin, claims, classes, low, frac, states, means)
            if flow.cap_mass <= CAP_MASS or states >= MAX_STATES:
                return flow
            states = min(MAX_STATES, 2 * states)


def _solve(layer, law, thin, claims, classes, low, frac, states, means) -> ChainFlow:
    if law.marginals is not None and layer.capacity_per_day is None and (
            layer.allocation != "proportional" or len(classes) == 1):
        return _solve_in_turn(layer, law, thin, claims, classes, low, frac, states, means)
    return _solve_together(layer, law, thin, claims, classes, low, frac, states, means)


def _caps(layer, law, thin, claims, classes, most) -> dict[str, int]:
    """Per class, the count beyond which a day's wanted threats are counted at it."""
    caps = {}
    for c, claim in zip(classes, claims, strict=True):
        cap = (_cap_for(*law.marginals[c], thin[c], TAIL) if law.marginals is not None
               else int(np.ceil(law.days[:, law.classes.index(c)].max())) + 1)
        if layer.allocation != "proportional" or len(classes) == 1:
            cap = min(cap, most // claim.smallest + 1)  # beyond what the stock pays for, nothing changes
        caps[c] = max(cap, 1)
    return caps


def _outcome(result: Any, k: int, engagement: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per case, class k's engagements (a partial one counted), interceptors fired and expected
    kills (a partial salvo of n: 1 - (1 - pk)^n) from an allocation's result."""
    full, part = result.engaged[k], result.partial[k]
    count, spent, killed = full.astype(float), full * engagement.shots, full * engagement.kill_probability
    if part is not None:
        count = count + (part > 0)
        spent = spent + part
        killed = killed + np.where(part > 0, 1.0 - (1.0 - engagement.pk) ** part, 0.0)
    return count, spent, killed


def _solve_in_turn(layer, law, thin, claims, classes, low, frac, states, means) -> ChainFlow:
    """Priority without a capacity, classes independent: each class in turn moves the stock, so
    the day's transition is the product of one matrix per class (exact, and far cheaper than
    every vector of counts together)."""
    top = states - 1
    most = top + low + 1
    caps = _caps(layer, law, thin, claims, classes, most)
    size = most + 1
    deliver = np.zeros((states, size))
    levels = np.arange(states)
    deliver[levels, levels + low] += 1 - frac
    if frac > 1e-12:
        deliver[levels, levels + low + 1] += frac
    steps, expected = [], []
    stock_in = np.arange(size)
    for k, cls in enumerate(classes):
        pmf = _arrival_pmf(*law.marginals[cls], thin[cls], caps[cls])
        counts = np.arange(caps[cls] + 1)
        s, w = np.meshgrid(stock_in, counts, indexing="ij")
        s, w = s.ravel(), w.ravel()
        weight = pmf[w]
        wanted = np.zeros((len(classes), s.size), dtype=np.int64)
        wanted[k] = w
        stock = s.astype(np.int64).copy()
        result = allocate("priority", wanted, stock, None, claims, lambda claim, eligible, engageable: eligible)
        step = np.zeros((size, size))
        np.add.at(step, (s, stock), weight)
        figures = np.zeros((size, 3))
        for column, values in enumerate(_outcome(result, k, layer.engages[cls])):
            np.add.at(figures[:, column], s, weight * values)
        steps.append(step)
        expected.append(figures)
    cap = np.zeros((size, states))
    cap[np.arange(size), np.minimum(np.arange(size), top)] = 1.0
    transition = deliver
    for step in steps:
        transition = transition @ step
    pi = _stationary(transition @ cap)
    entering = pi @ deliver
    engaged, fired, kills = {}, {}, {}
    for cls, step, figures in zip(classes, steps, expected, strict=True):
        engaged[cls], fired[cls], kills[cls] = (float(entering @ figures[:, column]) for column in range(3))
        entering = entering @ step
    return ChainFlow(engaged=engaged, fired=fired, kills=kills, wanted=dict(means), states=states,
                     cap_mass=float(pi[-1]))


def _solve_together(layer, law, thin, claims, classes, low, frac, states, means) -> ChainFlow:
    """Every vector of the day's counts at once (proportional shares, a capacity the classes
    share, or the record's days, whose classes come together)."""
    top = states - 1  # stock levels 0..top
    most = top + low + 1  # the most in hand after a delivery
    caps = _caps(layer, law, thin, claims, classes, most)
    vectors, probs = wanted_law(law, classes, thin, caps)
    # every (stock, delivery, wanted vector) case, in slices that fit in memory
    deliveries = np.array([low, low + 1]) if frac > 1e-12 else np.array([low])
    weights = np.array([1 - frac, frac]) if frac > 1e-12 else np.array([1.0])
    transition = np.zeros((states, states))
    engaged = np.zeros((states, len(classes)))
    fired = np.zeros((states, len(classes)))
    kills = np.zeros((states, len(classes)))
    step = max(1, MAX_COMBINATIONS // max(1, len(vectors) * len(deliveries)))
    for first in range(0, states, step):
        level = np.arange(first, min(states, first + step))
        s, d, v = np.meshgrid(level, np.arange(len(deliveries)), np.arange(len(vectors)), indexing="ij")
        s, d, v = s.ravel(), d.ravel(), v.ravel()
        weight = weights[d] * probs[v]
        stock = s + deliveries[d]
        wanted = vectors[v].T.astype(np.int64)  # (class, case)
        capacity = (None if layer.capacity_per_day is None
                    else np.full(s.size, layer.capacity_per_day, dtype=np.int64))
        result = allocate(layer.allocation, wanted, stock, capacity, claims,
                          lambda claim, eligible, engageable: eligible)
        after = np.minimum(stock, top)
        np.add.at(transition, (s, after), weight)
        for k, engagement in enumerate(layer.engages.values()):
            for table, values in zip((engaged, fired, kills), _outcome(result, k, engagement), strict=True):
                np.add.at(table[:, k], s, weight * values)
    pi = _stationary(transition)
    return ChainFlow(
        engaged={c: float(pi @ engaged[:, k]) for k, c in enumerate(classes)},
        fired={c: float(pi @ fired[:, k]) for k, c in enumerate(classes)},
        kills={c: float(pi @ kills[:, k]) for k, c in enumerate(classes)},
        wanted=dict(means), states=states, cap_mass=float(pi[-1]),
    )


def _stationary(transition: np.ndarray) -> np.ndarray:
    """The stationary distribution of a row-stochastic matrix (one recurrent class assumed)."""
    n = transition.shape[0]
    system = transition.T - np.eye(n)
    system[-1, :] = 1.0
    rhs = np.zeros(n)
    rhs[-1] = 1.0
    try:
        pi = np.linalg.solve(system, rhs)
    except np.linalg.LinAlgError:
        pi = np.linalg.lstsq(system, rhs, rcond=None)[0]
    pi = np.clip(pi, 0.0, None)
    return pi / pi.sum()
