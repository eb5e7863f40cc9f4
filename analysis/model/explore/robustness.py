"""Does the exploration's headline survive its ranges? The headline failure share and the top three
drivers when each assumption's range is halved or widened.

The headline (the share of experiments meeting the file's first failure) is a product of the
ranges the file gives: a narrower stock range or a wider deliveries range moves it, and its
interval covers only the sampling of experiments within the ranges given. This module redoes the
headline with one range changed at a time, every other as the file gives it:

- **halved**: the range keeps its centre (its mode, for a triangular one; the middle in log
  scale, for a log-uniform one) and half its width. The experiments of the design's independent
  matrices (A and B of a Sobol design, every row of a Latin hypercube) already hold draws from it:
  each is weighted by how much likelier its value is under the halved range than under the file's
  (the ratio of densities; for inputs of whole numbers, of the probabilities of each number), and
  the share is the weighted mean, its interval a Wilson interval on the effective number of
  experiments (Kish).
- **widened**: twice the width, clipped to what the value can be (a probability in 0..1, a count
  from 0, at least one shot). The file's experiments hold no draws beyond its range, so `m` new
  experiments are simulated: the first `m` rows of matrix A with this one input redrawn from the
  widened range (a stratified sample), with A's random numbers, so each differs from its A row in
  that input alone.

The drivers of each row are ranked by a first-order index estimated from the experiments of that
row (given-data: the weighted variance of the outcome's mean across bins of the input, over the
outcome's variance, less what chance alone gives to that many bins), not by the Sobol design, which
only the file's ranges have; the outcome is the first outcome the headline failure reads. `m` sizes
the cost: one input's widened row costs `m` experiments.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis.model.explore.analyse import failure_flags, outcome_values
from analysis.model.explore.design import Design, transform
from analysis.model.explore.run import ExploreResult, run_explore
from analysis.model.explore.spec import InputRange, is_integer_key

VARIANTS = ("halved", "widened")
DEFAULT_M = 32
TOP = 3


def limits(key: str) -> tuple[float, float]:
    """What a value of `key` can be: a probability in 0..1, a count from 0, at least one shot."""
    leaf = key.rsplit(".", 1)[-1]
    if leaf in {"pk", "target"} or "engage_probability" in key or ".target." in key:
        return 0.0, 1.0
    if leaf == "shots":
        return 0.5, math.inf  # rounds to at least one
    return 0.0, math.inf


def variant(key: str, spec: InputRange, how: str) -> InputRange:
    """The range halved or widened around its centre (module doc), clipped to `limits`."""
    factor = 0.5 if how == "halved" else 2.0
    low, high = limits(key)
    if spec.dist == "loguniform":
        centre = math.sqrt(spec.low * spec.high)
        half = 0.5 * math.log(spec.high / spec.low) * factor
        new_low, new_high = centre * math.exp(-half), centre * math.exp(half)
        return spec.model_copy(update={"low": max(new_low, 1e-12), "high": min(new_high, high)})
    if spec.dist == "triangular":
        mode = spec.mode
        new_low = max(low, mode - (mode - spec.low) * factor)
        new_high = min(high, mode + (spec.high - mode) * factor)
        return spec.model_copy(update={"low": new_low, "high": new_high})
    centre, half = 0.5 * (spec.low + spec.high), 0.5 * (spec.high - spec.low) * factor
    return spec.model_copy(update={"low": max(low, centre - half), "high": min(high, centre + half)})


def _cdf(spec: InputRange, x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if spec.dist == "uniform":
        return np.clip((x - spec.low) / (spec.high - spec.low), 0.0, 1.0)
    if spec.dist == "loguniform":
        return np.clip(np.log(np.maximum(x, 1e-300) / spec.low) / math.log(spec.high / spec.low), 0.0, 1.0)
    peak = (spec.mode - spec.low) / (spec.high - spec.low)
    return stats.triang.cdf(x, peak, loc=spec.low, scale=spec.high - spec.low)


def likelihood(key: str, spec: InputRange, values: np.ndarray) -> np.ndarray:
    """Density of `values` under the range (for whole numbers: the probability of each number,
    the mass rounding sends to it)."""
    values = np.asarray(values, dtype=float)
    if is_integer_key(key):
        return _cdf(spec, values + 0.5) - _cdf(spec, values - 0.5)
    if spec.dist == "uniform":
        inside = (values >= spec.low) & (values <= spec.high)
        return np.where(inside, 1.0 / (spec.high - spec.low), 0.0)
    if spec.dist == "loguniform":
        inside = (values >= spec.low) & (values <= spec.high)
        return np.where(inside, 1.0 / (np.maximum(values, 1e-300) * math.log(spec.high / spec.low)), 0.0)
    peak = (spec.mode - spec.low) / (spec.high - spec.low)
    return stats.triang.pdf(values, peak, loc=spec.low, scale=spec.high - spec.low)


def weighted_share(flags: np.ndarray, weights: np.ndarray, alpha: float = 0.05) -> dict[str, float]:
    """Weighted share of experiments that fail, with a Wilson interval on the effective number
    of experiments (Kish: (sum w)^2 / sum w^2)."""
    total = weights.sum()
    if total <= 0:
        return {"share": math.nan, "low": math.nan, "high": math.nan, "effective": 0.0}
    share = float((weights * flags).sum() / total)
    effective = float(total**2 / (weights**2).sum())
    z = stats.norm.ppf(1 - alpha / 2)
    centre = (share + z**2 / (2 * effective)) / (1 + z**2 / effective)
    half = z * math.sqrt(share * (1 - share) / effective + z**2 / (4 * effective**2)) / (1 + z**2 / effective)
    return {"share": share, "low": max(0.0, centre - half), "high": min(1.0, centre + half), "effective": effective}


def first_order(x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> float:
    """A given-data first-order index of `y` on `x` (module doc): between-bin weighted variance of
    y's mean over its weighted variance, less the (bins - 1) / n_eff chance gives; 0 to 1."""
    keep = (weights > 0) & np.isfinite(y)
    x, y, w = x[keep], y[keep], weights[keep]
    if len(y) < 4 or w.sum() <= 0:
        return math.nan
    mean = np.average(y, weights=w)
    variance = np.average((y - mean) ** 2, weights=w)
    if variance <= 0:
        return 0.0
    effective = w.sum() ** 2 / (w**2).sum()
    bins = int(min(20, max(2, round(math.sqrt(effective)))))
    order = np.argsort(x, kind="stable")
    mass = np.cumsum(w[order]) / w.sum()
    group = np.minimum((mass * bins).astype(int), bins - 1)
    between = 0.0
    for b in range(bins):
        inside = order[group == b]
        if inside.size:
            between += w[inside].sum() / w.sum() * (np.average(y[inside], weights=w[inside]) - mean) ** 2
    return float(min(1.0, max(0.0, between / variance - (bins - 1) / effective)))


