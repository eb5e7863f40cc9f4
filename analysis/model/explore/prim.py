"""Scenario discovery: the EMA Workbench's PRIM finds boxes of inputs where a failure is frequent.

PRIM (Friedman and Fisher's patient rule induction) peels thin slices off the range of one input
at a time, keeping the slice whose removal raises the share of failures in what is left most,
then pastes back what it can. Along its peeling trajectory, boxes get smaller and purer: their
**coverage** (the share of all failing experiments inside the box) falls as their **density**
(the share of the box's experiments that fail) rises. For each box this module takes, among the
points of the trajectory whose density reaches the threshold, the one with the best balance of
the two (the largest harmonic mean of coverage and density); then PRIM looks for the next box
among the experiments outside it.

A box restricts at most three inputs by default, and a restriction that adds less than two
points of density is dropped afterwards: a box should say what makes the failure frequent, not
trim noise. Coverage, density and mass (the share of all experiments in the box) are computed here
again on all experiments from the box's limits (an independent check of the library's bookkeeping, and the
same meaning for a second box as for the first). A box states only the inputs it restricts.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

PRUNE_TOLERANCE = 0.02  # density a restriction must add to stay in a box


@dataclass(frozen=True)
class Box:
    """Limits of the restricted inputs (None: that side is not restricted) and the box's figures."""

    limits: dict[str, tuple[float | None, float | None]]
    coverage: float
    density: float
    mass: float
    cases: int  # failing experiments in the box
    experiments: int  # experiments in the box

    def contains(self, x: pd.DataFrame) -> np.ndarray:
        inside = np.ones(len(x), dtype=bool)
        for name, (low, high) in self.limits.items():
            column = x[name].to_numpy(dtype=float)
            if low is not None:
                inside &= column >= low
            if high is not None:
                inside &= column <= high
        return inside


def ema_prim() -> Any:
    """The EMA Workbench's prim module (imported quietly: it warns of optional parts)."""
    with warnings.catch_warnings():  # optional parts it cannot find (ipyparallel, altair)
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    return prim


def box_figures(limits: dict[str, tuple[float | None, float | None]], x: pd.DataFrame,
                failing: np.ndarray) -> Box:
    """A box's coverage, density and mass on all experiments."""
    failing = np.asarray(failing, dtype=bool)
    probe = Box(limits, 0.0, 0.0, 0.0, 0, 0)
    inside = probe.contains(x)
    cases = int((failing & inside).sum())
    count = int(inside.sum())
    total = int(failing.sum())
    return Box(limits=limits, coverage=cases / total if total else 0.0,
               density=cases / count if count else 0.0, mass=count / len(x) if len(x) else 0.0,
               cases=cases, experiments=count)


def find_boxes(
    x: pd.DataFrame,
    failing: np.ndarray,
    *,
    density: float = 0.8,
    max_boxes: int = 3,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    max_restricted: int = 3,
) -> list[Box]:
    """Up to `max_boxes` PRIM boxes of `x` (inputs, one column each) where `failing` is frequent.

    A box restricts at most `max_restricted` inputs (boxes stay readable), and restrictions that
    hardly raise its density are dropped (`prune`). No box when nothing fails, when the failure is already as frequent as the density threshold
    everywhere (no box would narrow it down), or when no box reaches the threshold.
    """
    failing = np.asarray(failing, dtype=bool)
    if len(x) == 0 or not failing.any() or failing.mean() >= density:
        return []
    prim = ema_prim()
    data = x.astype(float).reset_index(drop=True)
    with warnings.catch_warnings():  # pandas deprecations inside the library
        warnings.simplefilter("ignore")
        engine = prim.Prim(data, failing, threshold=density, peel_alpha=peel_alpha,
                           mass_min=mass_min)
        initial = engine.box_init
        boxes: list[Box] = []
        for _ in range(max_boxes):
            found = engine.find_box()
            if found is None:
                break
            trajectory = found.peeling_trajectory
            good = trajectory[(trajectory["density"] >= density) & (trajectory["res_dim"] > 0)
                              & (trajectory["res_dim"] <= max_restricted)]
            if good.empty:
                break
            coverage = good["coverage"].astype(float)
            density_ = good["density"].astype(float)
            chosen = int((2 * coverage * density_ / (coverage + density_)).idxmax())
            found.select(chosen)
            limits = _restricted(found.box_lims[chosen], initial)
            if not limits:
                break
            boxes.append(prune(box_figures(limits, data, failing), data, failing, density))
    return boxes


