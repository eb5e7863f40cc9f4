"""Coverage study: which 95% interval of a share pooled over waves holds its level on a time series?

The simulated records do not share the interval's assumptions. The record is a time series, so:

- each wave's log-odds of being stopped is the cell's level plus a deviation that follows an
  AR(1) over the waves in order (persistence 0, 0.4, 0.7 or 0.9; marginal sd 0.8 on the logit
  scale, about the record's drone waves), not independent draws;
- in half the cells the level itself shifts: it switches between two regimes 1.0 apart on the
  logit scale (about the record's 93-97% and 80-88% drone months) at random waves, four switches
  a record on average, whatever its length: spells of good and bad months;
- wave sizes are heavy-tailed: Pareto (Lomax) with tail index 1.7 (the record's drone, cruise and
  ballistic waves show 1.65-2.0), median 4 (like ballistic missiles) or 100 (like drones), capped
  at 30 times the median;
- in half the cells the share rises with the wave's size (0.3 on the log-odds per doubling);
- shares 0.05, 0.25, 0.5, 0.8, 0.9, 0.97; records of 12, 30, 100 and 300 waves.

The truth is the share the process stops in the long run, launch-weighted as the pooled share
is: E[n p] / E[n] over the stationary distribution (regimes, deviations and sizes), computed from
two million draws. The ideal width of a cell is 2 x 1.96 x the standard deviation of the pooled
share across its simulated records. Targets (issue 20): coverage at least 90% in every cell with
30 waves or more and at least 85% with 12; mean width at most 1.5 times the ideal.

    .venv/bin/python benchmarks/coverage.py            # the full study (make validate)
    .venv/bin/python benchmarks/coverage.py --quick    # a smoke run (a smaller one is a test)

Output: per method and wave count, the share of cells meeting the coverage target, the worst
cell, the mean width against the ideal and the share of cells within 1.5 times it; the chosen
method's worst cell per persistence and wave count, with and without regime shifts; the cells no
method brings to its target; `--json FILE` with every cell.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy import special, stats
from statsmodels.stats.proportion import proportion_confint

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.stats.claims.calibration import ar1_deviations, pareto_sizes  # noqa: E402
from analysis.stats.intervals import COSINES, cluster_interval, share_interval  # noqa: E402

WAVE_COUNTS = (12, 30, 100, 300)
PERSISTENCE = (0.0, 0.4, 0.7, 0.9)
SHARES = (0.05, 0.25, 0.5, 0.8, 0.9, 0.97)
SIZES = {"small waves (median 4)": 4.0, "large waves (median 100)": 100.0}
REGIMES = (False, True)
SIZE_EFFECTS = (0.0, 0.3)
TAIL, CAP = 1.7, 30.0  # Pareto tail index of wave sizes; largest wave, in medians
DEVIATION_SD = 0.8  # marginal sd of the AR(1) deviation of the log-odds
REGIME_GAP = 1.0  # distance of the two regimes on the log-odds
SWITCHES = 4.0  # regime switches per record, on average
TARGETS = {12: 0.85, 30: 0.90, 100: 0.90, 300: 0.90}
WIDTH_TARGET = 1.5
CHOSEN = f"long-run variance, {COSINES} cosines (chosen)"
BEFORE = "CR2 by attack, Bell-McCaffrey t (before)"

Interval = Callable[[np.ndarray, np.ndarray, float], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Cell:
    waves: int
    persistence: float
    share: float
    size: str
    regimes: bool
    size_effect: float


# --- the simulator -------------------------------------------------------------------------------


def wave_sizes(rng: np.random.Generator, shape: tuple[int, ...] | int, median: float) -> np.ndarray:
    """Pareto (Lomax) whole-number sizes with tail index `TAIL` and the given median, 1 to CAP medians."""
    return pareto_sizes(rng, shape, median, TAIL, CAP)


def ar1(rng: np.random.Generator, reps: int, waves: int, persistence: float) -> np.ndarray:
    """(reps, waves) stationary AR(1) deviations with sd `DEVIATION_SD`."""
    return ar1_deviations(rng, reps, waves, persistence, DEVIATION_SD)


def regime_levels(rng: np.random.Generator, reps: int, waves: int) -> np.ndarray:
    """(reps, waves) level of a two-regime Markov switch, `SWITCHES` switches a record on average."""
    switch = rng.random((reps, waves)) < SWITCHES / waves
    switch[:, 0] = False
    high = (rng.random((reps, 1)) < 0.5) ^ (np.cumsum(switch, axis=1) % 2 == 1)
    return np.where(high, REGIME_GAP / 2, -REGIME_GAP / 2)


def shares_of(cell: Cell, sizes: np.ndarray, level: np.ndarray | float,
              deviation: np.ndarray) -> np.ndarray:
    median = SIZES[cell.size]
    return special.expit(special.logit(cell.share) + level + deviation
                         + cell.size_effect * np.log2(sizes / median))


def simulate(cell: Cell, reps: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(successes, trials) of `reps` records of `cell.waves` waves, in time order."""
    n = wave_sizes(rng, (reps, cell.waves), SIZES[cell.size])
    level = regime_levels(rng, reps, cell.waves) if cell.regimes else 0.0
    p = shares_of(cell, n, level, ar1(rng, reps, cell.waves, cell.persistence))
    return rng.binomial(n.astype(np.int64), p).astype(float), n


