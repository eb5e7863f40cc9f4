"""Who gets a layer's interceptors and engagements on a day: the allocation rules, over many runs.

One layer, one day, all runs at once (arrays over runs). The threats of each class the layer
engages (`claims`, in the order its `engages` lists them) call for engagements: `wanted` of them,
each costing `shots` interceptors. The layer's daily capacity (engagements, all classes together)
and its interceptor's stock limit what it can make. A `reserve` of r for a class keeps r
interceptors for that class: any other class may only use the stock above the reserves of the
classes it is not (available to class k = stock - the reserves of the other classes, at least 0).

- **priority** (list order): each class in turn takes what it wants, up to what capacity and its
  available stock allow; later classes get what is left.
- **proportional**: the engagements wanted by all classes are cut by one factor f so that they fit
  the capacity and the stock above all reserves (the shared pool): each class gets floor(f x
  wanted); engagements lost to rounding go one each to the classes with the largest remainders
  (ties in list order), while capacity and the pool pay for them. What the pool and the capacity
  can still pay for (a share of a many-shot class may round down to less than one engagement)
  goes to the classes still waiting, in list order, so that no usable interceptor is left while
  threats wait. Then each class with a reserve takes what it still wants from its reserve (and
  what is left of the pool), in list order, within the capacity left.

Salvos. A class with `partial` salvos fires what is left when fewer interceptors are available to
it than one engagement needs: after its full engagements, if some of its wanted threats are still
unanswered, the capacity has room and 0 < available < shots, one more engagement fires the
available interceptors at one threat (`partial_shots`; its kill probability is that of that many
shots). A class with `hold` salvos keeps them for the next full engagement (deliveries
accumulate); `held: keep` (see `Layer.effective_reserve`) makes that a reserve of one salvo, which
other classes may not use.

A class is *short* on the day if some threats the layer would have engaged (its wanted ones)
were not engaged while the stock available to it, after the layer's engagements of it, cannot
pay for one more engagement (with `partial` salvos: nothing is left for it) and the layer's
capacity could still have made one: those threats went unanswered for lack of interceptors (what
the engine calls running out for that class). A threat the layer would not have engaged anyway
(engage probability below 1) does not count. When the capacity is used up, the capacity left
them unengaged, whatever the stock: that is not a shortage of interceptors. Under `priority`
this is judged at the class's turn; under `proportional` after the whole layer. The layer is
*out* of a class on the day if it could not engage it: the class was short, or it wanted none of
it while the interceptors left for it (judged the same way) could not have paid for one
engagement. A class whose wanted threats were all engaged, however few, is never out, even if
the stock is empty afterwards.

Wanted threats are drawn (`draw_wanted(claim, eligible, engageable)`) where the layer can make an
engagement of the class (`engageable`); where it cannot, the caller may draw them or not (the
engine draws them only while the day a run first runs short is still to be found: nothing else
depends on them), and the judgement reads zero where nothing was drawn.

Exact integer arithmetic throughout (no rounding of a float factor), so the rules can be tested
by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

ALLOCATIONS = ("priority", "proportional")


@dataclass(frozen=True)
class Claim:
    """One class a layer engages: its index, shots per engagement, reserve (with `held: keep`, at
    least one salvo) and whether it fires a partial salvo when fewer are left."""

    k: int
    shots: int
    reserve: int = 0
    partial: bool = False

    @property
    def smallest(self) -> int:
        """The fewest interceptors one engagement of this class fires."""
        return 1 if self.partial else self.shots


def available(stock: np.ndarray, claims: Sequence[Claim], claim: Claim) -> np.ndarray:
    """Stock class `claim` may use: the stock less the reserves of the other classes (>= 0)."""
    others = sum(c.reserve for c in claims if c is not claim)
    return np.maximum(stock - others, 0) if others else stock


def allocate(
    rule: str,
    remaining: np.ndarray,
    stock: np.ndarray | None,
    capacity_left: np.ndarray | None,
    claims: Sequence[Claim],
    draw_wanted: Callable[[Claim, np.ndarray, np.ndarray | None], np.ndarray],
) -> Allocation:
    """Engagements per claim and, with a stock, whether each class was short and whether the
    layer was out of it (module doc).

    `remaining` (class, run) counts the threats reaching the layer; `stock` (run,) and
    `capacity_left` (run,) are updated in place (None: no interceptor / no capacity limit).
    `draw_wanted(claim, eligible, engageable)` gives the engagements wanted of `eligible` threats;
    it is called once per claim; `engageable` (None: everywhere) marks the runs where the layer can
    make one, and the draw must cover at least those.
    """
    if rule == "proportional" and len(claims) > 1:
        engaged, partial, wanted = _proportional(remaining, stock, capacity_left, claims, draw_wanted)
        judged = [_judge(stock, capacity_left, claims, claim, count, shots, want)
                  for claim, count, shots, want in zip(claims, engaged, partial, wanted, strict=True)]
        return Allocation(engaged, [j[0] for j in judged], [j[1] for j in judged], partial)
    return _priority(remaining, stock, capacity_left, claims, draw_wanted)


class Allocation(NamedTuple):
    """Per claim: full engagements (run,); short and out (run,) bool, None without an
    interceptor; interceptors fired in a partial engagement (run,), None where none can be."""

    engaged: list[np.ndarray]
    short: list[np.ndarray | None]
    out: list[np.ndarray | None]
    partial: list[np.ndarray | None]


def _judge(stock, capacity_left, claims, claim, count, partial, wanted) -> tuple:
    """(short, out) of `claim` after its engagements (module doc); (None, None) without a stock."""
    if stock is None:
        return None, None
    lacking = available(stock, claims, claim) < claim.smallest
    if capacity_left is not None:
        lacking &= capacity_left >= 1  # capacity, not the stock, would have left them unengaged
    answered = count if partial is None else count + (partial > 0)
    left = wanted > answered
    return left & lacking, lacking & (left | (wanted == 0))


def _partial(stock, capacity_left, claims, claim, wanted, count) -> np.ndarray | None:
    """One partial engagement where wanted threats are left and 0 < available < shots (fired
    from `stock` and `capacity_left` in place): the interceptors it fires (run,)."""
    if not claim.partial or stock is None or claim.shots == 1:
        return None
    left = available(stock, claims, claim)
    fire = (wanted > count) & (left > 0) & (left < claim.shots)
    if capacity_left is not None:
        fire &= capacity_left >= 1
        capacity_left -= fire
    shots = np.where(fire, left, 0)
    stock -= shots
    return shots


def _limit(stock: np.ndarray | None, capacity_left: np.ndarray | None, claims: Sequence[Claim],
           claim: Claim) -> np.ndarray | None:
    """The most engagements `claim` could make now (None: no limit)."""
    limit = capacity_left
    if stock is not None:
        can = available(stock, claims, claim) // claim.shots
        limit = can if limit is None else np.minimum(limit, can)
    return limit


def _wanted(remaining, stock, capacity_left, claims, claim, draw_wanted) -> tuple:
    """The most full engagements `claim` could make now, and the engagements it wants (drawn at
    least where it could make one, a partial one included)."""
    limit = _limit(stock, capacity_left, claims, claim)
    engageable = None
    if limit is not None:
        engageable = limit > 0
        if claim.partial and stock is not None and claim.shots > 1:
            room = available(stock, claims, claim) > 0
            if capacity_left is not None:
                room &= capacity_left >= 1
            engageable |= room
    return limit, np.asarray(draw_wanted(claim, remaining[claim.k], engageable), dtype=np.int64)


def _priority(remaining, stock, capacity_left, claims, draw_wanted) -> Allocation:
    """Each class in list order; whether it was short is judged at its turn, right after its
    engagements (a later class using the capacity left does not make an earlier one short)."""
    engaged, short, out, partial = [], [], [], []
    for claim in claims:
        limit, wanted = _wanted(remaining, stock, capacity_left, claims, claim, draw_wanted)
        count = wanted if limit is None else np.minimum(wanted, limit)
        if stock is not None:
            stock -= count * claim.shots
        if capacity_left is not None:
            capacity_left -= count
        fired = _partial(stock, capacity_left, claims, claim, wanted, count)
        engaged.append(count)
        partial.append(fired)
        judged = _judge(stock, capacity_left, claims, claim, count, fired, wanted)
        short.append(judged[0])
        out.append(judged[1])
    return Allocation(engaged, short, out, partial)


def _grant(granted, ranked, runs, count, shots, pool_left, cap_left) -> None:
    """Add `count` engagements (run,) to claim `ranked[run]` of each run where the pool and the
    capacity left allow (in place)."""
    count = count.astype(np.int64)
    if cap_left is not None:
        count = np.where(cap_left >= count, count, 0)
    if pool_left is not None:
        count = np.where(pool_left >= count * shots, count, 0)
    granted[ranked, runs] += count
    if cap_left is not None:
        cap_left -= count
    if pool_left is not None:
        pool_left -= count * shots


def _proportional(remaining, stock, capacity_left, claims, draw_wanted) -> tuple[list, list, list]:
    drawn = [_wanted(remaining, stock, capacity_left, claims, claim, draw_wanted) for claim in claims]
    wanted = [w for _, w in drawn]
    # the shares are cut from what each class could engage in full now (a class that can make no
    # full engagement takes part only through a partial one, after the others)
    want = np.array([w if limit is None else np.where(limit > 0, w, 0) for limit, w in drawn])  # (claim, run)
    shots = np.array([c.shots for c in claims], dtype=np.int64)[:, None]
    total = want.sum(axis=0)
    total_shots = (want * shots).sum(axis=0)
    # f = num / den = min(1, capacity / total, pool / total_shots); a limit above the demand does
    # not bind, so clipping it there keeps the products small and the arithmetic exact in int64
    num, den = total.copy(), np.maximum(total, 1)
    if capacity_left is not None:
        cap = np.minimum(capacity_left, total)
        smaller = cap * den < num * np.maximum(total, 1)
        num = np.where(smaller, cap, num)
        den = np.where(smaller, np.maximum(total, 1), den)
    pool = None
    if stock is not None:
        pool = np.maximum(stock - sum(c.reserve for c in claims), 0)
        pool_cap = np.minimum(pool, total_shots)
        smaller = pool_cap * den < num * np.maximum(total_shots, 1)
        num = np.where(smaller, pool_cap, num)
        den = np.where(smaller, np.maximum(total_shots, 1), den)
    exact = want * num  # f x want = exact / den
    granted = exact // den
    remainder = exact - granted * den
    pool_left = None if pool is None else pool - (granted * shots).sum(axis=0)
    cap_left = None if capacity_left is None else capacity_left - granted.sum(axis=0)
    runs = np.arange(want.shape[1])
    # what rounding lost: one each, largest remainder first (ties in list order), while it is paid for
    index = np.broadcast_to(np.arange(len(claims))[:, None], want.shape)
    for ranked in np.lexsort((index, -remainder), axis=0):
        extra = (remainder[ranked, runs] > 0) & (granted[ranked, runs] < want[ranked, runs])
        _grant(granted, ranked, runs, extra, shots[ranked, 0], pool_left, cap_left)
    # usable stock still left (shares of many-shot classes round down to nothing): to the classes
    # still waiting, in list order
    for position, claim in enumerate(claims):
        more = want[position] - granted[position]
        if pool_left is not None:
            more = np.minimum(more, pool_left // claim.shots)
        if cap_left is not None:
            more = np.minimum(more, cap_left)
        _grant(granted, np.full(runs.size, position), runs, more, claim.shots, pool_left, cap_left)
    if stock is not None:
        stock -= (granted * shots).sum(axis=0)
    if capacity_left is not None:
        capacity_left -= granted.sum(axis=0)
    for index, claim in enumerate(claims):  # reserves, in list order
        if not claim.reserve or stock is None:
            continue
        more = np.minimum(want[index] - granted[index], available(stock, claims, claim) // claim.shots)
        if capacity_left is not None:
            more = np.minimum(more, capacity_left)
            capacity_left -= more
        stock -= more * claim.shots
        granted[index] += more
    engaged = list(granted)
    partial = [_partial(stock, capacity_left, claims, claim, want_all, count)
               for claim, want_all, count in zip(claims, wanted, engaged, strict=True)]
    return engaged, partial, wanted