def drivers(inputs: pd.DataFrame, y: np.ndarray, weights: np.ndarray, top: int = TOP) -> list[tuple[str, float]]:
    """The `top` inputs by `first_order`, largest first."""
    ranked = [(name, first_order(inputs[name].to_numpy(dtype=float), y, weights)) for name in inputs]
    ranked = [(name, value) for name, value in ranked if math.isfinite(value)]
    return sorted(ranked, key=lambda item: item[1], reverse=True)[:top]


def headline(result: ExploreResult) -> tuple[str, str]:
    """The headline failure (the file's first) and the outcome whose drivers are ranked (the first
    outcome that failure reads)."""
    rule = result.experiment.failures[0]
    return rule.name, rule.condition.outcomes[0]


def widened_design(result: ExploreResult, key: str, spec: InputRange, m: int) -> Design:
    """The first `m` rows of matrix A (or of the hypercube) with `key` redrawn from `spec`, a
    stratified sample, with those rows' random numbers."""
    design = result.design
    rows = np.flatnonzero(np.isin(design.part, ["A", "LHS"]))[:m]
    values = design.values.iloc[rows].reset_index(drop=True).copy()
    rng = np.random.default_rng(np.random.SeedSequence([result.experiment.spec.seed, len(key), m]))
    unit = (rng.permutation(len(rows)) + rng.random(len(rows))) / len(rows)
    drawn = transform(unit, spec, is_integer_key(key))
    values[key] = drawn.astype(values[key].dtype) if is_integer_key(key) else drawn
    return Design(values=values, part=np.array(["widened"] * len(rows), dtype=object),
                  seeds=design.seeds[rows].copy(), problem=design.problem, method=design.method)


def robustness(result: ExploreResult, *, m: int = DEFAULT_M, scheduler: str = "local", workers: int | None = None,
               progress: bool | None = False, evaluator: Any = None) -> pd.DataFrame:
    """The robustness table (module doc): one row as the file gives it, then for each input its
    range halved and widened. Columns: input, variant, low, high, share, share_low, share_high,
    experiments (effective), change (against the file's), drivers [(input, index), ...]."""
    experiment = result.experiment
    failure, outcome = headline(result)
    names = list(experiment.spec.inputs)
    ok = (result.table["status"] == "ok").to_numpy()
    base = ok & np.isin(result.design.part, ["A", "B", "LHS"])
    inputs = result.table.loc[base, names].astype(float).reset_index(drop=True)
    flags = failure_flags(result)[failure].to_numpy()[base].astype(float)
    y = outcome_values(result, outcome)[base]
    ones = np.ones(len(flags))
    rows = [{"input": None, "variant": "as given", "low": None, "high": None,
             **_figures(flags, ones, inputs, y)}]
    for key in names:
        spec = experiment.spec.inputs[key]
        half = variant(key, spec, "halved")
        weights = likelihood(key, half, inputs[key].to_numpy()) / np.maximum(
            likelihood(key, spec, inputs[key].to_numpy()), 1e-300)
        rows.append({"input": key, "variant": "halved", "low": half.low, "high": half.high,
                     **_figures(flags, weights, inputs, y)})
        wide = variant(key, spec, "widened")
        extra = run_explore(experiment, design=widened_design(result, key, wide, m), scheduler=scheduler,
                            workers=workers, progress=progress, evaluator=evaluator)
        done = (extra.table["status"] == "ok").to_numpy()
        rows.append({"input": key, "variant": "widened", "low": wide.low, "high": wide.high,
                     **_figures(failure_flags(extra)[failure].to_numpy()[done].astype(float), np.ones(int(done.sum())),
                                extra.table.loc[done, names].astype(float).reset_index(drop=True),
                                outcome_values(extra, outcome)[done])})
    table = pd.DataFrame(rows)
    table["change"] = table["share"] - table.loc[0, "share"]
    table.attrs.update({"failure": failure, "outcome": outcome, "m": m})
    return table


def _figures(flags: np.ndarray, weights: np.ndarray, inputs: pd.DataFrame, y: np.ndarray) -> dict[str, Any]:
    share = weighted_share(flags, weights)
    return {"share": share["share"], "share_low": share["low"], "share_high": share["high"],
            "experiments": share["effective"], "drivers": drivers(inputs, y, weights)}