def truth(cell: Cell, rng: np.random.Generator, draws: int = 2_000_000) -> float:
    """The long-run launch-weighted share E[n p] / E[n] of the cell's process."""
    n = wave_sizes(rng, draws, SIZES[cell.size])
    level = np.where(rng.random(draws) < 0.5, REGIME_GAP / 2, -REGIME_GAP / 2) if cell.regimes else 0.0
    p = shares_of(cell, n, level, DEVIATION_SD * rng.standard_normal(draws))
    return float((n * p).sum() / n.sum())


# --- the methods ---------------------------------------------------------------------------------


def _wilson_floor(k, n, low, high, alpha):
    wilson_low, wilson_high = proportion_confint(k.sum(axis=1), n.sum(axis=1), alpha=alpha, method="wilson")
    return np.minimum(low, wilson_low), np.maximum(high, wilson_high)


def by_attack(k, n, alpha):
    low, high, _ = cluster_interval(k, n, alpha)
    return low, high


def calendar_blocks(days: int) -> Interval:
    """CR2 with blocks of `days` consecutive waves as clusters (weeks or months of nightly attacks)."""
    def interval(k, n, alpha):
        edges = list(range(0, n.shape[1], days)) + [n.shape[1]]
        if len(edges) < 3:  # one cluster: no interval
            return np.full(len(n), np.nan), np.full(len(n), np.nan)
        kb = np.add.reduceat(k, edges[:-1], axis=1)
        nb = np.add.reduceat(n, edges[:-1], axis=1)
        low, high, _ = cluster_interval(kb, nb, alpha)
        return low, high
    return interval


def cosines(count: int | Callable[[int], int]) -> Interval:
    def interval(k, n, alpha):
        used = count(n.shape[1]) if callable(count) else count
        low, high, _ = share_interval(k, n, alpha, cosines=used)
        return low, high
    return interval


def llsw_cosines(waves: int) -> int:
    """Lazarus, Lewis, Stock and Watson's (2018) rule for the equal-weighted cosine estimator."""
    return max(1, int(round(0.41 * waves ** (2 / 3))))


_NW_CRITICAL: dict[tuple[int, float], float] = {}


def _newey_west_variance(z: np.ndarray, bandwidth: float) -> np.ndarray:
    """Bartlett-kernel long-run variance of each row of mean-zero `z`."""
    waves = z.shape[1]
    lrv = (z**2).mean(axis=1)
    for lag in range(1, waves):
        weight = 1 - lag / bandwidth
        if weight <= 0:
            break
        lrv = lrv + 2 * weight * (z[:, lag:] * z[:, :-lag]).sum(axis=1) / waves
    return np.maximum(lrv, 1e-300)


def newey_west_fixed_b(k, n, alpha):
    """Newey-West with bandwidth 1.3 sqrt(T) (LLSW 2018), critical values by fixed-b simulation
    (Kiefer and Vogelsang 2005: the t-statistic's quantile under independent normal waves at the
    same bandwidth and length), logit scale, Wilson floor."""
    waves = n.shape[1]
    bandwidth = min(1.3 * np.sqrt(waves), waves)
    key = (waves, alpha)
    if key not in _NW_CRITICAL:
        rng = np.random.default_rng(5)
        x = rng.standard_normal((20_000, waves))
        t = np.sqrt(waves) * x.mean(axis=1) / np.sqrt(_newey_west_variance(x - x.mean(axis=1, keepdims=True), bandwidth))
        _NW_CRITICAL[key] = float(np.quantile(np.abs(t), 1 - alpha))
    total = n.sum(axis=1, keepdims=True)
    rate = k.sum(axis=1, keepdims=True) / total
    z = waves * (k - rate * n) / total
    se = np.sqrt(_newey_west_variance(z, bandwidth) / waves)
    r = np.clip(rate[:, 0], 1e-9, 1 - 1e-9)
    half = _NW_CRITICAL[key] * se / (r * (1 - r))
    low, high = special.expit(special.logit(r) - half), special.expit(special.logit(r) + half)
    return _wilson_floor(k, n, low, high, alpha)