def prune(box: Box, x: pd.DataFrame, failing: np.ndarray, threshold: float,
          tolerance: float = PRUNE_TOLERANCE) -> Box:
    """Drop the restrictions that hardly matter: one whose removal keeps the density at the
    threshold and costs at most `tolerance` of density (it mostly trims noise) is dropped, the
    least useful first, so that the box says only what makes the failure frequent."""
    while len(box.limits) > 1:
        candidates = [box_figures({k: v for k, v in box.limits.items() if k != name}, x, failing)
                      for name in box.limits]
        keep = [c for c in candidates
                if c.density >= threshold and c.density >= box.density - tolerance]
        if not keep:
            break
        box = max(keep, key=lambda c: (c.density, c.coverage))
    return box


def _restricted(box: pd.DataFrame, initial: pd.DataFrame) -> dict[str, tuple[float | None, float | None]]:
    limits = {}
    for name in box.columns:
        low, high = float(box.loc[0, name]), float(box.loc[1, name])
        low_init, high_init = float(initial.loc[0, name]), float(initial.loc[1, name])
        low_out = low if low > low_init else None
        high_out = high if high < high_init else None
        if low_out is not None or high_out is not None:
            limits[name] = (low_out, high_out)
    return limits


def plain_number(value: float) -> str:
    """Three significant figures, thousands separated, no exponent: 812, 24.9, 0.734, 12,345."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:,.{digits}f}"


Ranges = Mapping[str, tuple[float, float, bool]]  # input -> (low, high, whole numbers)


def limit_texts(low: float | None, high: float | None, bounds: tuple[float, float, bool] | None) -> list[str]:
    """A box's limits on one input, rounded to the input's precision: whole numbers for a whole-
    number input, else a twentieth of its assumed range (0.61 on a range of 0.5 to 0.95, 2.3 on
    1 to 4); more digits only where two limits would otherwise read the same ('between 3.00
    and 3.00')."""
    values = [v for v in (low, high) if v is not None]
    if bounds is None:
        return [plain_number(v) for v in values] if len(values) < 2 or plain_number(values[0]) != \
            plain_number(values[1]) else _distinct(values, 3)
    start, end, whole = bounds
    if whole:
        texts = [f"{round(v):,}" for v in values]
        return texts if len(texts) < 2 or texts[0] != texts[1] else _distinct(values, 1)
    width = abs(end - start) or max(abs(start), 1.0)
    decimals = max(0, math.ceil(-math.log10(width / 20)))
    return _distinct(values, decimals)


def _distinct(values: list[float], decimals: int) -> list[str]:
    """`values` to `decimals` places, more while two of them would read the same (at most 8)."""
    for places in range(decimals, 9):
        texts = [f"{v:,.{places}f}" for v in values]
        if len(set(texts)) == len(texts):
            return texts
    return texts


def describe_limits(limits: dict[str, tuple[float | None, float | None]], labels: dict[str, str],
                    ranges: Ranges | None = None) -> str:
    """'PAC-3 MSE deliveries a month is below 25 and ballistic missiles a day is above 2.8', each
    limit rounded to its input's precision (`limit_texts`; `ranges`: each input's assumed range)."""
    parts = []
    for name, (low, high) in limits.items():
        label = labels.get(name, name)
        texts = limit_texts(low, high, (ranges or {}).get(name))
        if low is not None and high is not None:
            parts.append(f"{label} is between {texts[0]} and {texts[1]}")
        elif high is not None:
            parts.append(f"{label} is at most {texts[0]}")
        else:
            parts.append(f"{label} is at least {texts[0]}")
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def box_sentence(box: Box, what: str, labels: dict[str, str], ranges: Ranges | None = None) -> str:
    """The box in plain words, with its density and coverage."""
    return (f"In {box.density:.0%} of the experiments where {describe_limits(box.limits, labels, ranges)}, "
            f"{what} ({box.coverage:.0%} of all the experiments where it happens fall in this box, "
            f"which holds {box.mass:.0%} of the experiments).")
