"""Which assumptions each experiment takes, and which random numbers it draws.

- **sobol**: SALib's scrambled Sobol' sequence in Saltelli's scheme (first and total order): for
  each of the n base rows, a row of matrix A, one row per input with that input's value taken
  from matrix B (AB_i), and the row of B: n x (inputs + 3) experiments. One extra input,
  `random_numbers`, changes nothing in the model but the random numbers: it is 0 in A (every
  experiment of A draws the same numbers, from the file's seed) and 1 in B (a second seed, the
  same for every row of B). So the AB_i experiments that estimate each input's effect share their
  random numbers with A (common random numbers: a difference comes from the input, not from
  luck), and the input `random_numbers` measures what luck alone does: its total index is the
  share of the outcome's variance that is Monte Carlo noise at this many runs (the noise floor;
  near 0 means the runs are enough).
- **lhs**: SALib's Latin hypercube; every experiment draws the same random numbers.

The sample is drawn on the unit cube and mapped through each input's distribution (uniform,
loguniform, triangular); inputs that the scenario holds as whole numbers are rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis.model.explore.spec import NOISE_INPUT, Experiment, InputRange, is_integer_key


@dataclass(frozen=True)
class Design:
    """The experiments: input values (one column per input, `random_numbers` last for Sobol),
    the matrix each row belongs to ("A", "B", "AB:<input>"), its seed, and SALib's problem."""

    values: pd.DataFrame
    part: np.ndarray
    seeds: np.ndarray
    problem: dict[str, Any]
    method: str

    @property
    def size(self) -> int:
        return len(self.values)


def second_seed(seed: int) -> int:
    """The seed of matrix B's random numbers: derived from the file's seed, never equal to it."""
    value = int(np.random.SeedSequence([int(seed), 1]).generate_state(1, dtype=np.uint32)[0])
    return value if value != seed else value + 1


def transform(unit: np.ndarray, spec: InputRange, integer: bool = False) -> np.ndarray:
    """Values of one input from points of [0, 1) through its distribution's quantile function."""
    unit = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
    low, high = spec.low, spec.high
    if spec.dist == "uniform":
        values = low + unit * (high - low)
    elif spec.dist == "loguniform":
        values = np.exp(np.log(low) + unit * (np.log(high) - np.log(low)))
    else:
        peak = (spec.mode - low) / (high - low)
        values = stats.triang.ppf(unit, peak, loc=low, scale=high - low)
    if integer:
        values = np.clip(np.floor(values + 0.5), np.ceil(low), np.floor(high))
    return values


def build_design(experiment: Experiment) -> Design:
    """The experiments of an experiment file (see the module docstring)."""
    spec = experiment.spec
    names = list(spec.inputs)
    method = spec.design.method
    n = spec.design.n
    if method == "sobol":
        from SALib.sample import sobol

        problem = {"num_vars": len(names) + 1, "names": [*names, NOISE_INPUT],
                   "bounds": [[0.0, 1.0]] * (len(names) + 1)}
        unit = sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=spec.seed % 2**32)
        width = len(names) + 3
        position = np.arange(len(unit)) % width  # 0: A, 1..D+1: AB_i, D+2: B
        noise_column = len(names)
        # random_numbers: 0 in A, 1 in B; AB_i takes A's except the matrix that swaps it
        unit[:, noise_column] = ((position == width - 1) | (position == noise_column + 1)).astype(float)
        part = np.array(["A" if p == 0 else "B" if p == width - 1 else f"AB:{problem['names'][p - 1]}"
                         for p in position], dtype=object)
    else:
        from SALib.sample import latin

        problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
        unit = latin.sample(problem, n, seed=spec.seed % 2**32)
        part = np.array(["LHS"] * len(unit), dtype=object)
    columns = {
        name: transform(unit[:, i], spec.inputs[name], is_integer_key(name))
        for i, name in enumerate(names)
    }
    if method == "sobol":
        columns[NOISE_INPUT] = unit[:, len(names)].astype(int)
        seeds = np.where(columns[NOISE_INPUT] == 1, second_seed(spec.seed), spec.seed)
    else:
        seeds = np.full(len(unit), spec.seed)
    values = pd.DataFrame(columns)
    for name in names:
        if is_integer_key(name):
            values[name] = values[name].astype("int64")
    return Design(values=values, part=part, seeds=seeds.astype(np.int64), problem=problem, method=method)