def circular_block_bootstrap(k, n, alpha, draws: int = 499, seed: int = 7):
    """Percentile interval of the pooled share from a circular block bootstrap of the waves in
    order (blocks of about sqrt(T) waves), Wilson floor."""
    rng = np.random.default_rng(seed)
    reps, waves = n.shape
    length = max(1, int(round(np.sqrt(waves))))
    blocks = int(np.ceil(waves / length))
    wrapped_k, wrapped_n = np.concatenate([k, k[:, :length]], axis=1), np.concatenate([n, n[:, :length]], axis=1)
    cum_k = np.concatenate([np.zeros((reps, 1)), np.cumsum(wrapped_k, axis=1)], axis=1)
    cum_n = np.concatenate([np.zeros((reps, 1)), np.cumsum(wrapped_n, axis=1)], axis=1)
    block_k = cum_k[:, length:length + waves] - cum_k[:, :waves]  # block starting at each wave
    block_n = cum_n[:, length:length + waves] - cum_n[:, :waves]
    starts = rng.integers(0, waves, (draws, blocks))
    rows = np.arange(reps)[:, None, None]
    ratio = block_k[rows, starts[None]].sum(axis=2) / block_n[rows, starts[None]].sum(axis=2)
    low, high = np.quantile(ratio, [alpha / 2, 1 - alpha / 2], axis=1)
    return _wilson_floor(k, n, low, high, alpha)


METHODS: dict[str, Interval] = {
    BEFORE: by_attack,
    "CR2 by week (7 attacks a cluster)": calendar_blocks(7),
    "CR2 by month (30 attacks a cluster)": calendar_blocks(30),
    "Newey-West 1.3 sqrt(T), fixed-b": newey_west_fixed_b,
    "long-run variance, LLSW cosines (0.41 T^2/3)": cosines(llsw_cosines),
    "long-run variance, 3 cosines": cosines(3),
    CHOSEN: cosines(COSINES),
    "long-run variance, 6 cosines": cosines(6),
    "circular block bootstrap (blocks of sqrt(T))": circular_block_bootstrap,
}


def cells(quick: bool) -> list[Cell]:
    if quick:
        return [Cell(m, phi, share, size, regimes, 0.3) for m in (30, 100) for phi in (0.0, 0.7)
                for share in (0.25, 0.9) for size in SIZES for regimes in (False, True)]
    return [Cell(*values) for values in itertools.product(WAVE_COUNTS, PERSISTENCE, SHARES, SIZES,
                                                          REGIMES, SIZE_EFFECTS)]


def run_study(quick: bool = False, reps: int | None = None, seed: int = 20260607,
              alpha: float = 0.05, methods: dict[str, Interval] | None = None) -> list[dict]:
    """Coverage and width of every method in every cell; one dict per (cell, method)."""
    reps = reps or (300 if quick else 1000)
    methods = methods or METHODS
    truths: dict[tuple, float] = {}
    rows = []
    for index, cell in enumerate(cells(quick)):
        key = (cell.share, cell.size, cell.regimes, cell.size_effect)
        if key not in truths:
            truths[key] = truth(cell, np.random.default_rng([seed, 1, len(truths)]))
        rng = np.random.default_rng([seed, index])
        k, n = simulate(cell, reps, rng)
        pooled = k.sum(axis=1) / n.sum(axis=1)
        ideal = 2 * stats.norm.ppf(1 - alpha / 2) * pooled.std(ddof=1)
        for name, method in methods.items():
            low, high = method(k, n, alpha)
            covered = (low <= truths[key]) & (truths[key] <= high)  # NaN (no interval) misses
            width = float(np.nanmean(high - low)) if np.isfinite(high - low).any() else float("nan")
            rows.append({**asdict(cell), "truth": truths[key], "method": name, "reps": reps,
                         "coverage": float(covered.mean()), "width": width,
                         "ideal": float(ideal), "bias": float(pooled.mean() - truths[key])})
    return rows


def summarise(rows: list[dict]) -> list[dict]:
    """Per method and wave count: cells at the coverage target, the worst cell, mean coverage,
    mean width over the ideal, and the share of cells within `WIDTH_TARGET` times the ideal."""
    out = []
    for method in dict.fromkeys(r["method"] for r in rows):
        for waves in sorted({r["waves"] for r in rows}):
            part = [r for r in rows if r["method"] == method and r["waves"] == waves]
            coverage = np.array([r["coverage"] for r in part])
            ratio = np.array([r["width"] / r["ideal"] if r["ideal"] > 0 else np.nan for r in part])
            ratio = ratio[np.isfinite(ratio)]
            out.append({"method": method, "waves": waves, "cells": len(part),
                        "cells_at_target": float((coverage >= TARGETS[waves]).mean()),
                        "worst_cell": float(coverage.min()), "mean_coverage": float(coverage.mean()),
                        "width_vs_ideal": float(ratio.mean()) if len(ratio) else float("nan"),
                        "cells_within_width": float((ratio <= WIDTH_TARGET).sum() / len(part)),
                        "reps": part[0]["reps"]})
    return out


def format_summary(summary: list[dict]) -> str:
    lines = ["| method | waves | cells at target | worst cell | mean coverage | width / ideal | "
             f"cells within {WIDTH_TARGET:g}x ideal |", "|---|---:|---:|---:|---:|---:|---:|"]
    for s in summary:
        lines.append(f"| {s['method']} | {s['waves']} | {100 * s['cells_at_target']:.0f}% | "
                     f"{100 * s['worst_cell']:.1f}% | {100 * s['mean_coverage']:.1f}% | "
                     f"{s['width_vs_ideal']:.2f} | {100 * s['cells_within_width']:.0f}% |")
    return "\n".join(lines)


def format_chosen(rows: list[dict], method: str = CHOSEN) -> str:
    """The method's worst cell (over shares, sizes and size effects) per persistence and waves,
    without and with regime shifts, and its mean width over the ideal."""
    part = [r for r in rows if r["method"] == method]
    waves = sorted({r["waves"] for r in part})
    lines = ["| persistence | regimes | " + " | ".join(f"{m} waves" for m in waves) + " |",
             "|---:|---|" + "---:|" * len(waves)]
    for phi in sorted({r["persistence"] for r in part}):
        for regimes in (False, True):
            cells_ = []
            for m in waves:
                chosen = [r for r in part if r["persistence"] == phi and r["regimes"] == regimes and r["waves"] == m]
                if not chosen:
                    cells_.append("")
                    continue
                worst = min(r["coverage"] for r in chosen)
                ratio = np.mean([r["width"] / r["ideal"] for r in chosen if r["ideal"] > 0])
                cells_.append(f"{100 * worst:.1f}% ({ratio:.2f}x)")
            lines.append(f"| {phi:g} | {'shifts' if regimes else 'none'} | " + " | ".join(cells_) + " |")
    return "\n".join(lines)


def unreached(rows: list[dict]) -> list[str]:
    """Groups of cells (waves, persistence, regimes) where no method reaches the coverage target
    in every cell, with the best method's worst cell."""
    lines = []
    groups = sorted({(r["waves"], r["persistence"], r["regimes"]) for r in rows})
    for waves, phi, regimes in groups:
        part = [r for r in rows if (r["waves"], r["persistence"], r["regimes"]) == (waves, phi, regimes)]
        worst = {m: min(r["coverage"] for r in part if r["method"] == m) for m in dict.fromkeys(r["method"] for r in part)}
        best = max(worst, key=worst.get)
        if worst[best] < TARGETS[waves]:
            lines.append(f"{waves} waves, persistence {phi:g}, {'regime shifts' if regimes else 'no regime shifts'}: "
                         f"no method reaches {100 * TARGETS[waves]:.0f}% in every cell (best: {best}, worst "
                         f"cell {100 * worst[best]:.1f}%; chosen: {100 * worst.get(CHOSEN, float('nan')):.1f}%)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: few cells and records")
    parser.add_argument("--reps", type=int, help="simulated records per cell (default 1000)")
    parser.add_argument("--json", metavar="FILE", help="write every cell as JSON")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    rows = run_study(args.quick, args.reps)
    print(format_summary(summarise(rows)))
    print("\nThe chosen method's worst cell per persistence and wave count (mean width / ideal):")
    print(format_chosen(rows))
    print()
    print("\n".join(unreached(rows)) or "every group of cells has a method at its target")
    print(f"\n{len(rows) // len(METHODS)} cells, {rows[0]['reps']} records each, "
          f"{time.perf_counter() - began:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({"cells": rows, "summary": summarise(rows)}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
